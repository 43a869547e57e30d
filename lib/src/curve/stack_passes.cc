// The replay's stack passes (see stack_passes.h).
#include "curve/stack_passes.h"

#include <cmath>

namespace kvsim {

StackPasses::Pass& StackPasses::Entry(uint64_t block_size, std::optional<double> rate) {
  Pass& p = passes_[{block_size, rate.value_or(0)}];
  if (!p.pass) p.pass = std::make_unique<StackPass>(block_size, cache_output_, rate);
  return p;
}

void StackPasses::AddCurve(uint64_t block_size, const CurveOptions& options) {
  if (options.sample >= 1 || options.check_sample) {
    Pass& exact = Entry(block_size, std::nullopt);
    if (!exact.curve) exact.curve = std::make_unique<CurveBuilder>();
  }
  if (options.sample < 1) {
    Pass& sampled = Entry(block_size, options.sample);
    if (!sampled.curve) sampled.curve = std::make_unique<CurveBuilder>();
  }
}

void StackPasses::Step(const Request& r) {
  for (auto& [key, p] : passes_) {
    p.latest = &p.pass->Step(r);
    if (p.curve) p.curve->Add(*p.latest);
  }
  ++requests_;
  prompt_tokens_ += r.prompt_len;
}

const BlockDistances& StackPasses::Latest(uint64_t block_size) const {
  return *passes_.at({block_size, 0}).latest;
}

Curve StackPasses::CurveOf(uint64_t block_size, const CurveOptions& options,
                           uint64_t bytes_per_token) const {
  const auto points = [&](double rate) {
    return passes_.at({block_size, rate >= 1 ? 0 : rate})
        .curve->Points(block_size, bytes_per_token, rate, prompt_tokens_, requests_);
  };
  const auto blocks = [&](double rate) {
    const uint64_t n = passes_.at({block_size, rate >= 1 ? 0 : rate}).pass->blocks();
    return rate >= 1 ? n : static_cast<uint64_t>(std::llround(double(n) / rate));
  };
  Curve exact{block_size, 1, 0, 0, {}, std::nullopt};
  if (options.sample >= 1 || options.check_sample) {
    exact.points = points(1);
    exact.blocks = blocks(1);
  }
  Curve out = exact;
  if (options.sample < 1) {
    out = Curve{block_size, options.sample, 0, blocks(options.sample), points(options.sample),
                std::nullopt};
    if (options.check_sample) out.error = CompareCurves(out, exact);
  }
  out.change_points = out.points.size();
  return out;
}


}  // namespace kvsim
