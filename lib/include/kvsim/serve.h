// `kvsim serve` (docs/contract.md, "Serving in time"): the workload replayed in time through a
// serving replica whose KV pool is shared by the prefix cache and the running requests.
//
// Arrivals: traces are open loop (a request arrives at its time / speedup); chat workloads are
// closed loop (a session's next request arrives its delay after the previous one completed).
// Requests queue FCFS and are admitted when fewer than max_num_seqs run and the pool, after
// evicting unpinned cache, holds the whole sequence (reserve admission; nothing is preempted),
// or its uncached prompt (incremental admission: KV is allocated as chunks and tokens are
// computed; when an allocation cannot be met, the most recently admitted request is preempted,
// its KV freed and its progress recomputed when it is admitted again).
// At admission the hit prefix is pinned; the prompt is inserted (cacheable) when its prefill
// completes, the output at completion, when the pins are released. lru-buckets inserts the whole
// sequence at completion, as mlx-lm's server does. Steps are continuous batching with chunked
// prefill: one token per decoding request, up to max_batched_tokens new prompt tokens FCFS.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "kvsim/gpu.h"
#include "kvsim/replay.h"
#include "kvsim/step_time.h"

namespace kvsim {

// The pool after an event (a step, an arrival): what the timeline and the invariant checks see.
struct PoolSample {
  double time = 0;
  uint64_t pinned_tokens = 0;  // used by running requests (held pinned, or reserved)
  uint64_t cached_tokens = 0;  // held by the index, unpinned
  uint64_t pool_tokens = 0;    // the budget in tokens (0: a byte budget or unbounded)
  uint64_t pool_bytes = 0;     // the budget in bytes (0: a token budget or unbounded)
  uint64_t held_bytes = 0;     // what the pool holds in bytes, reservations included
  uint64_t queued = 0, running = 0;
};

// One completed request, for tests of the queueing identities.
struct RequestTiming {
  uint64_t position = 0;  // in the workload's replay order
  double arrival = 0, admitted = 0, first_token = 0, completed = 0;
  uint64_t prompt_tokens = 0, hit_tokens = 0, output_tokens = 0;
  size_t replica = 0;  // the replica that served it
};

enum class Admission {
  kReserve,      // admit when the whole sequence fits; never preempt
  kIncremental,  // vLLM V1: admit when the uncached prompt fits; allocate per step; preempt
};

struct ServeOptions {
  Admission admission = Admission::kReserve;
  uint64_t max_num_seqs = 256;         // running requests at most
  uint64_t max_batched_tokens = 8192;  // new prompt tokens per step
  double prefill_tps = 0;  // > 0: prefilling n tokens takes exactly n / prefill_tps (inf: 0)
  double decode_tps = 0;   // > 0: a step with decodes takes exactly 1 / decode_tps more
  double speedup = 1;      // divides trace arrival times and session starts
  uint32_t replicas = 1;   // each with the whole budget, its own index and queue
  std::vector<std::string> routers = {"round-robin"};  // one row each (router.h names)
  bool pooled = true;  // replay one cache of replicas x budget for pooled_token_hit_rate (else 0)
  // Loads from memory tiers overlap layer by layer with the step that first computes the
  // request (SGLang HiCache); false: the request waits for its load before it is scheduled.
  bool tier_overlap = true;
  GpuProfile gpu;
  uint32_t tp = 1;
  Efficiency efficiency;
  std::function<void(size_t row, const PoolSample&)> on_event;        // may be empty
  std::function<void(size_t row, const RequestTiming&)> on_complete;  // may be empty
};

// The router names ServeOptions::routers takes: round-robin, least-load, session, cache-aware,
// kv-aware.
const std::vector<std::string>& RouterNames();

// Serves the workload through each strategy x budget (one replica each), rows in point order.
// Each row has its serve figures; pooled_token_hit_rate is `kvsim run`'s at the same budget.
// Throws Error on a bad configuration before anything is served.
RunResult Serve(const Workload& workload, const std::vector<Strategy>& strategies,
                const std::vector<BudgetSpec>& budgets, const RunOptions& run,
                const ServeOptions& serve);

}  // namespace kvsim
