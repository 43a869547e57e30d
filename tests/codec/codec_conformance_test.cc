// The conformance suite every codec passes; a new codec joins by its registry row alone. Each
// codec is checked at its defaults and at every value of every choice option and both ends of
// every integer option (configurations the codec refuses for d = 128 are skipped by name).
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "kvsim/codec.h"
#include "kvsim/error.h"
#include "kvsim/model.h"
#include "kvsim/strategy.h"

namespace kvsim {
namespace {

constexpr uint32_t kDim = 128;

// "q4", "q4:group_size=8", "q4:group_size=128", ...: derived from the registry's option schemas.
std::vector<std::string> Configurations() {
  std::vector<std::string> specs;
  for (const auto& e : CodecEntries()) {
    specs.push_back(e.name);
    for (const auto& o : e.options) {
      std::vector<std::string> values = o.choices;
      if (o.type == OptionSpec::Type::kInt) values = {std::to_string(o.min), std::to_string(o.max)};
      for (const auto& v : values) specs.push_back(e.name + ":" + o.name + "=" + v);
    }
  }
  return specs;
}

std::unique_ptr<KvCodec> Make(const std::string& spec) {
  const CodecSpec c = ParseCodecSpec(spec);
  try {
    return MakeCodec(c.name, c.options, kDim, 42);
  } catch (const Error& e) {
    MESSAGE("skipped " << spec << ": " << std::string(e.what()));
    return nullptr;
  }
}

std::vector<float> Vector(std::mt19937_64& rng, float scale) {
  std::normal_distribution<float> n;
  std::vector<float> v(kDim);
  double s = 0;
  for (auto& x : v) {
    x = n(rng);
    s += double(x) * x;
  }
  for (auto& x : v) x = static_cast<float>(x / std::sqrt(s)) * scale;
  return v;
}

// Every group codec of a codec: key and value, hot and cold tier.
std::vector<const GroupCodec*> Parts(const KvCodec& codec) {
  return {&codec.keys(Tier::kHot), &codec.values(Tier::kHot), &codec.keys(Tier::kCold),
          &codec.values(Tier::kCold)};
}

// `count` vectors of Vector(rng, scale), one after another.
std::vector<float> Vectors(std::mt19937_64& rng, size_t count, float scale) {
  std::vector<float> x;
  for (size_t i = 0; i < count; ++i) {
    const auto v = Vector(rng, scale);
    x.insert(x.end(), v.begin(), v.end());
  }
  return x;
}

TEST_CASE("every configuration of the registry is exercised") {
  CHECK(Configurations().size() > 2 * CodecEntries().size());
  size_t built = 0;
  for (const auto& spec : Configurations()) built += Make(spec) != nullptr;
  CHECK(built >= CodecEntries().size());
}

TEST_CASE("EncodeGroup stays within max_group_bytes, is deterministic, and decodes near the input") {
  std::mt19937_64 rng(5);
  for (const auto& spec : Configurations()) {
    auto codec = Make(spec);
    if (!codec) continue;
    for (const GroupCodec* c : Parts(*codec)) {
      const size_t tokens = c->tokens_per_group();
      const auto x = Vectors(rng, tokens, 3.f);
      std::vector<uint8_t> a(c->max_group_bytes() + 8, 0xAB), b(a.size(), 0xAB);
      const size_t n = c->EncodeGroup(x.data(), a.data());
      CHECK_MESSAGE(n <= c->max_group_bytes(), spec);
      CHECK_MESSAGE(std::all_of(a.begin() + n, a.end(), [](uint8_t v) { return v == 0xAB; }), spec);
      CHECK_MESSAGE(c->EncodeGroup(x.data(), b.data()) == n, spec);
      CHECK_MESSAGE(a == b, spec);
      std::vector<float> y(tokens * kDim);
      c->DecodeGroup(a.data(), y.data());
      double err = 0;
      for (size_t j = 0; j < y.size(); ++j) err += double(y[j] - x[j]) * (y[j] - x[j]);
      // Relative L2 error per vector: exact when lossless; otherwise below 1.5 of the norm
      // (1-bit TurboQuant prod decodes its QJL estimate, unbiased for inner products but about
      // 1.3 from the vector; a flipped sign would be 2, garbage far more).
      const double rel = std::sqrt(err / double(tokens)) / 3.0;
      CHECK_MESSAGE(rel < (c->lossless() ? 1e-6 : 1.5), spec << " " << c->name());
    }
  }
}

TEST_CASE("ScoreGroups and AccumulateGroups agree with DecodeGroup") {
  std::mt19937_64 rng(9);
  for (const auto& spec : Configurations()) {
    auto codec = Make(spec);
    if (!codec) continue;
    for (const GroupCodec* c : Parts(*codec)) {
      const size_t tpg = c->tokens_per_group(), groups = tpg == 1 ? 37 : 3;
      const size_t n = groups * tpg, stride = c->max_group_bytes();
      std::vector<uint8_t> codes(groups * stride);
      std::vector<float> dec(n * kDim);
      for (size_t g = 0; g < groups; ++g) {
        const auto x = Vectors(rng, tpg, 3.f);
        c->EncodeGroup(x.data(), codes.data() + g * stride);
        c->DecodeGroup(codes.data() + g * stride, dec.data() + g * tpg * kDim);
      }
      const auto q = Vector(rng, 1.f);
      std::vector<float> scores(n), w(n), acc(kDim, 0.f), expect(kDim, 0.f);
      c->ScoreGroups(q.data(), codes.data(), stride, groups, scores.data());
      for (size_t i = 0; i < n; ++i) {
        double dot = 0;
        for (size_t j = 0; j < kDim; ++j) dot += double(q[j]) * dec[i * kDim + j];
        CHECK_MESSAGE(std::fabs(scores[i] - dot) < 2e-4, spec << " " << c->name());
        w[i] = float(i + 1) / n;
        for (size_t j = 0; j < kDim; ++j) expect[j] += w[i] * dec[i * kDim + j];
      }
      c->AccumulateGroups(w.data(), codes.data(), stride, groups, acc.data());
      for (size_t j = 0; j < kDim; ++j) {
        CHECK_MESSAGE(std::fabs(acc[j] - expect[j]) < 1e-3, spec << " " << c->name());
      }
    }
  }
}

TEST_CASE("EncodeGroups writes exactly the bytes of one EncodeGroup per group") {
  std::mt19937_64 rng(12);
  for (const auto& spec : Configurations()) {
    auto codec = Make(spec);
    if (!codec) continue;
    for (const GroupCodec* c : Parts(*codec)) {
      for (size_t groups : {1, 7, 8, 9, 70}) {
        const size_t stride = c->max_group_bytes() + 3, size = c->tokens_per_group() * kDim;
        const std::vector<float> x = Vectors(rng, groups * c->tokens_per_group(), 1.f);
        std::vector<uint8_t> one(groups * stride, 0), batch(groups * stride, 0);
        for (size_t g = 0; g < groups; ++g) c->EncodeGroup(x.data() + g * size, one.data() + g * stride);
        c->EncodeGroups(x.data(), groups, batch.data(), stride);
        CHECK_MESSAGE(one == batch, spec << " " << c->name() << " groups=" << groups);
      }
    }
  }
}

TEST_CASE("bytes per token are measured from the encoder and never exceed fp32's") {
  const ModelProfile m = FindModel("llama-3-8b");
  for (const auto& spec : Configurations()) {
    auto codec = Make(spec);
    if (!codec) continue;
    const TokenCost cost = MeasureTokenCost(*codec, m, 42);
    CHECK_MESSAGE(cost.hot_bytes > 0, spec);
    CHECK_MESSAGE(cost.cold_bytes > 0, spec);
    CHECK_MESSAGE(cost.hot_bytes <= 2 * m.fp16_bytes_per_token(), spec);
    CHECK_MESSAGE(cost.hot == codec->hot_rule(), spec);
  }
}

}  // namespace
}  // namespace kvsim
