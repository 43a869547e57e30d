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
#include <string>
#include <vector>

#include "kvsim/error.h"

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

// The order as two heaps with lazy deletion: blocks never used again, which go first, and the
// others. Each entry packs its key into one 64-bit rank, the larger evicted first:
//   - never used again: depth, then the id's complement (the smaller id first);
//   - used again: next use, then depth. No id is needed: the blocks with next use t are blocks
//     of request t, one at each depth, so (next, depth) names one block.
// An entry also names its block by the slot its index keeps it in and a version the index
// changes whenever the block's key changes or the block goes. An entry is current while its
// index says so (the version unchanged, the block unpinned); other entries are skipped when they
// surface, and dropped when a heap outgrows its limit. So every cached, unpinned block needs one
// current entry, and an index need not push a key that did not change.
class BeladyOrder {
 public:
  struct Entry {
    uint64_t rank = 0;
    uint32_t slot = 0, version = 0;
    bool operator==(const Entry&) const = default;
  };

  // Adds the block in `slot` with `key` at `version`. When the heap it joins has grown past
  // `limit` entries it first drops the ones that are not current(Entry) and the repeats.
  // Throws Error when the next use, the depth or the id does not fit 32 bits.
  template <class Current>
  void Push(const BeladyKey& key, uint32_t slot, uint32_t version, size_t limit, const Current& current) {
    const bool never = key.next == kBeladyNever;
    std::vector<Entry>& heap = never ? never_ : again_;
    if (heap.size() >= limit) Compact(&heap, current);
    heap.push_back({Rank(key, never), slot, version});
    std::push_heap(heap.begin(), heap.end(), Less{});
  }

  // Removes and returns the first current entry in *out; false when there is none.
  template <class Current>
  bool Pop(const Current& current, Entry* out) {
    return PopFrom(&never_, current, out) || PopFrom(&again_, current, out);
  }

 private:
  static uint64_t Rank(const BeladyKey& key, bool never) {
    const uint64_t high = never ? key.depth : key.next, low = never ? ~key.id : key.depth;
    if (high > UINT32_MAX || (never ? key.id : key.depth) > UINT32_MAX) {
      throw Error("belady: a workload of more than 2^32 requests, blocks or block depths");
    }
    return high << 32 | (low & UINT32_MAX);
  }

  // Heap order: front() has the largest rank (ties, between stale entries, by slot and version).
  struct Less {
    bool operator()(const Entry& a, const Entry& b) const {
      if (a.rank != b.rank) return a.rank < b.rank;
      return a.slot != b.slot ? a.slot > b.slot : a.version > b.version;
    }
  };

  template <class Current>
  static void Compact(std::vector<Entry>* heap, const Current& current) {
    std::erase_if(*heap, [&](const Entry& x) { return !current(x); });
    std::sort(heap->begin(), heap->end(), Less{});
    heap->erase(std::unique(heap->begin(), heap->end()), heap->end());
    std::make_heap(heap->begin(), heap->end(), Less{});
  }

  template <class Current>
  static bool PopFrom(std::vector<Entry>* heap, const Current& current, Entry* out) {
    while (!heap->empty()) {
      std::pop_heap(heap->begin(), heap->end(), Less{});
      const Entry e = heap->back();
      heap->pop_back();
      if (current(e)) {
        *out = e;
        return true;
      }
    }
    return false;
  }

  std::vector<Entry> never_, again_;
};

}  // namespace kvsim
