// One lower memory tier: whole chunks of KV under a capacity, with its own eviction policy.
// Internal header (see kvsim/memory_tiers.h).
//
// A chunk is named by a 128-bit hash of its whole prefix (ExtendChunkKeys), as LMCache and vLLM
// name offloaded blocks by prefix hashes: two chunks with different prefixes share a key only on
// a 128-bit collision.
//
// Policies:
//   lru: one recency list; the least recently used chunk goes first.
//   arc: Megiddo and Modha's Adaptive Replacement Cache, as vLLM's CPU offloading offers it.
//     T1 holds chunks used once since they came in, T2 chunks used again; the ghost lists B1 and
//     B2 remember keys recently evicted from each. A touch of a B1 ghost moves the target size p
//     of T1 up, of a B2 ghost down. The victim is T1's least recent chunk when |T1| > p (or
//     |T1| = p and the last touch was a B2 ghost), else T2's. ARC replaces on each miss; here
//     the tier is brought within capacity after each request's touches, which is the same when a
//     request touches one chunk.
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

enum class TierPolicy { kLru, kArc };

class ChunkStore {
 public:
  // REQUIRES: chunk_tokens >= 1.
  ChunkStore(Budget capacity, uint64_t chunk_tokens, uint64_t bytes_per_token,
             TierPolicy policy = TierPolicy::kLru);

  bool Contains(const ChunkKey& k) const;
  // Uses k: it becomes the most recently used (arc: of T2 when it was held or a ghost, of T1 when
  // new). True when it was not held (a write).
  bool Touch(const ChunkKey& k);
  // Drops k (no ghost); true when it was held.
  bool Remove(const ChunkKey& k);
  // Whether the chunks held exceed the capacity.
  bool OverCapacity() const;
  // Whether the capacity holds at least one chunk.
  bool CanHold() const;
  // Evicts the policy's victim and returns its key. REQUIRES: chunks() > 0.
  ChunkKey EvictOne();

  uint64_t chunks() const { return size_[kT1] + size_[kT2]; }
  uint64_t tokens() const { return chunks() * chunk_; }
  uint64_t bytes() const { return tokens() * bytes_per_token_; }
  double arc_target() const { return p_; }  // arc's p, in chunks

 private:
  enum List : uint8_t { kT1 = 0, kT2 = 1, kB1 = 2, kB2 = 3 };
  struct KeyHash {
    size_t operator()(const ChunkKey& k) const { return k.lo ^ (k.hi * 0x9e3779b97f4a7c15ull); }
  };
  struct Entry {
    ChunkKey key;
    uint32_t prev = 0, next = 0;  // in its list; slots 0-3 are the lists' sentinels
    List list = kT1;
  };

  void Link(uint32_t s, List l);  // at the most recent end of l
  void Unlink(uint32_t s);
  uint32_t Oldest(List l) const { return entries_[l].next; }
  void Forget(uint32_t s);        // drops the slot and its key
  uint32_t NewSlot(const ChunkKey& k);
  void AdaptOnGhost(List ghost);  // arc: p follows a ghost hit
  void TrimGhosts();              // arc: |T1| + |B1| <= c, all four <= 2c

  Budget capacity_;
  uint64_t chunk_, bytes_per_token_;
  TierPolicy policy_;
  uint64_t c_;                    // capacity in chunks (arc)
  double p_ = 0;
  bool last_b2_ = false;          // the last touch was a B2 ghost
  bool last_new_ = false;         // the last touch added a new chunk to T1
  std::unordered_map<ChunkKey, uint32_t, KeyHash> slot_;
  std::vector<Entry> entries_;    // [0, 4): sentinels of T1, T2, B1, B2
  uint64_t size_[4] = {0, 0, 0, 0};
  std::vector<uint32_t> free_;
};

}  // namespace kvsim
