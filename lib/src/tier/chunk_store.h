// One lower memory tier: whole chunks of KV under a capacity, evicted least recently used first.
// Internal header (see kvsim/memory_tiers.h).
//
// A chunk is named by a 128-bit hash of its whole prefix (ChunkKeys), as LMCache and vLLM name
// offloaded blocks by prefix hashes: two chunks with different prefixes share a key only on a
// 128-bit collision.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "kvsim/ledger.h"
#include "kvsim/token.h"

namespace kvsim {

struct ChunkKey {
  uint64_t hi = 0, lo = 0;
  bool operator==(const ChunkKey&) const = default;
};

// The keys of the full chunks of `seq` (chunk k covers tokens [k c, (k + 1) c)) in *keys. The
// keys already there are taken as those of seq's first chunks: only the rest are computed.
void ExtendChunkKeys(TokenSpan seq, uint64_t chunk_tokens, std::vector<ChunkKey>* keys);

class ChunkStore {
 public:
  // REQUIRES: chunk_tokens >= 1.
  ChunkStore(Budget capacity, uint64_t chunk_tokens, uint64_t bytes_per_token);

  bool Contains(const ChunkKey& k) const { return slot_.count(k) > 0; }
  // Makes k the most recently used chunk; true when it was not held (a write).
  bool Touch(const ChunkKey& k);
  // Drops k; true when it was held.
  bool Remove(const ChunkKey& k);
  // Whether the chunks held exceed the capacity.
  bool OverCapacity() const;
  // Whether the capacity holds at least one chunk.
  bool CanHold() const;
  // Drops the least recently used chunk and returns its key. REQUIRES: chunks() > 0.
  ChunkKey EvictOldest();

  uint64_t chunks() const { return slot_.size(); }
  uint64_t tokens() const { return chunks() * chunk_; }
  uint64_t bytes() const { return tokens() * bytes_per_token_; }

 private:
  struct KeyHash {
    size_t operator()(const ChunkKey& k) const { return k.lo ^ (k.hi * 0x9e3779b97f4a7c15ull); }
  };
  struct Entry {
    ChunkKey key;
    uint32_t prev = 0, next = 0;  // the recency list; slot 0 is its sentinel
  };

  void Link(uint32_t s);    // at the most recent end
  void Unlink(uint32_t s);

  Budget capacity_;
  uint64_t chunk_, bytes_per_token_;
  std::unordered_map<ChunkKey, uint32_t, KeyHash> slot_;
  std::vector<Entry> entries_;  // [0]: sentinel; next of it is the least recent
  std::vector<uint32_t> free_;
};

}  // namespace kvsim
