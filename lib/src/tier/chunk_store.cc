// A lower tier's chunks (see chunk_store.h).
#include "tier/chunk_store.h"

#include <algorithm>
#include <cassert>

#include "util/token_ops.h"


namespace kvsim {

namespace {

// 128 bits of a chunk below the key of its parent: the two halves mix the lanes differently.
ChunkKey ChildKey(const ChunkKey& parent, const Token* t, size_t n) {
  uint64_t h[4] = {parent.hi ^ n, parent.lo, parent.hi * 0xff51afd7ed558ccdull ^ 0x243f6a8885a308d3ull,
                   parent.lo * 0x9e3779b97f4a7c15ull ^ 0x13198a2e03707344ull};
  MixLanes(h, t, n);
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

ChunkStore::ChunkStore(Budget capacity, uint64_t chunk_tokens, uint64_t bytes_per_token,
                       TierPolicy policy)
    : capacity_(capacity), chunk_(chunk_tokens), bytes_per_token_(bytes_per_token), policy_(policy) {
  assert(chunk_tokens >= 1);
  uint64_t c = UINT64_MAX;
  if (capacity.tokens) c = std::min(c, *capacity.tokens / chunk_tokens);
  if (capacity.bytes) c = std::min(c, *capacity.bytes / (chunk_tokens * std::max<uint64_t>(1, bytes_per_token)));
  c_ = c;
  entries_.resize(4);  // the sentinels: four empty circular lists
  for (uint32_t l = 0; l < 4; ++l) entries_[l].prev = entries_[l].next = l;
}

bool ChunkStore::Contains(const ChunkKey& k) const {
  const auto it = slot_.find(k);
  return it != slot_.end() && entries_[it->second].list <= kT2;
}

bool ChunkStore::Touch(const ChunkKey& k) {
  const auto it = slot_.find(k);
  if (it == slot_.end()) {
    Link(NewSlot(k), kT1);
    last_b2_ = false;
    last_new_ = true;
    return true;
  }
  const uint32_t s = it->second;
  const List was = entries_[s].list;
  Unlink(s);
  if (policy_ == TierPolicy::kLru) {
    Link(s, kT1);
    return false;
  }
  last_b2_ = was == kB2;
  last_new_ = false;
  if (was == kB1 || was == kB2) AdaptOnGhost(was);
  Link(s, kT2);
  return was == kB1 || was == kB2;
}

void ChunkStore::AdaptOnGhost(List ghost) {
  const double b1 = static_cast<double>(size_[kB1]), b2 = static_cast<double>(size_[kB2]);
  const double c = static_cast<double>(c_);
  // The ghost just hit was unlinked already: count it back in its list's size.
  if (ghost == kB1) {
    p_ = std::min(c, p_ + std::max(b2 / (b1 + 1), 1.0));
  } else {
    p_ = std::max(0.0, p_ - std::max(b1 / (b2 + 1), 1.0));
  }
}

bool ChunkStore::Remove(const ChunkKey& k) {
  const auto it = slot_.find(k);
  if (it == slot_.end()) return false;
  const bool held = entries_[it->second].list <= kT2;
  Forget(it->second);
  return held;
}

bool ChunkStore::OverCapacity() const {
  return (capacity_.tokens && tokens() > *capacity_.tokens) ||
         (capacity_.bytes && bytes() > *capacity_.bytes);
}

bool ChunkStore::CanHold() const {
  return (!capacity_.tokens || *capacity_.tokens >= chunk_) &&
         (!capacity_.bytes || *capacity_.bytes >= chunk_ * bytes_per_token_);
}

ChunkKey ChunkStore::EvictOne() {
  assert(chunks() > 0);
  if (policy_ == TierPolicy::kLru) {
    const ChunkKey k = entries_[Oldest(kT1)].key;
    Forget(Oldest(kT1));
    return k;
  }
  // ARC chooses its victim before a new chunk enters T1: the chunk just added does not count.
  const double t1 = static_cast<double>(size_[kT1] - (last_new_ ? 1 : 0));
  const bool from_t1 = size_[kT1] > 0 && (t1 > p_ || (last_b2_ && t1 == p_) || size_[kT2] == 0);
  const uint32_t s = Oldest(from_t1 ? kT1 : kT2);
  const ChunkKey k = entries_[s].key;
  Unlink(s);
  Link(s, from_t1 ? kB1 : kB2);
  TrimGhosts();
  return k;
}

void ChunkStore::TrimGhosts() {
  while (size_[kB1] > 0 && size_[kT1] + size_[kB1] > c_) Forget(Oldest(kB1));
  while (size_[kB2] > 0 && chunks() + size_[kB1] + size_[kB2] > 2 * c_) Forget(Oldest(kB2));
}

uint32_t ChunkStore::NewSlot(const ChunkKey& k) {
  uint32_t s;
  if (!free_.empty()) {
    s = free_.back();
    free_.pop_back();
  } else {
    s = static_cast<uint32_t>(entries_.size());
    entries_.emplace_back();
  }
  entries_[s].key = k;
  slot_.emplace(k, s);
  return s;
}

void ChunkStore::Forget(uint32_t s) {
  Unlink(s);
  slot_.erase(entries_[s].key);
  free_.push_back(s);
}

void ChunkStore::Link(uint32_t s, List l) {
  const uint32_t last = entries_[l].prev;
  entries_[s].prev = last;
  entries_[s].next = l;
  entries_[s].list = l;
  entries_[last].next = s;
  entries_[l].prev = s;
  ++size_[l];
}

void ChunkStore::Unlink(uint32_t s) {
  entries_[entries_[s].prev].next = entries_[s].next;
  entries_[entries_[s].next].prev = entries_[s].prev;
  --size_[entries_[s].list];
}

}  // namespace kvsim
