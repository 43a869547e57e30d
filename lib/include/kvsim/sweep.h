// Sweeps: every strategy x budget point of a capacity plan, run in parallel across cores, and
// split into deterministic shards for array jobs on a cluster scheduler. The one execution path
// of kvsim: `kvsim run` is a sweep with one worker. Each worker replays its points in lockstep,
// at most 32 at a time, over one pass of the workload.
//
// Points are numbered strategy-major (point = strategy index x budgets + budget index). Shard
// i/n runs the points with point % n == i; MergeRuns joins shard outputs back into one run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kvsim/replay.h"

namespace kvsim {

struct Shard {
  uint32_t index = 0, count = 1;
  // "i/n" with 0 <= i < n. Throws Error.
  static Shard Parse(const std::string& text);
  std::string ToString() const { return std::to_string(index) + "/" + std::to_string(count); }
};

struct SweepOptions {
  size_t jobs = 0;  // worker threads (0: one per core)
  Shard shard;
};

// Runs this shard's points; rows come back in point order with RowResult::point set.
RunResult Sweep(const Workload& workload, const std::vector<Strategy>& strategies,
                const std::vector<BudgetSpec>& budgets, const RunOptions& options,
                const SweepOptions& sweep);

}  // namespace kvsim
