// Codec measurements on random unit vectors (see kvsim/codec_measure.h).
#include <cmath>

#include "kvsim/codec.h"
#include "kvsim/codec_measure.h"
#include "kvsim/rng.h"
#include "kvsim/strategy.h"

namespace kvsim {
namespace {

std::vector<float> Unit(Rng& rng, size_t d) {
  std::vector<float> v(d);
  double s = 0;
  for (auto& x : v) {
    x = static_cast<float>(rng.Normal());
    s += double(x) * x;
  }
  for (auto& x : v) x = static_cast<float>(x / std::sqrt(s));
  return v;
}

std::vector<float> Repeat(const std::vector<float>& v, size_t times) {
  std::vector<float> out;
  for (size_t t = 0; t < times; ++t) out.insert(out.end(), v.begin(), v.end());
  return out;
}

// One group of unit vectors, drawn in order (one vector for per-token codecs).
std::vector<float> Units(Rng& rng, size_t d, size_t count) {
  std::vector<float> x;
  for (size_t t = 0; t < count; ++t) {
    const auto v = Unit(rng, d);
    x.insert(x.end(), v.begin(), v.end());
  }
  return x;
}

// E ||x - x~||^2 over at least `samples` unit vectors, whole groups of them.
double RelMse(const GroupCodec& c, Rng& rng, size_t samples) {
  const size_t tpg = c.tokens_per_group(), d = c.dim();
  std::vector<uint8_t> bytes(c.max_group_bytes());
  std::vector<float> y(tpg * d);
  double sum = 0;
  size_t count = 0;
  for (; count < samples; count += tpg) {
    const auto x = Units(rng, d, tpg);
    c.EncodeGroup(x.data(), bytes.data());
    c.DecodeGroup(bytes.data(), y.data());
    for (size_t i = 0; i < tpg * d; ++i) sum += (double(x[i]) - y[i]) * (double(x[i]) - y[i]);
  }
  return count ? sum / static_cast<double>(count) : 0;
}

// Bytes per vector: one group's bytes over its tokens, rounded up.
uint64_t BytesPerVector(const GroupCodec& c, const std::vector<float>& group) {
  std::vector<uint8_t> out(c.max_group_bytes());
  const size_t tpg = c.tokens_per_group();
  return (c.EncodeGroup(group.data(), out.data()) + tpg - 1) / tpg;
}

// Score error of unit keys against unit queries, a (key, query) pair per token, whole groups.
void ScoreError(const GroupCodec& k, Rng& rng, size_t samples, CodecMeasurement* m) {
  const size_t tpg = k.tokens_per_group(), d = k.dim();
  std::vector<uint8_t> kb(k.max_group_bytes());
  std::vector<float> est(tpg);
  double e2 = 0, es = 0, ss = 0;
  size_t count = 0;
  for (; count < samples; count += tpg) {
    std::vector<float> x, q;
    for (size_t t = 0; t < tpg; ++t) {
      const auto xt = Unit(rng, d), qt = Unit(rng, d);
      x.insert(x.end(), xt.begin(), xt.end());
      q.insert(q.end(), qt.begin(), qt.end());
    }
    k.EncodeGroup(x.data(), kb.data());
    for (size_t t = 0; t < tpg; ++t) {
      k.ScoreGroups(q.data() + t * d, kb.data(), 0, 1, est.data());
      double exact = 0;
      for (size_t i = 0; i < d; ++i) exact += double(q[t * d + i]) * x[t * d + i];
      const double e = est[t] - exact;
      e2 += e * e;
      es += e * exact;
      ss += exact * exact;
    }
  }
  m->score_rmse = count ? std::sqrt(e2 / static_cast<double>(count)) * std::sqrt(double(d)) : 0;
  m->score_slope = ss > 0 ? es / ss : 0;
}

// Calibrates per-tensor choices (fp8 and nvfp4 scales, TurboQuant's outlier channels) on
// kCalibration unit vectors of their own stream, as the attention probe does on a context.
void Calibrate(KvCodec& codec, size_t d, uint64_t seed) {
  constexpr size_t kCalibration = 64;
  Rng rng(seed ^ 0x63616c6962726174ull);
  const std::vector<float> x = Units(rng, d, kCalibration);
  codec.Calibrate(x.data(), x.data(), kCalibration);
}

}  // namespace

std::vector<std::string> DefaultCodecSpecs() {
  return {"fp32", "fp16", "fp8", "fp8:format=e5m2", "q8", "q4", "nvfp4", "two-tier", "turboquant:key_bits=2,value_bits=2",
          "turboquant:key_bits=3,value_bits=3", "turboquant", "turboquant:rotation=hadamard",
          "turboquant:key_mode=mse", "kivi", "kivi:bits=4"};
}

std::vector<CodecMeasurement> MeasureCodecs(const std::vector<std::string>& specs, uint32_t dim,
                                            uint64_t seed, size_t samples) {
  std::vector<CodecMeasurement> out;
  for (const auto& spec : specs) {
    const CodecSpec c = ParseCodecSpec(spec);
    const auto codec = MakeCodec(c.name, c.options, dim, seed);
    Calibrate(*codec, dim, seed);
    const Tier tier = codec->hot_rule().tiered() ? Tier::kCold : Tier::kHot;
    const GroupCodec& k = codec->keys(tier);
    const GroupCodec& v = codec->values(tier);
    CodecMeasurement m;
    m.spec = spec;
    m.tier = tier == Tier::kHot ? "hot" : "cold";
    Rng rng(seed);
    const auto probe = Unit(rng, dim);
    m.key_bytes = BytesPerVector(k, Repeat(probe, k.tokens_per_group()));
    m.value_bytes = BytesPerVector(v, Repeat(probe, v.tokens_per_group()));
    m.bits_per_channel = double(m.key_bytes + m.value_bytes) * 8 / (2.0 * dim);
    m.key_rel_mse = RelMse(k, rng, samples);
    m.value_rel_mse = RelMse(v, rng, samples);
    ScoreError(k, rng, samples, &m);
    out.push_back(m);
  }
  return out;
}

}  // namespace kvsim
