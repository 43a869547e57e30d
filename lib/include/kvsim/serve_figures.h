// What a replica under load adds to a result row (docs/contract.md, "Serving in time"): latency
// distributions, throughput, and how the pool was shared between running requests and the cache.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kvsim {

// A latency distribution in seconds; percentiles are nearest-rank.
struct Latency {
  double mean = 0, p50 = 0, p90 = 0, p99 = 0, max = 0;
  static Latency Of(std::vector<double> seconds);
  bool operator==(const Latency&) const = default;
};

struct ServeFigures {
  uint64_t replicas = 1;
  std::string router = "round-robin";
  std::string gpu;  // "h100", or "exact" when --prefill-tps and --decode-tps replace the roofline
  Latency ttft, queue_wait, tpot, e2e;
  double requests_per_s = 0, output_tokens_per_s = 0;  // completed, over the served span
  uint64_t rejected_requests = 0, preempted_requests = 0;
  uint64_t peak_pinned_tokens = 0, peak_cached_tokens = 0;
  std::vector<uint64_t> requests_per_replica;
  double imbalance = 1;  // max / mean of per-replica busy time
  double pooled_token_hit_rate = 0;  // one `kvsim run` cache of replicas x budget
  double duration_s = 0;             // first arrival to last completion
  bool operator==(const ServeFigures&) const = default;
};

}  // namespace kvsim
