// two-tier (ruvllm's TwoTierKvCache): the most recent `tail` tokens of a sequence in fp16, older
// ones in a groupwise store (q4 or q8). The replay decides each token's tier through the ledger:
// after each request, positions >= n - tail of its sequence are hot, earlier ones cold.
#include "codecs.h"

namespace kvsim {
namespace {

class TwoTierKvCodec final : public KvCodec {
 public:
  TwoTierKvCodec(uint64_t tail, uint32_t store_bits, size_t group, size_t dim)
      : tail_(tail),
        hot_k_(NewFp16Codec(dim)),
        hot_v_(NewFp16Codec(dim)),
        cold_k_(NewGroupwiseCodec(store_bits, group, dim)),
        cold_v_(NewGroupwiseCodec(store_bits, group, dim)) {}

  const VectorCodec& key(Tier t) const override { return t == Tier::kHot ? *hot_k_ : *cold_k_; }
  const VectorCodec& value(Tier t) const override { return t == Tier::kHot ? *hot_v_ : *cold_v_; }
  uint64_t tail() const override { return tail_; }

 private:
  uint64_t tail_;
  std::unique_ptr<VectorCodec> hot_k_, hot_v_, cold_k_, cold_v_;
};

}  // namespace

std::unique_ptr<KvCodec> NewTwoTierCodec(uint64_t tail, uint32_t store_bits, size_t group,
                                         size_t dim) {
  return std::make_unique<TwoTierKvCodec>(tail, store_bits, group, dim);
}

}  // namespace kvsim
