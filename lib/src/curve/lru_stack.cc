// The LRU stack's live bits, their Fenwick tree and the renumbering (see lru_stack.h).
#include "curve/lru_stack.h"

#include <algorithm>
#include <bit>

namespace kvsim {
namespace {

constexpr size_t kWord = 64;  // slots per word of live bits

size_t LowBit(size_t i) { return i & (~i + 1); }

}  // namespace

uint64_t LruStack::Distance(uint32_t id) const {
  if (id >= stamp_.size() || stamp_[id] == 0) return kCold;
  return live_ - LiveThrough(stamp_[id] - 1) + 1;
}

void LruStack::Touch(uint32_t id) {
  if (id >= stamp_.size()) stamp_.resize(std::max<size_t>(id + 1, stamp_.size() * 2), 0);
  if (stamp_[id] != 0) {
    ClearLive(stamp_[id] - 1);
    stamp_[id] = 0;  // not live while it moves: a renumbering below must not keep its old slot
  } else {
    ++live_;
  }
  if (next_ == owner_.size()) Compact();
  const uint32_t slot = next_++;
  SetLive(slot);
  owner_[slot] = id;
  stamp_[id] = slot + 1;
}

// Moves the live slots, in order, to the front of a table twice their number (at least 4096),
// and rebuilds the bits and the tree over them in linear time.
void LruStack::Compact() {
  uint32_t kept = 0;
  for (uint32_t s = 0; s < next_; ++s) {
    const uint32_t id = owner_[s];
    if (stamp_[id] == s + 1) {
      owner_[kept] = id;
      stamp_[id] = ++kept;
    }
  }
  // The id being touched holds no slot now: `kept` is live_ - 1.
  const size_t capacity = std::max<size_t>(4096, 2 * (live_ + 1));
  const size_t words = (capacity + kWord - 1) / kWord;
  owner_.resize(words * kWord);
  live_bits_.assign(words, 0);
  for (size_t w = 0; w < kept / kWord; ++w) live_bits_[w] = ~uint64_t{0};
  if (kept % kWord != 0) live_bits_[kept / kWord] = (uint64_t{1} << (kept % kWord)) - 1;
  tree_.assign(words + 1, 0);
  for (size_t i = 1; i <= words; ++i) {
    // The tree node i covers words (i - LowBit(i), i], which hold slots [low, high).
    const size_t low = (i - LowBit(i)) * kWord, high = i * kWord;
    tree_[i] = static_cast<uint32_t>(std::min<size_t>(high, kept) - std::min<size_t>(low, kept));
  }
  next_ = kept;
}

void LruStack::SetLive(uint32_t slot) {
  live_bits_[slot / kWord] |= uint64_t{1} << (slot % kWord);
  FenwickAdd(slot / kWord, +1);
}

void LruStack::ClearLive(uint32_t slot) {
  live_bits_[slot / kWord] &= ~(uint64_t{1} << (slot % kWord));
  FenwickAdd(slot / kWord, -1);
}

void LruStack::FenwickAdd(size_t word, int32_t delta) {
  for (size_t i = word + 1; i < tree_.size(); i += LowBit(i)) {
    tree_[i] = static_cast<uint32_t>(static_cast<int64_t>(tree_[i]) + delta);
  }
}

uint64_t LruStack::LiveThrough(uint32_t slot) const {
  const size_t word = slot / kWord;
  // Bits 0..slot % 64 of its word; the shift wraps to all ones at bit 63.
  const uint64_t upto = (uint64_t{2} << (slot % kWord)) - 1;
  uint64_t sum = static_cast<uint64_t>(std::popcount(live_bits_[word] & upto));
  for (size_t i = word; i > 0; i -= LowBit(i)) sum += tree_[i];  // words [0, word)
  return sum;
}

}  // namespace kvsim
