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

// An open-addressing table from 64-bit keys to dense ids (0, 1, 2, ... in the order added); the
// caller decides what equal means. A slot holds the id and the key's high half inline, so a probe
// is one cache line and a key whose high half differs costs no look at the id's own data.
class IdTable {
 public:
  static constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

  // The id stored under `key` for which same(id) holds, or kNone.
  template <typename Same>
  uint32_t Find(uint64_t key, Same same) const {
    if (slots_.empty()) return kNone;
    const auto tag = static_cast<uint32_t>(key >> 32);
    for (size_t i = key & mask_;; i = (i + 1) & mask_) {
      const Slot s = slots_[i];
      if (s.id == kNone) return kNone;
      if (s.tag == tag && same(s.id)) return s.id;
    }
  }
  // The first id whose slot matches `key`'s high half, unverified (kNone if none): a hint for
  // prefetching what Find's `same` will read.
  uint32_t Candidate(uint64_t key) const;
  // Starts loading the slot where a probe for `key` begins.
  void Prefetch(uint64_t key) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[key & mask_]);
  }
  // Adds `key` under the next id and returns it.
  uint32_t Add(uint64_t key);
  uint64_t key(uint32_t id) const { return keys_[id]; }
  uint64_t size() const { return keys_.size(); }

 private:
  struct Slot {
    uint32_t tag;  // the key's high half
    uint32_t id;
  };
  void Place(uint64_t key, uint32_t id);
  void Grow();

  HugeVector<Slot> slots_;
  HugeVector<uint64_t> keys_;  // by id: the whole key, to re-place it when the table grows
  size_t mask_ = 0;
};

class BlockChain {
 public:
  static constexpr uint32_t kRoot = IdTable::kNone;  // the parent of every first block

  explicit BlockChain(uint64_t block_size) : b_(block_size) {}

  // The ids of the sequence's `full` blocks of block_size tokens, shallow to deep, added if new
  // (the new ones are the last ones: below a new block every block is new). Returns how many were
  // known. The lookups of one call are started together, so their cache misses overlap.
  size_t Intern(const Token* seq, size_t full, std::vector<uint32_t>* ids);
  uint64_t blocks() const { return parent_.size(); }

 private:
  // The keys of the sequence's blocks: each a hash of the whole prefix, so all are known before
  // any lookup (a key from the parent's id would wait for the parent's lookup).
  void Keys(const Token* seq, size_t full);
  void PrefetchBlock(uint32_t id) const;
  bool Same(uint32_t id, uint32_t parent, const Token* t) const;
  uint32_t Add(uint64_t key, uint32_t parent, const Token* t);

  const uint64_t b_;
  IdTable table_;
  HugeVector<uint32_t> parent_;
  HugeVector<Token> tokens_;  // block i holds tokens_[i * b_, (i + 1) * b_)
  std::vector<uint64_t> keys_;  // the current sequence's block keys
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
  uint64_t blocks() const { return table_.size(); }

 private:
  const uint64_t b_;
  const uint64_t threshold_;
  IdTable table_;
};

}  // namespace kvsim
