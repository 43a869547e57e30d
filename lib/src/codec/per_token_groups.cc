// PerTokenGroups: a per-token VectorCodec seen as a GroupCodec of one token per group, so every
// caller walks groups and a per-token codec pays nothing for it (the batch calls forward as
// they are: TurboQuant's EncodeBatch, the fused score kernels).
#include "kvsim/codec.h"

namespace kvsim {
namespace {

class PerTokenGroupCodec final : public GroupCodec {
 public:
  explicit PerTokenGroupCodec(std::unique_ptr<VectorCodec> c) : c_(std::move(c)) {}

  std::string name() const override { return c_->name(); }
  size_t dim() const override { return c_->dim(); }
  size_t tokens_per_group() const override { return 1; }
  size_t max_group_bytes() const override { return c_->max_encoded_bytes(); }
  bool lossless() const override { return c_->lossless(); }

  size_t EncodeGroup(const float* x, uint8_t* out) const override { return c_->Encode(x, out); }
  void DecodeGroup(const uint8_t* in, float* out) const override { c_->Decode(in, out); }
  void EncodeGroups(const float* x, size_t groups, uint8_t* out, size_t stride) const override {
    c_->EncodeBatch(x, groups, out, stride);
  }
  void ScoreGroups(const float* q, const uint8_t* codes, size_t stride, size_t groups,
                   float* out) const override {
    c_->Score(q, codes, stride, groups, out);
  }
  void AccumulateGroups(const float* w, const uint8_t* codes, size_t stride, size_t groups,
                        float* acc) const override {
    c_->Accumulate(w, codes, stride, groups, acc);
  }
  void Calibrate(const float* vectors, size_t n) override { c_->Calibrate(vectors, n); }
  const VectorCodec* per_token() const override { return c_.get(); }

 private:
  std::unique_ptr<VectorCodec> c_;
};

}  // namespace

std::unique_ptr<GroupCodec> PerTokenGroups(std::unique_ptr<VectorCodec> codec) {
  return std::make_unique<PerTokenGroupCodec>(std::move(codec));
}

}  // namespace kvsim
