// Belady's eviction order, shared by the index over an in-memory future and the one over a
// spilled future (belady.cc). Internal header.
//
// A block's key is its next use, its depth and an id that numbers the workload's distinct blocks
// in order of first appearance (request by request, block by block). The first key to evict
// has the furthest next use, then the largest depth, then the smallest id.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

namespace kvsim {

inline constexpr uint64_t kBeladyNever = std::numeric_limits<uint64_t>::max();

struct BeladyKey {
  uint64_t next = kBeladyNever;
  uint64_t depth = 0;
  uint64_t id = std::numeric_limits<uint64_t>::max();
  bool operator==(const BeladyKey&) const = default;
  // Evicted before o.
  bool operator<(const BeladyKey& o) const {
    if (next != o.next) return next > o.next;
    if (depth != o.depth) return depth > o.depth;
    return id < o.id;
  }
};

// A heap with lazy deletion: entries name a block by the slot its index keeps it in and the key
// it had when pushed. An entry is current while its index says so (cached, unpinned, key
// unchanged); other entries are skipped when they surface. Every cached, unpinned block has a
// current entry, so an index need not push a key that did not change.
class BeladyOrder {
 public:
  struct Entry {
    BeladyKey key;
    uint32_t slot = 0;
    bool operator==(const Entry&) const = default;
  };

  // Adds e. When the heap has grown past `limit` entries it first drops the ones that are not
  // current(Entry) and the repeats, so it stays within a multiple of the blocks held.
  template <class Current>
  void Push(const Entry& e, size_t limit, const Current& current) {
    if (heap_.size() >= limit) {
      std::erase_if(heap_, [&](const Entry& x) { return !current(x); });
      std::sort(heap_.begin(), heap_.end(), Before);
      heap_.erase(std::unique(heap_.begin(), heap_.end()), heap_.end());
      std::make_heap(heap_.begin(), heap_.end(), After);
    }
    heap_.push_back(e);
    std::push_heap(heap_.begin(), heap_.end(), After);
  }

  // Removes and returns the first current entry in *out; false when there is none.
  template <class Current>
  bool Pop(const Current& current, Entry* out) {
    while (!heap_.empty()) {
      std::pop_heap(heap_.begin(), heap_.end(), After);
      const Entry e = heap_.back();
      heap_.pop_back();
      if (current(e)) {
        *out = e;
        return true;
      }
    }
    return false;
  }

 private:
  static bool Before(const Entry& a, const Entry& b) {
    return a.key < b.key || (a.key == b.key && a.slot < b.slot);
  }
  // Heap order: front() is the first entry to evict.
  static bool After(const Entry& a, const Entry& b) { return Before(b, a); }

  std::vector<Entry> heap_;
};

}  // namespace kvsim
