// q8 / q4: groupwise asymmetric quantization along head_dim (notes/quantization.md). Each group
// of g values stores an fp16 scale, an fp16 minimum and g codes (q4: two per byte, low nibble
// first): (d / g) x (g x bits / 8 + 4) bytes per vector. Keys and values are quantized
// separately, each with its own scales (the two-tier seed reused the keys' scale for values).
//
// The minimum is rounded down and the scale up to fp16 before the codes are computed, so every
// value lies inside [min, min + scale x max_code] and decodes within half a step of itself.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "codecs.h"
#include "kvsim/error.h"
#include "kvsim/kernels.h"

namespace kvsim {
namespace {

constexpr float kF16Max = 65504.f;

float ToF16AndBack(float f, uint16_t* h) {
  ScalarKernels().f32_to_f16(&f, h, 1);
  float back;
  ScalarKernels().f16_to_f32(h, &back, 1);
  return back;
}

// The next fp16 toward -inf / +inf of a finite half `h` (sign-magnitude ordering).
uint16_t F16Down(uint16_t h) {
  if (h == 0x0000) return 0x8001;
  return (h & 0x8000) ? static_cast<uint16_t>(h + 1) : static_cast<uint16_t>(h - 1);
}
uint16_t F16Up(uint16_t h) {
  if (h == 0x8000) return 0x0001;
  return (h & 0x8000) ? static_cast<uint16_t>(h - 1) : static_cast<uint16_t>(h + 1);
}

float F16Value(uint16_t h) {
  float f;
  ScalarKernels().f16_to_f32(&h, &f, 1);
  return f;
}

class GroupwiseCodec final : public VectorCodec {
 public:
  GroupwiseCodec(uint32_t bits, size_t group, size_t dim)
      : bits_(bits), g_(group), d_(dim), max_code_((1u << bits) - 1) {}

  std::string name() const override { return bits_ == 8 ? "q8" : "q4"; }
  size_t dim() const override { return d_; }
  size_t max_encoded_bytes() const override { return (d_ / g_) * GroupBytes(); }

  size_t Encode(const float* x, uint8_t* out) const override {
    const Kernels& k = ActiveKernels();
    uint8_t codes[1024];
    for (size_t g = 0; g < d_ / g_; ++g) {
      const float* v = x + g * g_;
      uint8_t* o = out + g * GroupBytes();
      float mn, mx;
      k.min_max(v, g_, &mn, &mx);
      mn = std::clamp(mn, -kF16Max, kF16Max);
      mx = std::clamp(mx, -kF16Max, kF16Max);
      uint16_t mh, sh;
      float m = ToF16AndBack(mn, &mh);
      if (m > mn) m = F16Value(mh = F16Down(mh));
      float s = ToF16AndBack((mx - m) / static_cast<float>(max_code_), &sh);
      if (m + s * static_cast<float>(max_code_) < mx) s = F16Value(sh = F16Up(sh));
      std::memcpy(o, &sh, 2);
      std::memcpy(o + 2, &mh, 2);
      const float inv = s > 0 ? 1.f / s : 0.f;
      if (bits_ == 8) {
        k.quantize(v, g_, m, inv, max_code_, o + 4);
      } else {
        k.quantize(v, g_, m, inv, max_code_, codes);
        k.pack_nibbles(codes, g_, o + 4);
      }
    }
    return max_encoded_bytes();
  }

  void Decode(const uint8_t* in, float* out) const override {
    std::memset(out, 0, d_ * sizeof(float));
    const float one = 1.f;
    Accumulate(&one, in, 0, 1, out);
  }

  void Score(const float* q, const uint8_t* codes, size_t stride, size_t n,
             float* out) const override {
    const Kernels& k = ActiveKernels();
    float qsum[256];
    for (size_t g = 0; g < d_ / g_; ++g) {
      qsum[g] = 0;
      for (size_t i = 0; i < g_; ++i) qsum[g] += q[g * g_ + i];
    }
    const auto dot = bits_ == 8 ? k.dot_q8 : k.dot_q4;
    for (size_t i = 0; i < n; ++i) {
      const uint8_t* c = codes + i * stride;
      float s = 0;
      for (size_t g = 0; g < d_ / g_; ++g) {
        const uint8_t* o = c + g * GroupBytes();
        float scale, min;
        Header(o, &scale, &min);
        s += min * qsum[g] + scale * dot(q + g * g_, o + 4, g_);
      }
      out[i] = s;
    }
  }

  void Accumulate(const float* w, const uint8_t* codes, size_t stride, size_t n,
                  float* acc) const override {
    const Kernels& k = ActiveKernels();
    const auto axpy = bits_ == 8 ? k.axpy_q8 : k.axpy_q4;
    for (size_t i = 0; i < n; ++i) {
      const uint8_t* c = codes + i * stride;
      for (size_t g = 0; g < d_ / g_; ++g) {
        const uint8_t* o = c + g * GroupBytes();
        float scale, min;
        Header(o, &scale, &min);
        axpy(w[i] * scale, w[i] * min, o + 4, acc + g * g_, g_);
      }
    }
  }

 private:
  size_t GroupBytes() const { return 4 + g_ * bits_ / 8; }

  static void Header(const uint8_t* o, float* scale, float* min) {
    uint16_t h[2];
    std::memcpy(h, o, 4);
    float f[2];
    ScalarKernels().f16_to_f32(h, f, 2);
    *scale = f[0];
    *min = f[1];
  }

  uint32_t bits_;
  size_t g_, d_;
  uint32_t max_code_;
};

}  // namespace

std::unique_ptr<VectorCodec> NewGroupwiseCodec(uint32_t bits, size_t group_size, size_t dim) {
  if (dim % group_size != 0) {
    throw Error("group_size " + std::to_string(group_size) + " must divide head_dim " +
                std::to_string(dim));
  }
  if (group_size > 1024 || dim / group_size > 256) throw Error("group_size out of range");
  if (bits == 4 && group_size % 2 != 0) throw Error("q4 needs an even group_size");
  return std::make_unique<GroupwiseCodec>(bits, group_size, dim);
}

}  // namespace kvsim
