// `kvsim plan` (docs/contract.md, "Planning replicas"): for each strategy, budget and router, the
// smallest number of replicas whose served latencies meet every SLO target, found by serving the
// workload at replica counts chosen by a doubling-then-bisecting search, and verified: the answer
// N meets the SLO and N - 1 does not.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kvsim/serve.h"

namespace kvsim {

// One target: a latency statistic of served requests at most `seconds`.
struct SloTarget {
  std::string name;  // "ttft_p99": ttft, queue_wait, tpot or e2e; mean, p50, p90, p99 or max
  double seconds = 0;
  bool operator==(const SloTarget&) const = default;
};

// Parses "ttft_p99=2s,tpot_p99=50ms" (units s, ms, us; a bare number is seconds). Throws Error
// naming --slo and the item.
std::vector<SloTarget> ParseSlo(const std::string& text);
// The statistic a target names, from a served row.
double SloValue(const SloTarget& target, const ServeFigures& figures);
// Whether a served row meets every target and rejected no request.
bool MeetsSlo(const std::vector<SloTarget>& slo, const ServeFigures& figures);

// A replica count served.
struct PlanProbe {
  uint32_t replicas = 0;
  bool meets = false;
  RowResult row;  // the served row (its serve figures set)
};

// The answer for one strategy x budget x router.
struct PlanAnswer {
  std::string strategy, router, budget_spec;
  Budget budget;                    // per replica
  std::optional<uint32_t> replicas;  // none: even the maximum does not meet the SLO
  std::vector<PlanProbe> probes;     // every count served, ascending
};

struct PlanOptions {
  std::vector<SloTarget> slo;
  uint32_t max_replicas = 256;
  // Called after each replica count served (may be empty).
  std::function<void(uint32_t replicas, bool meets)> on_probe;
};

// Searches one strategy x budget x router. `serve.replicas`, `serve.routers` and
// `serve.pooled` are set per probe.
PlanAnswer PlanReplicas(const Workload& workload, const Strategy& strategy, const BudgetSpec& budget,
                        const std::string& router, const RunOptions& run, ServeOptions serve,
                        const PlanOptions& plan);

// The KV pool one replica has when --budget is not given: the GPUs' memory at vLLM's default
// gpu_memory_utilization (0.9), less the bf16 weights.
BudgetSpec ReplicaPool(const GpuProfile& gpu, uint32_t tp, const ModelProfile& model);

}  // namespace kvsim
