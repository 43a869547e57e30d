// `kvsim curve`: the replay with curve rows at an unbounded budget and the curves of the same
// strategies, from one pass (see kvsim/curve_run.h).
#include "kvsim/curve_run.h"

#include <cmath>

#include "curve/curve_builder.h"
#include "kvsim/codec_set.h"
#include "kvsim/error.h"

namespace kvsim {
namespace {

// Each strategy's cost; throws the first strategy's refusal, before any work.
std::vector<TokenCost> CurveCosts(const std::vector<Strategy>& strategies, const RunOptions& options) {
  CodecSet own(options.model.head_dim, options.seed);
  CodecSet& codecs = options.codecs != nullptr ? *options.codecs : own;
  std::vector<TokenCost> costs;
  for (const Strategy& s : strategies) {
    costs.push_back(codecs.Cost(s.codec, s.codec_options, options.model));
    if (auto why = CurveRefusal(s, costs.back())) throw Error(*why);
  }
  return costs;
}

// A sampled row without an exact pass: requests and prompt tokens counted, hits and memory
// estimated from the sample.
RowResult EstimatedRow(const Strategy& s, const RowResult& counts, const Curve& curve,
                       const TokenCost& cost, uint64_t fp16_bytes_per_token) {
  RowResult row;
  row.strategy = s;
  row.budget_spec = BudgetSpec::Unbounded();
  row.cost = cost;
  row.requests = counts.requests;
  row.prompt_tokens = counts.prompt_tokens;
  if (!curve.points.empty()) {
    row.hit_tokens = curve.points.back().hit_tokens;
    row.hit_requests = curve.points.back().hit_requests;
  }
  row.peak_tokens = curve.blocks * curve.block_size;
  row.peak_bytes = row.peak_tokens * cost.hot_bytes;
  row.compression_ratio = double(fp16_bytes_per_token) / double(cost.hot_bytes);
  row.bits_per_channel = 16.0 / row.compression_ratio;
  return row;
}

}  // namespace

RunResult ComputeCurves(const Workload& workload, const std::vector<Strategy>& strategies,
                        const RunOptions& options, const CurveOptions& curve) {
  const std::vector<TokenCost> costs = CurveCosts(strategies, options);
  const bool exact_rows = curve.sample >= 1 || curve.check_sample;
  // Without exact rows nothing is replayed but the sampled passes: the request and prompt
  // token counts are the reader's, and the working set the reader's (block-identified traces)
  // or the replay's hidden radix row's.
  const BudgetSpec inf = BudgetSpec::Unbounded();
  std::vector<PointSpec> points;
  if (exact_rows) {
    for (size_t i = 0; i < strategies.size(); ++i) points.push_back({i, i, &strategies[i], &inf});
  }
  RunOptions o = options;
  o.curve_rows = true;
  o.curve_strategies = strategies;
  o.curve = curve;
  RunResult run = ReplayPoints(workload, points, o);
  const uint64_t fp16 = options.model.fp16_bytes_per_token();
  if (!exact_rows) {
    RowResult counts;
    counts.requests = workload.info().requests;
    counts.prompt_tokens = workload.info().prompt_tokens;
    for (size_t i = 0; i < strategies.size(); ++i) {
      run.rows.push_back(EstimatedRow(strategies[i], counts, run.curves[i].curve, costs[i], fp16));
    }
  }
  for (size_t i = 0; i < strategies.size(); ++i) {
    RowResult& row = run.rows[i];
    row.curve = std::move(run.curves[i].curve);
    row.curve->points = ThinPoints(row.curve->points, curve.points);
    row.point = i;
  }
  run.curves.clear();
  return run;
}

}  // namespace kvsim
