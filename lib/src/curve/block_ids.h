// Dense ids for block identities, as the stack pass needs them.
//
// A block of a prefix cache is its whole token prefix: the block before it and its own tokens.
// BlockChain gives every such identity met a dense id, verified token by token, so two different
// prefixes never share an id (a hash collision costs a comparison, never a false hit).
// SampledBlocks keeps only the blocks a spatial sample selects (SHARDS), identified by a 64-bit
// hash of the whole prefix, so it stores no tokens at all. Internal header.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "kvsim/token.h"
#include "util/huge_pages.h"

namespace kvsim {

// An open-addressing table from 64-bit keys to ids; the caller decides what equal means. A slot
// holds the key and the id inline, so a probe reads one cache line.
class IdTable {
 public:
  static constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

  // The id stored under `key` for which same(id) holds, or kNone.
  template <typename Same>
  uint32_t Find(uint64_t key, Same same) const {
    if (slots_.empty()) return kNone;
    for (size_t i = key & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.id == kNone) return kNone;
      if (s.key == key && same(s.id)) return s.id;
    }
  }
  void Insert(uint64_t key, uint32_t id);

 private:
  struct Slot {
    uint64_t key = 0;
    uint32_t id = kNone;
  };
  void Place(const Slot& s);
  void Grow();

  HugeVector<Slot> slots_;
  size_t mask_ = 0, used_ = 0;
};

// The blocks as a trie. A block's first child is kept beside it, and most blocks are a first
// child: a new sequence's blocks after its first new one each take the next id, as the first
// child of the block before. So a lookup along a known sequence mostly reads the next block's
// entry, next to its parent's in memory, and only the other children (where sequences
// diverge) go through the hash table, whose random probes each miss the cache.
class BlockChain {
 public:
  static constexpr uint32_t kRoot = IdTable::kNone;  // the parent of every first block

  explicit BlockChain(uint64_t block_size) : b_(block_size) {}

  // The ids of the sequence's `full` blocks of block_size tokens, shallow to deep, added if new
  // (the new ones are the last ones: below a new block every block is new). Returns how many were
  // known.
  size_t Intern(const Token* seq, size_t full, std::vector<uint32_t>* ids);
  uint64_t blocks() const { return parent_.size(); }

 private:
  // The child of `parent` with tokens t[0, block_size), or kNone.
  uint32_t Find(uint32_t parent, const Token* t) const;
  uint32_t Add(uint32_t parent, const Token* t);
  uint32_t FirstChild(uint32_t parent) const {
    return parent == kRoot ? root_first_ : first_child_[parent];
  }
  bool SameTokens(uint32_t id, const Token* t) const;
  uint64_t Key(uint32_t parent, const Token* t) const;

  const uint64_t b_;
  HugeVector<uint32_t> parent_;
  HugeVector<uint32_t> first_child_;  // kNone: none yet
  HugeVector<Token> tokens_;  // block i holds tokens_[i * b_, (i + 1) * b_)
  uint32_t root_first_ = IdTable::kNone;
  IdTable others_;  // the blocks that are not their parent's first child, by (parent, tokens)
};

// Spatial sampling over block identities (SHARDS): a block is kept when its prefix hash falls
// below rate x 2^24 (of 2^24), the same choice wherever the block recurs.
class SampledBlocks {
 public:
  static constexpr uint32_t kSkipped = IdTable::kNone;

  SampledBlocks(uint64_t block_size, double rate);

  // The prefix hash of the block of tokens t[0, block_size) after the prefix hashed `chain`
  // (0 before the first block).
  uint64_t Chain(uint64_t chain, const Token* t) const;
  // The block's id if it is sampled (added if new, then *added), else kSkipped.
  uint32_t Intern(uint64_t chain, bool* added);
  uint64_t blocks() const { return keys_.size(); }

 private:
  const uint64_t b_;
  const uint64_t threshold_;
  IdTable table_;
  std::vector<uint64_t> keys_;
};

}  // namespace kvsim
