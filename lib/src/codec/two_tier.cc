// two-tier (ruvllm's TwoTierKvCache): the most recent `tail` tokens of a sequence in fp16, older
// ones in a groupwise store (q4 or q8). The replay decides each token's tier through the ledger:
// after each request, positions >= n - tail of its sequence are hot (HotRule {tail, 1}), earlier
// ones cold.
#include "codecs.h"

namespace kvsim {

std::unique_ptr<KvCodec> NewTwoTierCodec(uint64_t tail, uint32_t store_bits, size_t group,
                                         size_t dim) {
  return NewTieredKvCodec(HotRule{tail, 1},
                          {PerTokenGroups(NewFp16Codec(dim)), PerTokenGroups(NewFp16Codec(dim))},
                          {PerTokenGroups(NewGroupwiseCodec(store_bits, group, dim)),
                           PerTokenGroups(NewGroupwiseCodec(store_bits, group, dim))});
}

}  // namespace kvsim
