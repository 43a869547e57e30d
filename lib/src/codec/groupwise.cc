// q8 / q4 (and q2, kivi's 2-bit values): groupwise asymmetric quantization along head_dim
// (notes/quantization.md). Each group of g values stores an fp16 scale, an fp16 minimum and g
// codes (q4: two per byte, low nibble first; q2: four per byte, packed by slot as
// Kernels::pack_slots describes): (d / g) x (g x bits / 8 + 4) bytes per vector. Keys and values are quantized
// separately, each with its own scales (the two-tier seed reused the keys' scale for values).
//
// The minimum is rounded down and the scale up to fp16 before the codes are computed
// (fp16::GroupHeader), so every value lies inside [min, min + scale x max_code] and decodes
// within half a step of itself. Values beyond fp16's range (+-65504) saturate.
//
// q8:mode=symmetric stores each group as [fp16 scale][g int8 codes]: (d / g) x (g + 2) bytes
// per vector, ggml's q8_0 block at g = 32 (Kernels::encode_q8_symmetric has the rule). The codes
// are rounded with the fp32 scale amax / 127 and decoded with its fp16 rounding, so a value
// decodes within half a step plus 127 times the scale's rounding (2^-11 relative for a normal
// half): 0.562 of a step.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "codecs.h"
#include "kvsim/error.h"
#include "kernels/fp16_scalar.h"
#include "kvsim/kernels.h"

namespace kvsim {
namespace {

class GroupwiseCodec final : public VectorCodec {
 public:
  GroupwiseCodec(uint32_t bits, size_t group, size_t dim, bool symmetric)
      : bits_(bits), g_(group), d_(dim), symmetric_(symmetric) {}

  std::string name() const override { return "q" + std::to_string(bits_); }
  size_t dim() const override { return d_; }
  size_t max_encoded_bytes() const override { return (d_ / g_) * GroupBytes(); }

  size_t Encode(const float* x, uint8_t* out) const override {
    if (symmetric_) ActiveKernels().encode_q8_symmetric(x, d_, g_, out);
    else ActiveKernels().encode_groupwise(x, d_, g_, bits_, out);
    return max_encoded_bytes();
  }

  void Decode(const uint8_t* in, float* out) const override {
    std::memset(out, 0, d_ * sizeof(float));
    const float one = 1.f;
    Accumulate(&one, in, 0, 1, out);
  }

  void Score(const float* q, const uint8_t* codes, size_t stride, size_t n,
             float* out) const override {
    if (symmetric_) return ActiveKernels().score_q8_symmetric(q, codes, stride, n, d_, g_, out);
    if (bits_ == 2) return VectorCodec::Score(q, codes, stride, n, out);  // kivi's values only
    float qsum[256];
    for (size_t g = 0; g < d_ / g_; ++g) {
      qsum[g] = 0;
      for (size_t i = 0; i < g_; ++i) qsum[g] += q[g * g_ + i];
    }
    ActiveKernels().score_groupwise(q, qsum, codes, stride, n, d_, g_, bits_, out);
  }

  void Accumulate(const float* w, const uint8_t* codes, size_t stride, size_t n,
                  float* acc) const override {
    const Kernels& k = ActiveKernels();
    if (symmetric_) {
      for (size_t i = 0; i < n; ++i) {
        const uint8_t* c = codes + i * stride;
        for (size_t g = 0; g < d_ / g_; ++g) {
          const uint8_t* o = c + g * GroupBytes();
          k.axpy_s8(w[i] * fp16::Load(o), reinterpret_cast<const int8_t*>(o + 2), acc + g * g_, g_);
        }
      }
      return;
    }
    for (size_t i = 0; i < n; ++i) {
      const uint8_t* c = codes + i * stride;
      for (size_t g = 0; g < d_ / g_; ++g) {
        const uint8_t* o = c + g * GroupBytes();
        float scale, min;
        Header(o, &scale, &min);
        Axpy(k, w[i] * scale, w[i] * min, o + 4, acc + g * g_);
      }
    }
  }

 private:
  size_t GroupBytes() const { return symmetric_ ? g_ + 2 : 4 + g_ * bits_ / 8; }

  // acc[0..g) += a * code + b for one group's codes (2-bit codes are packed by slot,
  // Kernels::pack_slots, not in nibbles).
  void Axpy(const Kernels& k, float a, float b, const uint8_t* codes, float* acc) const {
    if (bits_ == 8) k.axpy_q8(a, b, codes, acc, g_);
    else if (bits_ == 4) k.axpy_q4(a, b, codes, acc, g_);
    else k.axpy_slots(a, b, codes, g_, 2, acc);
  }

  static void Header(const uint8_t* o, float* scale, float* min) {
    *scale = fp16::Load(o);
    *min = fp16::Load(o + 2);
  }

  uint32_t bits_;
  size_t g_, d_;
  bool symmetric_;
};

}  // namespace

std::unique_ptr<VectorCodec> NewGroupwiseCodec(uint32_t bits, size_t group_size, size_t dim,
                                               bool symmetric) {
  if (dim % group_size != 0) {
    throw Error("group_size " + std::to_string(group_size) + " must divide head_dim " +
                std::to_string(dim));
  }
  if (group_size > 1024 || dim / group_size > 256) throw Error("group_size out of range");
  if (bits == 4 && group_size % 2 != 0) throw Error("q4 needs an even group_size");
  if (bits == 2 && group_size % 4 != 0) throw Error("q2 needs a group_size divisible by 4");
  if (symmetric && bits != 8) throw Error("the symmetric layout is 8-bit only");
  return std::make_unique<GroupwiseCodec>(bits, group_size, dim, symmetric);
}

}  // namespace kvsim
