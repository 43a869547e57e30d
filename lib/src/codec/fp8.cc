// fp8: the KV cache of vLLM, SGLang and TensorRT-LLM under kv_cache_dtype=fp8. Each value is one
// OCP FP8 byte (E4M3 or E5M2) of x / scale, with one fp32 scale per (layer, KV head) tensor:
// amax / 448 (E4M3) or amax / 57344 (E5M2) of the vectors the codec calibrates on, or 1.0
// (scale=none, and before any calibration: vLLM's default when a checkpoint has no scales).
// d bytes per vector; the per-tensor scale is not charged per token. Conversions round to
// nearest even and saturate (kernels/lowfloat_scalar.h).
#include <algorithm>
#include <cmath>

#include "codecs.h"
#include "kvsim/kernels.h"

namespace kvsim {
namespace {

class Fp8Codec final : public VectorCodec {
 public:
  Fp8Codec(LowFloat format, bool calibrated, size_t d)
      : format_(format), calibrated_(calibrated), d_(d) {}
  std::string name() const override { return "fp8"; }
  size_t dim() const override { return d_; }
  size_t max_encoded_bytes() const override { return d_; }

  size_t Encode(const float* x, uint8_t* out) const override {
    ActiveKernels().f32_to_lowfloat(x, d_, inv_scale_, format_, out);
    return d_;
  }
  void Decode(const uint8_t* in, float* out) const override {
    ActiveKernels().lowfloat_to_f32(in, d_, format_, out);
    for (size_t i = 0; i < d_; ++i) out[i] *= scale_;
  }
  void Score(const float* q, const uint8_t* codes, size_t stride, size_t n,
             float* out) const override {
    ActiveKernels().score_fp8(q, codes, stride, n, d_, format_, out);
    for (size_t i = 0; i < n; ++i) out[i] *= scale_;
  }
  void Accumulate(const float* w, const uint8_t* codes, size_t stride, size_t n,
                  float* acc) const override {
    ActiveKernels().accumulate_fp8(w, scale_, codes, stride, n, d_, format_, acc);
  }
  // The per-tensor scale: the largest magnitude of the n vectors maps to the format's largest.
  void Calibrate(const float* vectors, size_t n) override {
    if (!calibrated_) return;
    float amax = 0.f;
    for (size_t i = 0; i < n * d_; ++i) amax = std::max(amax, std::fabs(vectors[i]));
    const float max = format_ == LowFloat::kE4M3 ? 448.f : 57344.f;
    scale_ = amax > 0.f && std::isfinite(amax) ? amax / max : 1.f;
    inv_scale_ = 1.f / scale_;
  }

 private:
  LowFloat format_;
  bool calibrated_;
  size_t d_;
  float scale_ = 1.f, inv_scale_ = 1.f;
};

}  // namespace

std::unique_ptr<VectorCodec> NewFp8Codec(LowFloat format, bool calibrated, size_t dim) {
  return std::make_unique<Fp8Codec>(format, calibrated, dim);
}

}  // namespace kvsim
