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

double RelMse(const VectorCodec& c, Rng& rng, size_t samples) {
  std::vector<uint8_t> bytes(c.max_encoded_bytes());
  std::vector<float> y(c.dim());
  double sum = 0;
  for (size_t t = 0; t < samples; ++t) {
    const auto x = Unit(rng, c.dim());
    c.Encode(x.data(), bytes.data());
    c.Decode(bytes.data(), y.data());
    for (size_t i = 0; i < c.dim(); ++i) sum += (double(x[i]) - y[i]) * (double(x[i]) - y[i]);
  }
  return sum / static_cast<double>(samples);
}

// Calibrates per-tensor choices (fp8 and nvfp4 scales, TurboQuant's outlier channels) on
// kCalibration unit vectors of their own stream, as the attention probe does on a context.
void Calibrate(KvCodec& codec, size_t d, uint64_t seed) {
  constexpr size_t kCalibration = 64;
  Rng rng(seed ^ 0x63616c6962726174ull);
  std::vector<float> x;
  for (size_t i = 0; i < kCalibration; ++i) {
    const auto v = Unit(rng, d);
    x.insert(x.end(), v.begin(), v.end());
  }
  codec.Calibrate(x.data(), x.data(), kCalibration);
}

}  // namespace

std::vector<std::string> DefaultCodecSpecs() {
  return {"fp32", "fp16", "fp8", "fp8:format=e5m2", "q8", "q4", "nvfp4", "two-tier", "turboquant:key_bits=2,value_bits=2",
          "turboquant:key_bits=3,value_bits=3", "turboquant", "turboquant:rotation=hadamard",
          "turboquant:key_mode=mse"};
}

std::vector<CodecMeasurement> MeasureCodecs(const std::vector<std::string>& specs, uint32_t dim,
                                            uint64_t seed, size_t samples) {
  std::vector<CodecMeasurement> out;
  for (const auto& spec : specs) {
    const CodecSpec c = ParseCodecSpec(spec);
    const auto codec = MakeCodec(c.name, c.options, dim, seed);
    Calibrate(*codec, dim, seed);
    const Tier tier = codec->tail() == kNoTail ? Tier::kHot : Tier::kCold;
    const VectorCodec& k = codec->key(tier);
    const VectorCodec& v = codec->value(tier);
    CodecMeasurement m;
    m.spec = spec;
    m.tier = tier == Tier::kHot ? "hot" : "cold";
    std::vector<uint8_t> kb(k.max_encoded_bytes()), vb(v.max_encoded_bytes());
    Rng rng(seed);
    const auto probe = Unit(rng, dim);
    m.key_bytes = k.Encode(probe.data(), kb.data());
    m.value_bytes = v.Encode(probe.data(), vb.data());
    m.bits_per_channel = double(m.key_bytes + m.value_bytes) * 8 / (2.0 * dim);
    m.key_rel_mse = RelMse(k, rng, samples);
    m.value_rel_mse = RelMse(v, rng, samples);
    double e2 = 0, es = 0, ss = 0;
    for (size_t t = 0; t < samples; ++t) {
      const auto x = Unit(rng, dim), q = Unit(rng, dim);
      k.Encode(x.data(), kb.data());
      float est;
      k.Score(q.data(), kb.data(), 0, 1, &est);
      double exact = 0;
      for (size_t i = 0; i < dim; ++i) exact += double(q[i]) * x[i];
      const double e = est - exact;
      e2 += e * e;
      es += e * exact;
      ss += exact * exact;
    }
    m.score_rmse = std::sqrt(e2 / static_cast<double>(samples)) * std::sqrt(double(dim));
    m.score_slope = ss > 0 ? es / ss : 0;
    out.push_back(m);
  }
  return out;
}

}  // namespace kvsim
