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

namespace kvsim {

// An open-addressing table from 64-bit keys to dense ids; the caller decides what equal means.
class IdTable {
 public:
  static constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

  // The id stored under `key` for which same(id) holds, or kNone.
  template <typename Same>
  uint32_t Find(uint64_t key, Same same) const {
    if (slots_.empty()) return kNone;
    for (size_t i = key & mask_;; i = (i + 1) & mask_) {
      const uint32_t id = slots_[i];
      if (id == kNone) return kNone;
      if (keys_[i] == key && same(id)) return id;
    }
  }
  void Insert(uint64_t key, uint32_t id);

 private:
  void Grow();
  std::vector<uint64_t> keys_;
  std::vector<uint32_t> slots_;
  size_t mask_ = 0, used_ = 0;
};

class BlockChain {
 public:
  static constexpr uint32_t kRoot = IdTable::kNone;  // the parent of every first block

  explicit BlockChain(uint64_t block_size) : b_(block_size) {}

  // The id of the block of tokens t[0, block_size) after `parent`, added if new (then *added).
  // REQUIRES: parent is kRoot or an id returned before.
  uint32_t Intern(uint32_t parent, const Token* t, bool* added);
  // Adds a block known to be new (its parent was new just now): no lookup.
  uint32_t AddNew(uint32_t parent, const Token* t);
  uint64_t blocks() const { return parent_.size(); }

 private:
  uint64_t Key(uint32_t parent, const Token* t) const;
  uint32_t Add(uint64_t key, uint32_t parent, const Token* t);

  const uint64_t b_;
  IdTable table_;
  std::vector<uint32_t> parent_;
  std::vector<Token> tokens_;  // block i holds tokens_[i * b_, (i + 1) * b_)
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
