// Distinct prompt tokens of a block-identified trace, counted from its block ids (Mooncake's
// hash_ids) without expanding a token. Internal header.
//
// In such a trace block j of a prompt is min(B, n - B j) tokens that depend only on (block id,
// offset), and different ids differ at every offset. Two prompt prefixes are then equal exactly
// when they have the same length and the same chain of block ids up to their last token, so the
// union of all prompt prefixes (what an unbounded radix tree holds of the prompts) counts, for
// every distinct chain of ids, the longest extent any prompt reaches into the chain's last block.
//
// Memory: Mooncake's ids name a prefix (an id is always seen below the same parent) and are
// dense, so a chain is its last id and the table is 4 bytes per id: its parent. An id seen below
// a second parent, or far beyond the ids seen so far, makes a chain of its own in a hash map.
// Extents below B (prompts' partial last blocks) are kept apart: at most one per prompt.
#pragma once

#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

namespace kvsim {

class PromptChains {
 public:
  explicit PromptChains(uint64_t block_tokens) : block_(block_tokens) {}

  // Adds one prompt of `prompt_len` tokens made of `ids` (ceil(prompt_len / B) block ids, each
  // below 2^30).
  void Add(std::span<const uint64_t> ids, uint64_t prompt_len);

  // Tokens in the union of the prefixes of every prompt added.
  uint64_t distinct_tokens() const { return distinct_; }

 private:
  // The chain of `id` below chain `parent` (kRoot: none); sets *fresh when it is new.
  uint64_t Chain(uint64_t parent, uint64_t id, bool* fresh);
  // The chain reaches `reach` tokens into its last block.
  void Reach(uint64_t chain, bool fresh, uint64_t reach);

  static constexpr uint64_t kRoot = ~uint64_t{0};
  static constexpr uint64_t kFirstOther = uint64_t{1} << 30;  // chains numbered past the ids

  uint64_t block_;
  uint64_t ids_added_ = 0;
  // The table of parents, per id: 0 unseen, 1 root, else chain + 2. In pages, so that growing
  // it never copies it (nor holds two copies at once).
  static constexpr int kPageBits = 16;
  uint32_t& ParentOf(uint64_t id);
  std::vector<std::vector<uint32_t>> parent_pages_;
  std::unordered_map<uint64_t, uint64_t> others_;   // (parent << 30 | id) -> chain, past the ids
  std::unordered_map<uint64_t, uint32_t> partial_;  // chain -> extent, when below B
  uint64_t distinct_ = 0;
};

}  // namespace kvsim
