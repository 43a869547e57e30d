// kivi (Liu et al. 2024, "KIVI: A Tuning-Free Asymmetric 2bit Quantization for KV Cache"): keys
// quantized per channel over groups of `group` consecutive tokens (keys have outlier channels:
// a channel's own range keeps its error its own), values per token over groups of `group`
// channels (q2 / q4), each group with an fp16 scale and an fp16 minimum. The last `residual`
// tokens of the writing sequence and the tokens not yet filling a key group stay fp16: the
// codec's HotRule {residual, group}.
//
// Key group layout (t = group tokens, d channels, b bits): d fp16 scales, d fp16 minimums
// (channel order), then per channel its t codes packed by slot (Kernels::pack_slots):
// d (4 + t b / 8) bytes, so b d / 8 + 4 d / t per token (d = 128, 2-bit, t = 32: 48).
#include <vector>

#include "codecs.h"
#include "kernels/fp16_scalar.h"
#include "kernels/scalar_kivi.h"
#include "kvsim/error.h"
#include "kvsim/kernels.h"

namespace kvsim {
namespace {

class KiviKeyCodec final : public GroupCodec {
 public:
  KiviKeyCodec(uint32_t bits, size_t group, size_t dim) : bits_(bits), t_(group), d_(dim) {}

  std::string name() const override { return "kivi-keys"; }
  size_t dim() const override { return d_; }
  size_t tokens_per_group() const override { return t_; }
  size_t max_group_bytes() const override { return d_ * (4 + CodeBytes()); }

  size_t EncodeGroup(const float* x, uint8_t* out) const override {
    ActiveKernels().encode_kivi(x, t_, d_, bits_, out);
    return max_group_bytes();
  }

  void DecodeGroup(const uint8_t* in, float* out) const override {
    for (size_t c = 0; c < d_; ++c) {
      const float scale = fp16::Load(in + 2 * c), min = fp16::Load(in + 2 * d_ + 2 * c);
      const uint8_t* codes = in + 4 * d_ + c * CodeBytes();
      for (size_t j = 0; j < t_; ++j) {
        out[j * d_ + c] = min + scale * static_cast<float>(reference::SlotCode(codes, t_, bits_, j));
      }
    }
  }

  void ScoreGroups(const float* q, const uint8_t* codes, size_t stride, size_t groups,
                   float* out) const override {
    ActiveKernels().score_kivi(q, codes, stride, groups, d_, t_, bits_, out);
  }

  // Keys are scored, not summed: the decoded vectors through the fp32 kernel suffice.
  void AccumulateGroups(const float* w, const uint8_t* codes, size_t stride, size_t groups,
                        float* acc) const override {
    const Kernels& k = ActiveKernels();
    std::vector<float> x(t_ * d_);
    for (size_t g = 0; g < groups; ++g) {
      DecodeGroup(codes + g * stride, x.data());
      for (size_t j = 0; j < t_; ++j) k.axpy_f32(w[g * t_ + j], x.data() + j * d_, acc, d_);
    }
  }

 private:
  size_t CodeBytes() const { return t_ * bits_ / 8; }

  uint32_t bits_;
  size_t t_, d_;
};

}  // namespace

std::unique_ptr<KvCodec> NewKiviCodec(uint32_t bits, size_t group, uint64_t residual,
                                      size_t dim) {
  const std::string g = std::to_string(group);
  if (bits != 2 && bits != 4) throw Error("kivi: bits must be 2 or 4, not " + std::to_string(bits));
  if (group == 0 || dim % group != 0) {
    throw Error("kivi: group " + g + " must divide head_dim " + std::to_string(dim) +
                " (values are quantized in groups of `group` channels)");
  }
  if (group % 4 != 0 || group > 1024) {
    throw Error("kivi: group " + g + " must be a multiple of 4, at most 1024");
  }
  if (dim > 1024) throw Error("kivi: head_dim " + std::to_string(dim) + " above 1024");
  return NewTieredKvCodec(HotRule{residual, group},
                          {PerTokenGroups(NewFp16Codec(dim)), PerTokenGroups(NewFp16Codec(dim))},
                          {std::make_unique<KiviKeyCodec>(bits, group, dim),
                           PerTokenGroups(NewGroupwiseCodec(bits, group, dim))});
}

}  // namespace kvsim
