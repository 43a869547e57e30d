// LruStack: Mattson's LRU stack over dense ids, with the stack distance of an id in O(log n).
//
// Every touch takes the next time slot; one bit per slot says whether it is still an id's latest
// touch (live), so an id's distance (1 = the most recently touched) is the number of live slots
// at or after its own. A Fenwick tree counts the live slots per 64-slot word: a 64th of the
// slots, so the tree of millions of ids stays in cache and a count is a few tree nodes plus one
// popcount. When the slots run out they are renumbered in order, live ones only, so memory stays
// proportional to the ids in the stack, not to the touches. Internal header.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "util/huge_pages.h"

namespace kvsim {

class LruStack {
 public:
  static constexpr uint64_t kCold = std::numeric_limits<uint64_t>::max();  // never touched

  // The id's stack distance: 1 + the ids touched since its last touch; kCold if never touched.
  uint64_t Distance(uint32_t id) const;
  // Makes the id the most recently touched.
  void Touch(uint32_t id);
  // Ids touched at least once.
  uint64_t size() const { return live_; }

 private:
  void Compact();
  void SetLive(uint32_t slot);
  void ClearLive(uint32_t slot);
  void FenwickAdd(size_t word, int32_t delta);
  uint64_t LiveThrough(uint32_t slot) const;  // live slots in [0, slot]

  HugeVector<uint32_t> stamp_;  // per id: its latest slot + 1 (0: never touched)
  HugeVector<uint32_t> owner_;  // per slot: the id that took it
  HugeVector<uint64_t> live_bits_;  // per slot, one bit: live
  HugeVector<uint32_t> tree_;   // Fenwick tree over the words of live_bits_, 1-based
  uint32_t next_ = 0;            // the next free slot
  uint64_t live_ = 0;
};

}  // namespace kvsim
