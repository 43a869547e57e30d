// Distinct prompt tokens of a block-identified trace, counted from its block ids (Mooncake's
// hash_ids) without expanding a token. Internal header.
//
// In such a trace block j of a prompt is min(B, n - B j) tokens that depend only on (block id,
// offset), and different ids differ at every offset. Two prompt prefixes are then equal exactly
// when they have the same length and the same chain of block ids up to their last token, so the
// union of all prompt prefixes (what an unbounded radix tree holds of the prompts) counts, for
// every distinct chain of ids, the longest extent any prompt reaches into the chain's last block.
//
// Memory: 16 bytes per distinct chain (an open-addressing table), freed with the object.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace kvsim {

class PromptChains {
 public:
  explicit PromptChains(uint64_t block_tokens) : block_(block_tokens) {}

  // Adds one prompt of `prompt_len` tokens made of `ids` (ceil(prompt_len / B) block ids).
  void Add(std::span<const uint64_t> ids, uint64_t prompt_len);

  // Tokens in the union of the prefixes of every prompt added.
  uint64_t distinct_tokens() const { return distinct_; }

 private:
  static constexpr uint64_t kEmpty = ~uint64_t{0};  // no key: ids are below 2^30
  struct Slot {
    uint64_t key = kEmpty;  // (parent chain + 1) << 32 | id
    uint32_t chain = 0;   // this chain's number
    uint32_t extent = 0;  // the furthest any prompt reaches into the chain's last block
  };

  Slot* FindOrAdd(uint64_t key);
  void Grow();

  uint64_t block_;
  std::vector<Slot> slots_;
  uint64_t used_ = 0;
  uint64_t distinct_ = 0;
};

}  // namespace kvsim
