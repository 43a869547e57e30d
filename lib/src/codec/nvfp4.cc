// nvfp4: NVIDIA's FP4 KV cache (NVFP4). Values are OCP FP4 E2M1 (0 .. 6), each block of 16
// consecutive values with an E4M3 scale, and one fp32 scale per (layer, KV head) tensor,
// amax / (448 x 6) of the vectors the codec calibrates on (1.0 before any calibration), so the
// block scales use E4M3's range. Per vector: d/2 bytes of codes (two per byte, the
// even-indexed value in the low nibble), then the d/16 block scales; d/2 + d/16 bytes (72 at
// d = 128). Block b's scale is E4M3(amax_b / (6 global)); a value decodes as
// E2M1(code) x scale_b x global.
#include <algorithm>
#include <cmath>

#include "codecs.h"
#include "kvsim/error.h"
#include "kvsim/kernels.h"

namespace kvsim {
namespace {

class Nvfp4Codec final : public VectorCodec {
 public:
  explicit Nvfp4Codec(size_t d) : d_(d) {}
  std::string name() const override { return "nvfp4"; }
  size_t dim() const override { return d_; }
  size_t max_encoded_bytes() const override { return d_ / 2 + d_ / 16; }

  size_t Encode(const float* x, uint8_t* out) const override {
    ActiveKernels().encode_nvfp4(x, d_, global_, out);
    return max_encoded_bytes();
  }
  void Decode(const uint8_t* in, float* out) const override {
    std::fill(out, out + d_, 0.f);
    const float one = 1.f;
    Accumulate(&one, in, 0, 1, out);
  }
  void Score(const float* q, const uint8_t* codes, size_t stride, size_t n,
             float* out) const override {
    ActiveKernels().score_nvfp4(q, codes, stride, n, d_, out);
    for (size_t i = 0; i < n; ++i) out[i] *= global_;
  }
  void Accumulate(const float* w, const uint8_t* codes, size_t stride, size_t n,
                  float* acc) const override {
    ActiveKernels().accumulate_nvfp4(w, global_, codes, stride, n, d_, acc);
  }
  void Calibrate(const float* vectors, size_t n) override {
    float amax = 0.f;
    for (size_t i = 0; i < n * d_; ++i) amax = std::max(amax, std::fabs(vectors[i]));
    global_ = amax > 0.f && std::isfinite(amax) ? amax / (448.f * 6.f) : 1.f;
  }

 private:
  size_t d_;
  float global_ = 1.f;
};

}  // namespace

std::unique_ptr<VectorCodec> NewNvfp4Codec(size_t dim) {
  if (dim % 16 != 0) {
    throw Error("nvfp4 needs a head_dim divisible by 16 (one scale per 16 values), not " +
                std::to_string(dim));
  }
  return std::make_unique<Nvfp4Codec>(dim);
}

}  // namespace kvsim
