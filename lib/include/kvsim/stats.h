// Workload statistics: what `kvsim inspect` prints and reports include.
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "kvsim/workload.h"

namespace kvsim {

struct Distribution {
  uint64_t count = 0;
  double mean = 0;
  uint64_t min = 0, p50 = 0, p90 = 0, p99 = 0, max = 0;  // nearest-rank percentiles

  static Distribution Of(std::vector<uint64_t> values);
};

struct WorkloadStats {
  uint64_t requests = 0;
  uint64_t sessions = 0;
  uint64_t prompt_tokens = 0;
  uint64_t output_tokens = 0;
  double duration_s = 0;  // last request time - first
  Distribution prompt_len, output_len, turns_per_session;
  uint64_t working_set_tokens = 0;
  uint64_t max_hit_tokens = 0;  // unbounded radix: the most any index can reuse
  double max_token_hit_rate = 0;
};

// One pass to collect lengths, one unbounded radix replay for the reuse bound.
WorkloadStats ComputeStats(const Workload& workload, bool cache_output);

nlohmann::ordered_json StatsToJson(const WorkloadStats& stats);

}  // namespace kvsim
