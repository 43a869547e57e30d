// kivi: layout sizes, round-trip bounds, the per-channel property that is KIVI's point, option
// errors, attention against fp16 inside the residual, and every index in a small run.
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "kvsim/attention.h"
#include "kvsim/codec.h"
#include "kvsim/error.h"
#include "kvsim/index.h"
#include "kvsim/kv_source.h"
#include "kvsim/replay.h"
#include "kvsim/strategy.h"
#include "support/kernel_sets.h"
#include "support/random_workload.h"

namespace kvsim {
namespace {

std::unique_ptr<KvCodec> Make(const std::string& spec, uint32_t d = 128) {
  const CodecSpec c = ParseCodecSpec(spec);
  return MakeCodec(c.name, c.options, d, 42);
}

// Bytes per token of one group codec: a group's bytes over its tokens.
double PerToken(const GroupCodec& c) {
  std::vector<float> x(c.tokens_per_group() * c.dim(), 0.25f);
  std::vector<uint8_t> out(c.max_group_bytes());
  return double(c.EncodeGroup(x.data(), out.data())) / double(c.tokens_per_group());
}

TEST_CASE("kivi layout: 2-bit is 48 + 48 bytes per token and head at d = 128, 4-bit 80 + 80") {
  auto two = Make("kivi");
  CHECK(two->keys(Tier::kCold).tokens_per_group() == 32);
  CHECK(two->keys(Tier::kCold).max_group_bytes() == 128 * (4 + 8));
  CHECK(PerToken(two->keys(Tier::kCold)) == 48);
  CHECK(PerToken(two->values(Tier::kCold)) == 48);
  CHECK(PerToken(two->keys(Tier::kHot)) == 256);
  CHECK(PerToken(two->values(Tier::kHot)) == 256);
  CHECK(two->hot_rule() == HotRule{128, 32});
  auto four = Make("kivi:bits=4,group=64,residual=0");
  CHECK(PerToken(four->keys(Tier::kCold)) == 64 + 8);   // bits d / 8 + 4 d / group
  CHECK(PerToken(four->values(Tier::kCold)) == 64 + 8);
  CHECK(PerToken(Make("kivi:bits=4")->keys(Tier::kCold)) == 80);
  const TokenCost cost = MeasureTokenCost(*two, FindModel("llama-3-8b"), 1);
  CHECK(cost.cold_bytes == 32 * 8 * (48 + 48));
  CHECK(cost.hot_bytes == 32 * 8 * 2 * 256);
  CHECK(cost.hot == HotRule{128, 32});
}

TEST_CASE("kivi options: bad values are errors that name the option") {
  auto message = [](const std::string& spec) {
    try {
      Make(spec);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(message("kivi:bits=3").find("bits") != std::string::npos);
  CHECK(message("kivi:bits=8").find("bits") != std::string::npos);
  CHECK(message("kivi:group=48").find("group") != std::string::npos);  // does not divide 128
  CHECK(message("kivi:group=6").find("group") != std::string::npos);
  CHECK(message("kivi:residual=-1").find("residual") != std::string::npos);
  CHECK(message("kivi:tail=3").find("tail") != std::string::npos);
}

// n tokens x d channels, N(0, 1), with channel `outlier` scaled by `factor`.
std::vector<float> Keys(size_t n, size_t d, size_t outlier, float factor, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto x = testing::Gaussian(n * d, rng);
  for (size_t j = 0; j < n; ++j) x[j * d + outlier] *= factor;
  return x;
}

// Squared decoding error per channel of n tokens through a group codec (n a multiple of its group).
std::vector<double> ChannelError(const GroupCodec& c, const std::vector<float>& x, size_t n) {
  const size_t d = c.dim(), t = c.tokens_per_group();
  std::vector<uint8_t> bytes(c.max_group_bytes());
  std::vector<float> y(t * d);
  std::vector<double> err(d, 0.0);
  for (size_t g = 0; g < n / t; ++g) {
    c.EncodeGroup(x.data() + g * t * d, bytes.data());
    c.DecodeGroup(bytes.data(), y.data());
    for (size_t i = 0; i < t * d; ++i) {
      err[i % d] += (double(y[i]) - x[g * t * d + i]) * (double(y[i]) - x[g * t * d + i]);
    }
  }
  return err;
}

TEST_CASE("kivi keys: every value decodes within half a step of its channel's group range") {
  for (const char* spec : {"kivi", "kivi:bits=4", "kivi:group=8"}) {
    auto codec = Make(spec);
    const GroupCodec& c = codec->keys(Tier::kCold);
    const size_t t = c.tokens_per_group(), d = 128;
    const auto x = Keys(t, d, 3, 20.f, 4);
    std::vector<uint8_t> bytes(c.max_group_bytes());
    std::vector<float> y(t * d);
    c.EncodeGroup(x.data(), bytes.data());
    c.DecodeGroup(bytes.data(), y.data());
    const double max_code = std::string(spec).find("bits=4") != std::string::npos ? 15 : 3;
    for (size_t ch = 0; ch < d; ++ch) {
      float lo = x[ch], hi = x[ch];
      for (size_t j = 0; j < t; ++j) lo = std::min(lo, x[j * d + ch]), hi = std::max(hi, x[j * d + ch]);
      // The fp16 scale is rounded up (at most 2^-10 relative) and the minimum down.
      const double bound = (hi - lo) / max_code * 0.5 * (1 + 2e-3) + 1e-3 * std::fabs(lo) + 1e-6;
      for (size_t j = 0; j < t; ++j) {
        CHECK_MESSAGE(std::fabs(y[j * d + ch] - x[j * d + ch]) <= bound, spec << " channel " << ch);
      }
    }
  }
}

// KIVI quantizes keys per channel because keys have outlier channels: a channel's error then
// depends on that channel alone. Per-token groups (q2 values, q4) share the outlier's scale.
TEST_CASE("kivi keys: an outlier channel leaves the other channels' error exactly unchanged") {
  auto codec = Make("kivi");
  const GroupCodec& keys = codec->keys(Tier::kCold);
  const size_t n = 128, d = 128, outlier = 5;
  const auto plain = ChannelError(keys, Keys(n, d, outlier, 1.f, 8), n);
  const auto spiked = ChannelError(keys, Keys(n, d, outlier, 50.f, 8), n);
  for (size_t ch = 0; ch < d; ++ch) {
    if (ch != outlier) CHECK_MESSAGE(spiked[ch] == plain[ch], "channel " << ch);
  }
  CHECK(spiked[outlier] > 100 * plain[outlier]);
  // The same keys quantized per token (kivi's value codec, groups of 32 channels): the
  // outlier's group mates lose precision.
  const GroupCodec& per_token = codec->values(Tier::kCold);
  const auto plain_v = ChannelError(per_token, Keys(n, d, outlier, 1.f, 8), n);
  const auto spiked_v = ChannelError(per_token, Keys(n, d, outlier, 50.f, 8), n);
  double mates = 0, mates_plain = 0;
  for (size_t ch = 0; ch < 32; ++ch) {
    if (ch != outlier) mates += spiked_v[ch], mates_plain += plain_v[ch];
  }
  CHECK(mates > 20 * mates_plain);
}

TEST_CASE("kivi attention: within the residual it is fp16; beyond it 4-bit beats 2-bit") {
  auto source = NewSyntheticKv(128, 8, 3);
  std::vector<Token> tokens(600);
  for (size_t i = 0; i < tokens.size(); ++i) tokens[i] = static_cast<Token>(i * 7 + 1);
  auto run = [&](const std::string& spec, size_t n) {
    auto codec = Make(spec);
    std::vector<AttentionSample> samples;
    AttentionCase c = source->Case(std::vector<Token>(tokens.begin(), tokens.begin() + long(n)),
                                   0, 1, 8, 5);
    c.hot_from = codec->HotFrom(c.n);
    EvaluateCase(c, ComputeExact(c), *codec, &samples);
    return Summarize(samples, "synthetic", 1, n);
  };
  CHECK(run("kivi", 100) == run("fp16", 100));
  const double two = run("kivi", 600).rel_l2_mean, four = run("kivi:bits=4", 600).rel_l2_mean;
  CHECK(four < two);
  CHECK(run("kivi:residual=0", 600).rel_l2_mean > two);  // the fp16 window helps
  CHECK(four < 0.3);
}

TEST_CASE("kivi combines with every index; byte budgets hold") {
  auto w = testing::RandomWorkload(6);
  RunOptions o;
  o.model = FindModel("llama-3-8b");
  std::vector<std::string> specs;
  for (const auto& index : IndexEntries()) {
    specs.push_back(index.name + "+kivi");
    specs.push_back(index.name + "+kivi:bits=4,residual=16,group=16");
  }
  const RunResult run = Replay(*w, ParseStrategyList(specs), ParseBudgetList({"64MiB", "inf"}), o);
  REQUIRE(run.rows.size() == 2 * specs.size());
  const uint64_t vectors = uint64_t{o.model.layers} * o.model.kv_heads;
  for (const auto& row : run.rows) {
    INFO(row.strategy.text);
    const bool two = row.strategy.text.find("bits=4") == std::string::npos;
    CHECK(row.cost.cold_bytes == vectors * (two ? 48 + 48 : 96 + 96));  // 4-bit, group 16
    CHECK(row.cost.hot_bytes == vectors * 512);
    if (row.budget.bytes) CHECK(row.peak_bytes <= *row.budget.bytes);
  }
}

}  // namespace
}  // namespace kvsim
