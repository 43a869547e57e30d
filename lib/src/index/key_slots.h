// A hash table from 128-bit prefix keys to slot numbers, for belady over its spilled future:
// open addressing with linear probing and deletion by backward shift, so that a lookup is
// mostly one cache line and an erase leaves no tombstone. The keys are hashes already: their
// low bits pick the home position. Internal header.
#pragma once

#include <cstdint>
#include <vector>

#include "tier/chunk_store.h"

namespace kvsim {

class KeySlots {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  uint32_t Find(const ChunkKey& k) const {
    if (size_ == 0) return kNone;
    for (size_t i = Home(k);; i = (i + 1) & mask_) {
      const Entry& e = table_[i];
      if (e.slot == kNone) return kNone;
      if (e.hi == k.hi && e.lo == k.lo) return e.slot;
    }
  }

  // Starts loading the memory a lookup of k reads first.
  void Prefetch(const ChunkKey& k) const {
    if (size_ != 0) __builtin_prefetch(&table_[Home(k)]);
  }

  // REQUIRES: k is not in the table; slot != kNone.
  void Insert(const ChunkKey& k, uint32_t slot) {
    if ((size_ + 1) * 10 > table_.size() * 7) Grow();
    size_t i = Home(k);
    while (table_[i].slot != kNone) i = (i + 1) & mask_;
    table_[i] = {k.hi, k.lo, slot};
    ++size_;
  }

  // REQUIRES: k is in the table.
  void Erase(const ChunkKey& k) {
    size_t i = Home(k);
    while (table_[i].hi != k.hi || table_[i].lo != k.lo || table_[i].slot == kNone) i = (i + 1) & mask_;
    // Moves back every later entry of the run that may sit at i, so no lookup stops early.
    for (size_t j = (i + 1) & mask_; table_[j].slot != kNone; j = (j + 1) & mask_) {
      const size_t home = Home({table_[j].hi, table_[j].lo});
      if (((j - home) & mask_) >= ((j - i) & mask_)) {
        table_[i] = table_[j];
        i = j;
      }
    }
    table_[i].slot = kNone;
    --size_;
  }

  size_t size() const { return size_; }

 private:
  struct Entry {
    uint64_t hi = 0, lo = 0;
    uint32_t slot = kNone;
  };

  size_t Home(const ChunkKey& k) const { return k.lo & mask_; }

  void Grow() {
    std::vector<Entry> old = std::move(table_);
    table_.assign(old.empty() ? 1024 : 2 * old.size(), Entry{});
    mask_ = table_.size() - 1;
    size_ = 0;
    for (const Entry& e : old) {
      if (e.slot != kNone) Insert({e.hi, e.lo}, e.slot);
    }
  }

  std::vector<Entry> table_;
  size_t mask_ = 0, size_ = 0;
};

}  // namespace kvsim
