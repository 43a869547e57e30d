// fp8 and nvfp4 codecs: the byte layouts of the contract, round-trip error bounds, per-tensor
// calibration, and the same bytes under every kernel set.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "kvsim/codec.h"
#include "kvsim/error.h"
#include "kvsim/kernels.h"
#include "kvsim/model.h"
#include "kvsim/strategy.h"
#include "kvsim/replay.h"
#include "support/random_workload.h"

namespace kvsim {
namespace {

std::unique_ptr<KvCodec> Make(const std::string& spec, uint32_t d = 128) {
  const CodecSpec c = ParseCodecSpec(spec);
  return MakeCodec(c.name, c.options, d, 42);
}

std::vector<float> Gaussian(size_t n, std::mt19937_64& rng, float sd) {
  std::normal_distribution<float> d(0.f, sd);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

std::vector<float> RoundTrip(const VectorCodec& c, const std::vector<float>& x) {
  std::vector<uint8_t> bytes(c.max_encoded_bytes());
  CHECK(c.Encode(x.data(), bytes.data()) == c.max_encoded_bytes());
  std::vector<float> y(c.dim());
  c.Decode(bytes.data(), y.data());
  return y;
}

TEST_CASE("fp8 / nvfp4: bytes per vector are the contract's layouts") {
  for (uint32_t d : {64u, 128u, 256u}) {
    for (const char* spec : {"fp8", "fp8:format=e5m2", "fp8:scale=none"}) {
      auto c = Make(spec, d);
      CHECK(c->key(Tier::kHot).max_encoded_bytes() == d);
      CHECK(c->value(Tier::kCold).max_encoded_bytes() == d);
    }
    CHECK(Make("nvfp4", d)->key(Tier::kHot).max_encoded_bytes() == d / 2 + d / 16);
  }
  CHECK(Make("nvfp4")->value(Tier::kHot).max_encoded_bytes() == 72);
  CHECK_THROWS_AS(Make("nvfp4", 120), Error);
  CHECK_THROWS_AS(Make("fp8:format=e3m4"), Error);
  CHECK_THROWS_AS(Make("fp8:scale=max"), Error);
  // Compression against fp16 at d = 128: 2 and 256 / 72.
  const ModelProfile m = FindModel("llama-3-8b");
  CHECK(MeasureTokenCost(*Make("fp8"), m, 1).hot_bytes * 2 == m.fp16_bytes_per_token());
  CHECK(MeasureTokenCost(*Make("nvfp4"), m, 1).hot_bytes * 256 == m.fp16_bytes_per_token() * 72);
}

TEST_CASE("fp8: calibrated values decode within half a unit in the last place") {
  std::mt19937_64 rng(7);
  for (const char* spec : {"fp8", "fp8:format=e5m2"}) {
    const bool e4m3 = std::string(spec) == "fp8";
    auto codec = Make(spec);
    VectorCodec& c = const_cast<VectorCodec&>(codec->key(Tier::kHot));
    const auto calib = Gaussian(128 * 64, rng, 2.f);
    codec->Calibrate(calib.data(), calib.data(), 64);
    float amax = 0;
    for (float v : calib) amax = std::max(amax, std::fabs(v));
    const double scale = amax / (e4m3 ? 448.0 : 57344.0);
    const double ulp_half = e4m3 ? 1.0 / 16 : 1.0 / 8;             // 2^-(M+1), relative
    const double sub_half = scale * std::ldexp(1.0, e4m3 ? -10 : -17);  // half the subnormal step
    for (int trial = 0; trial < 200; ++trial) {
      auto x = Gaussian(128, rng, trial % 2 ? 2.f : 1e-3f);
      const auto y = RoundTrip(c, x);
      for (size_t i = 0; i < 128; ++i) {
        if (std::fabs(x[i]) > amax) continue;  // saturates: checked below
        const double err = std::fabs(double(x[i]) - y[i]);
        CHECK_MESSAGE(err <= (ulp_half + 1e-6) * std::fabs(x[i]) + sub_half * 1.001,
                      spec << " trial " << trial << " x " << x[i] << " y " << y[i]);
      }
    }
    // Beyond the calibrated range: saturates at the largest value times the scale.
    std::vector<float> big(128, 10 * amax);
    big[1] = -10 * amax;
    const auto y = RoundTrip(c, big);
    CHECK(y[0] == doctest::Approx(amax).epsilon(1e-6));
    CHECK(y[1] == doctest::Approx(-amax).epsilon(1e-6));
  }
}

TEST_CASE("fp8: scale=none stores the values themselves, calibration or not") {
  auto codec = Make("fp8:scale=none");
  const std::vector<float> calib(128, 1000.f);
  codec->Calibrate(calib.data(), calib.data(), 1);
  std::vector<float> x(128);
  for (size_t i = 0; i < 128; ++i) x[i] = static_cast<float>(i % 16) - 8.f;
  x[0] = 500.f;  // beyond E4M3's 448: saturates
  const auto y = RoundTrip(codec->key(Tier::kHot), x);
  CHECK(y[0] == 448.f);
  for (size_t i = 1; i < 128; ++i) CHECK(y[i] == x[i]);  // integers up to 16 are exact in E4M3
}

TEST_CASE("nvfp4: every value decodes within its block's half step, scale rounding included") {
  std::mt19937_64 rng(11);
  auto vector = [&] {
    auto x = Gaussian(128, rng, 1.f);
    for (size_t i = 0; i < 128; ++i) x[i] *= (i % 16 == 5 ? 8.f : 1.f);  // one large value per block
    return x;
  };
  std::vector<float> calib;
  for (int i = 0; i < 64; ++i) {
    const auto v = vector();
    calib.insert(calib.end(), v.begin(), v.end());
  }
  auto codec = Make("nvfp4");
  codec->Calibrate(calib.data(), calib.data(), 64);
  const VectorCodec& c = codec->key(Tier::kHot);
  double err2 = 0, norm2 = 0;
  for (int trial = 0; trial < 300; ++trial) {
    auto x = vector();
    if (trial == 0) std::fill(x.begin(), x.begin() + 16, 0.f);
    const auto y = RoundTrip(c, x);
    for (size_t b = 0; b < 8; ++b) {
      float amax = 0;
      for (size_t i = 16 * b; i < 16 * b + 16; ++i) amax = std::max(amax, std::fabs(x[i]));
      // E2M1's widest gap is 2 (4 to 6) in units of the scale amax / 6; the E4M3 scale rounds
      // by at most 2^-4, so the top value may saturate at 6 by that much.
      for (size_t i = 16 * b; i < 16 * b + 16; ++i) {
        CHECK_MESSAGE(std::fabs(x[i] - y[i]) <= amax / 6 * 1.0625 + 1e-6,
                      "trial " << trial << " i " << i << " x " << x[i] << " y " << y[i]);
        err2 += double(x[i] - y[i]) * (x[i] - y[i]);
        norm2 += double(x[i]) * x[i];
      }
    }
  }
  CHECK(err2 / norm2 < 0.01);  // measured 0.0083
}

TEST_CASE("fp8 / nvfp4 encode to identical bytes under every kernel set") {
  std::mt19937_64 rng(13);
  const auto x = Gaussian(128 * 50, rng, 1.f);
  for (const char* spec : {"fp8", "fp8:format=e5m2", "fp8:scale=none", "nvfp4"}) {
    std::vector<uint8_t> first;
    for (const auto& name : AvailableKernels()) {
      ForceKernels(name);
      auto codec = Make(spec);
      codec->Calibrate(x.data(), x.data(), 50);
      const VectorCodec& c = codec->key(Tier::kHot);
      const size_t stride = c.max_encoded_bytes();
      std::vector<uint8_t> out(50 * stride);
      c.EncodeBatch(x.data(), 50, out.data(), stride);
      if (first.empty()) first = out;
      CHECK_MESSAGE(out == first, spec << " " << name);
    }
    ForceKernels(AvailableKernels().back());
  }
}

TEST_CASE("fp8 / nvfp4 combine with every index; byte budgets price the encoded bytes") {
  auto w = testing::RandomWorkload(6);
  RunOptions o;
  o.model = FindModel("llama-3-8b");
  const uint64_t vectors = 2ull * o.model.layers * o.model.kv_heads;  // K and V per token
  std::vector<std::string> specs;
  for (const auto& index : IndexEntries()) {
    specs.push_back(index.name + "+fp8");
    specs.push_back(index.name + "+nvfp4");
  }
  const auto strategies = ParseStrategyList(specs);
  const RunResult run = Replay(*w, strategies, ParseBudgetList({"64MiB"}), o);
  REQUIRE(run.rows.size() == specs.size());
  for (const auto& row : run.rows) {
    const bool fp8 = row.strategy.codec == "fp8";
    INFO(row.strategy.text);
    CHECK(row.cost.hot_bytes == vectors * (fp8 ? 128 : 72));
    CHECK(row.cost.cold_bytes == row.cost.hot_bytes);
    CHECK(row.peak_bytes <= (64ull << 20));
    if (row.peak_tokens > 0) {
      CHECK(row.compression_ratio == doctest::Approx(fp8 ? 2.0 : 256.0 / 72));
    }
  }
}

}  // namespace
}  // namespace kvsim
