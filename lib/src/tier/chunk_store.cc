// A lower tier's chunks (see chunk_store.h).
#include "tier/chunk_store.h"

#include <cassert>

#include "util/token_ops.h"

namespace kvsim {

void ChunkKeys(TokenSpan seq, uint64_t chunk_tokens, std::vector<ChunkKey>* keys) {
  keys->clear();
  ChunkKey k{0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull};
  for (size_t at = 0; at + chunk_tokens <= seq.size(); at += chunk_tokens) {
    const Token* t = seq.data() + at;
    k = {HashBlock(k.hi, t, chunk_tokens), HashTokens(k.lo ^ 0x3c6ef372fe94f82bull, t, chunk_tokens)};
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
