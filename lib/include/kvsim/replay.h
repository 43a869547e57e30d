// The replay (docs/contract.md, "The replay"): requests in time order through every (strategy, budget) row.
//
// The workload is read once: each request is handed to every row in turn (lockstep), so a
// streamed trace is parsed once however many rows there are. Per request a row matches, inserts
// the sequence, evicts while over budget, and then samples memory.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kvsim/attention.h"
#include "kvsim/budget.h"
#include "kvsim/codec_set.h"
#include "kvsim/curve.h"
#include "kvsim/index.h"
#include "kvsim/memory_tiers.h"
#include "kvsim/model.h"
#include "kvsim/serve_figures.h"
#include "kvsim/strategy.h"
#include "kvsim/workload.h"

namespace kvsim {

struct ClassStats {
  uint64_t requests = 0;
  uint64_t prompt_tokens = 0;
  uint64_t hit_tokens = 0;
};

struct RowResult {
  size_t point = 0;  // position in the run's strategy x budget grid (sweeps, shards, merges)
  Strategy strategy;
  BudgetSpec budget_spec;
  Budget budget;
  TokenCost cost;
  uint64_t hit_tokens = 0;
  uint64_t prompt_tokens = 0;
  uint64_t requests = 0;
  uint64_t hit_requests = 0;
  uint64_t evictions = 0;
  uint64_t peak_tokens = 0;
  uint64_t peak_bytes = 0;
  double mean_bytes = 0;
  double mean_tokens = 0;
  double compression_ratio = 1;  // fp16 bytes / codec bytes of what the cache held
  double bits_per_channel = 16;  // codec bits per K/V channel, every scale and norm included
  std::vector<ClassStats> by_turn;     // [turn - 1]
  std::vector<ClassStats> by_session;  // [session], when the workload has sessions
  std::vector<uint64_t> hits;          // per request, when RunOptions::record_hits
  std::optional<AttentionSummary> attention;  // lossy codecs, when probed
  std::optional<ServeFigures> serve;          // kvsim serve: the row under load
  std::optional<Curve> curve;                 // kvsim curve: hits at every capacity
  // With memory tiers below the GPU (RunOptions::tiers): hit_tokens counts hits in any tier;
  // the GPU tier's share is hit_tokens minus the tiers' hit_tokens.
  std::vector<TierFigures> tiers;
  std::vector<TierMove> bytes_moved;
};

struct RunOptions {
  ModelProfile model;
  uint64_t seed = 42;
  bool cache_output = true;   // false: --no-cache-output
  bool record_hits = false;   // fill RowResult::hits (tests)
  std::optional<uint64_t> working_set_tokens;  // known already: skip the working-set pass
  // Rows of curve strategies (kvsim/curve.h) from one stack pass per block size instead of a
  // cache each: the same figures, every budget for the cost of one (kvsim sweep).
  bool curve_rows = false;
  // The curves to compute in the same pass (RunResult::curves): those of these strategies that
  // are curve strategies (the others are skipped), each at these options.
  std::vector<Strategy> curve_strategies;
  CurveOptions curve;
  // Memory tiers below every row's GPU cache, in order (kvsim/memory_tiers.h); empty: none.
  std::vector<TierSpec> tiers;
  // Their chunk in tokens; 0: the index's block size, else kDefaultTierChunk.
  uint64_t tier_chunk = 0;
  // The run's codecs, shared with the attention probe (nullptr: the replay makes its own).
  // REQUIRES: its head_dim is the model's.
  CodecSet* codecs = nullptr;
  // Shared by the rows' indexes (belady's future; nullptr: each replay makes its own).
  // REQUIRES: made for this workload and cache_output.
  WorkloadMemo* memo = nullptr;
  double prefill_tokens_per_second = 0;        // per GPU, for GPU-seconds saved (0: model's)
  // Called after every request of every row with (row, hit tokens, tokens held, bytes held);
  // may be empty. For invariant checks; called from the workers of a sweep with jobs > 1.
  std::function<void(size_t, uint64_t, uint64_t, uint64_t)> on_step;
  // Called now and then with (requests done, requests total); may be empty.
  std::function<void(uint64_t, uint64_t)> progress;
};

// The prefill throughput that turns saved tokens into GPU-seconds: --prefill-tps, else the
// model profile's.
double PrefillTokensPerSecond(const RunOptions& options);

struct RunResult {
  uint64_t working_set_tokens = 0;
  std::vector<RowResult> rows;  // strategy-major: for each strategy, each budget
  std::vector<NamedCurve> curves;  // RunOptions::curve_strategies that have curves, in order
};

// One point of a run's grid: a strategy at a budget.
struct PointSpec {
  size_t number = 0;  // in the grid: strategy index x budgets + budget index
  size_t slot = 0;    // position of its row in the run being built (on_step's row argument)
  const Strategy* strategy = nullptr;
  const BudgetSpec* budget = nullptr;
};

// The engine: replays every point in lockstep over one pass of the workload (every row holds
// its own cache, so memory is the sum of the caches). Throws Error on bad configuration, before
// anything is replayed. REQUIRES: the pointers in `points` outlive the call.
RunResult ReplayPoints(const Workload& workload, const std::vector<PointSpec>& points,
                       const RunOptions& options);

// Replays `workload` through every strategy x budget: a sweep with one worker (kvsim/sweep.h),
// rows in point order.
RunResult Replay(const Workload& workload, const std::vector<Strategy>& strategies,
                 const std::vector<BudgetSpec>& budgets, const RunOptions& options);

// Tokens the radix index holds after an unbounded replay (the working set of docs/contract.md, "Terms").
// Without a replay when the workload knows its distinct prompt tokens (block-identified traces:
// outputs are unique to their requests, so they add their length).
uint64_t WorkingSetTokens(const Workload& workload, bool cache_output);
// The working set when it is known without a replay, else nullopt.
std::optional<uint64_t> KnownWorkingSetTokens(const Workload& workload, bool cache_output);

}  // namespace kvsim
