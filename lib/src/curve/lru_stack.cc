// The LRU stack's Fenwick tree and its renumbering (see lru_stack.h).
#include "curve/lru_stack.h"

#include <algorithm>

namespace kvsim {

uint64_t LruStack::Distance(uint32_t id) const {
  if (id >= stamp_.size() || stamp_[id] == 0) return kCold;
  const uint32_t slot = stamp_[id] - 1;
  return live_ - FenwickPrefix(slot) + 1;
}

void LruStack::Touch(uint32_t id) {
  if (id >= stamp_.size()) stamp_.resize(std::max<size_t>(id + 1, stamp_.size() * 2), 0);
  if (stamp_[id] != 0) {
    FenwickAdd(stamp_[id] - 1, -1);
    stamp_[id] = 0;  // not live while it moves: a renumbering below must not keep its old slot
  } else {
    ++live_;
  }
  if (next_ == owner_.size()) Compact();
  const uint32_t slot = next_++;
  FenwickAdd(slot, +1);
  owner_[slot] = id;
  stamp_[id] = slot + 1;
}

// Moves the live slots, in order, to the front of a table twice their number (at least 4096),
// and rebuilds the tree over them in linear time.
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
  owner_.resize(capacity);
  tree_.assign(capacity + 1, 0);
  for (size_t i = 1; i <= capacity; ++i) {
    const size_t low = i - (i & (~i + 1));  // the tree node i covers slots (low, i]
    tree_[i] = static_cast<uint32_t>(std::min<size_t>(i, kept) > low ? std::min<size_t>(i, kept) - low : 0);
  }
  next_ = kept;
}

void LruStack::FenwickAdd(uint32_t slot, int32_t delta) {
  for (size_t i = size_t{slot} + 1; i < tree_.size(); i += i & (~i + 1)) {
    tree_[i] = static_cast<uint32_t>(static_cast<int64_t>(tree_[i]) + delta);
  }
}

uint64_t LruStack::FenwickPrefix(uint32_t slot) const {
  uint64_t sum = 0;
  for (size_t i = size_t{slot} + 1; i > 0; i -= i & (~i + 1)) sum += tree_[i];
  return sum;
}

}  // namespace kvsim
