// A lower tier's chunks (see chunk_store.h).
#include "tier/chunk_store.h"

#include <cassert>


namespace kvsim {

namespace {

// 128 bits of a chunk below the key of its parent: four independent multiply lanes, so that a
// long chunk is not one serial chain; the two halves mix the lanes differently.
ChunkKey ChildKey(const ChunkKey& parent, const Token* t, size_t n) {
  constexpr uint64_t kMul = 0xc4ceb9fe1a85ec53ull;
  uint64_t h[4] = {parent.hi ^ n, parent.lo, parent.hi * 0xff51afd7ed558ccdull ^ 0x243f6a8885a308d3ull,
                   parent.lo * 0x9e3779b97f4a7c15ull ^ 0x13198a2e03707344ull};
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    for (size_t l = 0; l < 4; ++l) {
      h[l] = (h[l] ^ t[i + l]) * kMul;
      h[l] ^= h[l] >> 29;
    }
  }
  for (; i < n; ++i) {
    h[i & 3] = (h[i & 3] ^ t[i]) * kMul;
    h[i & 3] ^= h[i & 3] >> 29;
  }
  const auto mix = [](uint64_t a, uint64_t b) {
    uint64_t x = (a ^ (b >> 31) ^ (b << 33)) * 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x * 0xc4ceb9fe1a85ec53ull ^ (x >> 29);
  };
  return {mix(mix(h[0], h[1]), mix(h[2], h[3])), mix(mix(h[3], h[0]), mix(h[1], h[2]))};
}

}  // namespace

void ExtendChunkKeys(TokenSpan seq, uint64_t chunk_tokens, std::vector<ChunkKey>* keys) {
  ChunkKey k = keys->empty() ? ChunkKey{0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull} : keys->back();
  for (size_t at = keys->size() * chunk_tokens; at + chunk_tokens <= seq.size(); at += chunk_tokens) {
    k = ChildKey(k, seq.data() + at, chunk_tokens);
    keys->push_back(k);
  }
}

ChunkStore::ChunkStore(Budget capacity, uint64_t chunk_tokens, uint64_t bytes_per_token)
    : capacity_(capacity), chunk_(chunk_tokens), bytes_per_token_(bytes_per_token) {
  assert(chunk_tokens >= 1);
  entries_.emplace_back();  // the sentinel: an empty circular list
}

bool ChunkStore::Touch(const ChunkKey& k) {
  const auto [it, fresh] = slot_.try_emplace(k, 0);
  if (!fresh) {
    Unlink(it->second);
    Link(it->second);
    return false;
  }
  uint32_t s;
  if (!free_.empty()) {
    s = free_.back();
    free_.pop_back();
  } else {
    s = static_cast<uint32_t>(entries_.size());
    entries_.emplace_back();
  }
  entries_[s].key = k;
  it->second = s;
  Link(s);
  return true;
}

bool ChunkStore::Remove(const ChunkKey& k) {
  const auto it = slot_.find(k);
  if (it == slot_.end()) return false;
  Unlink(it->second);
  free_.push_back(it->second);
  slot_.erase(it);
  return true;
}

bool ChunkStore::OverCapacity() const {
  return (capacity_.tokens && tokens() > *capacity_.tokens) ||
         (capacity_.bytes && bytes() > *capacity_.bytes);
}

bool ChunkStore::CanHold() const {
  return (!capacity_.tokens || *capacity_.tokens >= chunk_) &&
         (!capacity_.bytes || *capacity_.bytes >= chunk_ * bytes_per_token_);
}

ChunkKey ChunkStore::EvictOldest() {
  assert(chunks() > 0);
  const ChunkKey k = entries_[entries_[0].next].key;
  Remove(k);
  return k;
}

void ChunkStore::Link(uint32_t s) {
  const uint32_t last = entries_[0].prev;
  entries_[s].prev = last;
  entries_[s].next = 0;
  entries_[last].next = s;
  entries_[0].prev = s;
}

void ChunkStore::Unlink(uint32_t s) {
  entries_[entries_[s].prev].next = entries_[s].next;
  entries_[entries_[s].next].prev = entries_[s].prev;
}

}  // namespace kvsim
