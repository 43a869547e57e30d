// JSONL trace readers (docs/contract.md, "Token traces" and "Mooncake traces"). Internal header.
//
// Loading makes one validation pass over the file (every malformed line is an error naming the
// file and line, before anything is replayed) that also counts requests and tokens and notes
// each line's time and offset. Streams then re-read the file: sequentially when the times are
// already in order, else line by line in time order by offset. Memory is O(lines) for the
// offsets of an unsorted trace (nothing per line for a sorted one), never O(tokens in the file).
#pragma once

#include <memory>
#include <string>

#include "kvsim/workload.h"

namespace kvsim {

// Where a trace's lines come from: the file at `path`, or `memory` when it is set (then `path`
// only names it in messages).
struct TraceSource {
  std::string path;
  std::shared_ptr<const std::string> memory;
};

std::unique_ptr<Workload> LoadTokenTrace(TraceSource source, const InputLimits& limits);
std::unique_ptr<Workload> LoadMooncakeTrace(TraceSource source, uint64_t block_size,
                                            const InputLimits& limits);

}  // namespace kvsim
