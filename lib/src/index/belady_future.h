// belady's future kept on disk: for every request, in order, the next use of each of its blocks.
// Internal header.
//
// A block is named by a 128-bit key of its whole prefix (ExtendChunkKeys, the names the memory
// tiers give chunks): two different prefixes share a key only on a 128-bit collision, about
// 1e-20 likely among 1e9 blocks. The future is made in one pass over the workload and two
// external sorts (util/external_sort.h):
//   1. every (key, request t, block k) the workload has, sorted by key, then t;
//   2. along each key, a block's next use is the t of its next record that is a use (k below
//      the request's usable blocks, as in belady.cc); its id is the t of the key's first record
//      (with k, the order in which the blocks first appear);
//   3. (t, k, key, next use, id) sorted back by t, then k, written request by request, each
//      block with a slot number in place of its key: a key takes a free slot at its first record
//      and gives it back after the request of its last. A replay indexes arrays by slot, not a
//      hash table by key, and the slots stay within the blocks alive at once.
// RAM stays within one sort run, the read buffers and the keys alive at once, whatever the
// workload's length; the disk holds 56 bytes per (request, block) while it is made and 12 bytes
// (plus 4 per request) after.
// Every file is removed when its owner goes, also on an exception.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <vector>

#include "kvsim/workload.h"
#include "util/temp_file.h"

namespace kvsim {

struct SpillOptions {
  // Records per sorted run: 6 MiB in the first sort (24 bytes each), 4 MiB in the second, so
  // that a short workload's future takes about the RAM of a long one's.
  size_t run_records = size_t{1} << 18;
  std::filesystem::path dir;             // empty: SpillDirectory()
};

class SpilledFuture {
 public:
  // One block of a request: its next use (kNoUse when there is none), its id (the request of
  // its first record), its slot (below slots(); no other block alive from this block's first
  // record to its last has it) and whether this is its last record (a block can have records
  // after its last use: full blocks an insert holds beyond the ones a match can use).
  struct Use {
    static constexpr uint32_t kLastRecord = uint32_t{1} << 31;
    uint32_t next = 0, id = 0, slot_last = 0;  // the slot, with kLastRecord on the last record
    uint32_t slot() const { return slot_last & ~kLastRecord; }
    bool last() const { return (slot_last & kLastRecord) != 0; }
  };
  static constexpr uint32_t kNoUse = UINT32_MAX;

  // Throws Error (the disk, or more than 2^32 - 2 requests).
  SpilledFuture(uint64_t block_size, const Workload& workload, bool cache_output,
                const SpillOptions& spill = {});

  uint64_t block_size() const { return b_; }
  bool cache_output() const { return cache_output_; }
  uint64_t requests() const { return requests_; }
  uint64_t records() const { return records_; }           // (request, block) pairs
  size_t runs_spilled() const { return runs_spilled_; }   // both sorts' runs
  uint32_t slots() const { return slots_; }               // slot numbers handed out
  const std::filesystem::path& path() const { return file_->path(); }

  // The blocks r has in the future: its first max(full, usable) blocks.
  size_t BlocksOf(const Request& r) const;

  // Reads the future request after request, with its own file handle.
  class Reader {
   public:
    explicit Reader(const SpilledFuture& future);
    ~Reader();
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;
    // The blocks of request `now`, k = 0, 1, ... Throws Error when `now` is before the last
    // request read (the future is read forwards only) or beyond the workload.
    const std::vector<Use>& At(uint64_t now);

   private:
    std::FILE* file_ = nullptr;
    std::vector<char> buffer_;
    uint64_t next_ = 0;  // the request the file is at
    std::vector<Use> uses_;
  };

 private:
  const uint64_t b_;
  const bool cache_output_;
  uint64_t requests_ = 0, records_ = 0;
  size_t runs_spilled_ = 0;
  uint32_t slots_ = 0;
  std::unique_ptr<TempFile> file_;
};

}  // namespace kvsim
