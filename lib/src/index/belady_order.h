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

// The order as heaps with lazy deletion: blocks never used again, which go first, and the
// others. Each entry packs its key into one 64-bit rank, the larger evicted first:
//   - never used again: depth, then the id's complement (the smaller id first);
//   - used again: next use, then depth. No id is needed: the blocks with next use t are blocks
//     of request t, one at each depth, so (next, depth) names one block.
// An entry also names its block by the slot its index keeps it in and a version the index
// changes whenever the block's key changes or the block goes. An entry is current while its
// index says so (the version unchanged, the block unpinned); other entries are skipped when they
// surface, and dropped when a heap outgrows its limit. So every cached, unpinned block needs one
// current entry, and an index need not push a key that did not change.
//
// Blocks never used again may also come as runs: blocks of one id at consecutive depths that
// are held but kept nowhere else (always current, never pinned). One entry stands for the run,
// ranked by its deepest block; popping it gives that block (slot kRun, the depth in the rank)
// and leaves the rest of the run in the heap. An index that makes runs first pushes the blocks
// of the request at hand as pending, to run them or flush them to the heap when it moves on.
class BeladyOrder {
 public:
  struct Entry {
    uint64_t rank = 0;
    uint32_t slot = 0, version = 0;  // a run: slot kRun, version its shallowest depth
    bool operator==(const Entry&) const = default;
  };
  static constexpr uint32_t kRun = uint32_t{1} << 31;

  // Adds the block in `slot` with `key` at `version`. When the heap it joins has grown past
  // `limit` entries (runs aside) it first drops the ones that are not current(Entry) and the
  // repeats. Throws Error when the next use, the depth or the id does not fit 32 bits.
  template <class Current>
  void Push(const BeladyKey& key, uint32_t slot, uint32_t version, size_t limit, const Current& current) {
    if (slot == kRun) throw Error("belady: more than 2^31 blocks");
    const bool never = key.next == kBeladyNever;
    std::vector<Entry>& heap = never ? never_ : again_;
    const size_t room = limit + (never ? runs_ : 0);
    if (heap.size() >= room) Compact(&heap, room, current);
    PushTo(&heap, {Rank(key, never), slot, version});
  }

  // Adds a block never used again to the pending ones.
  void PushPending(const BeladyKey& key, uint32_t slot, uint32_t version) {
    PushTo(&pending_, {Rank(key, true), slot, version});
  }

  // Adds the run of blocks of `id` at depths low..high.
  void PushRun(uint64_t id, uint64_t low, uint64_t high) {
    PushTo(&never_, {Rank({kBeladyNever, high, id}, true), kRun, static_cast<uint32_t>(low)});
    ++runs_;
  }

  // Moves the current pending entries to the heap.
  template <class Current>
  void FlushPending(const Current& current) {
    for (const Entry& e : pending_) {
      if (current(e)) PushTo(&never_, e);
    }
    pending_.clear();
  }

  // Removes and returns the first current entry in *out; false when there is none.
  template <class Current>
  bool Pop(const Current& current, Entry* out) {
    const bool pending = Clean(&pending_, current), never = Clean(&never_, current);
    if (!pending && !never) return PopFrom(&again_, current, out);
    if (!never || (pending && Less{}(never_.front(), pending_.front()))) return PopFrom(&pending_, current, out);
    std::pop_heap(never_.begin(), never_.end(), Less{});
    *out = never_.back();
    never_.pop_back();
    if (out->slot == kRun) {
      if ((out->rank >> 32) > out->version) {
        PushTo(&never_, {out->rank - (uint64_t{1} << 32), kRun, out->version});
      } else {
        --runs_;
      }
    }
    return true;
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

  static void PushTo(std::vector<Entry>* heap, const Entry& e) {
    heap->push_back(e);
    std::push_heap(heap->begin(), heap->end(), Less{});
  }

  // Drops the entries at the front that are not current; whether one is left.
  template <class Current>
  static bool Clean(std::vector<Entry>* heap, const Current& current) {
    while (!heap->empty() && heap->front().slot != kRun && !current(heap->front())) {
      std::pop_heap(heap->begin(), heap->end(), Less{});
      heap->pop_back();
    }
    return !heap->empty();
  }

  // Drops the entries that are not current, in linear time; the repeats (a block pushed again
  // while its entry stood, as Unpin does) only when they keep the heap above half its limit.
  template <class Current>
  static void Compact(std::vector<Entry>* heap, size_t limit, const Current& current) {
    std::erase_if(*heap, [&](const Entry& x) { return x.slot != kRun && !current(x); });
    if (2 * heap->size() >= limit) {
      std::sort(heap->begin(), heap->end(), Less{});
      heap->erase(std::unique(heap->begin(), heap->end()), heap->end());
    }
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

  std::vector<Entry> never_, again_, pending_;
  size_t runs_ = 0;  // runs in never_
};

}  // namespace kvsim
