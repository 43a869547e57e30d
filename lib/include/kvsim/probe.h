// The attention probe of `kvsim run`: for every result row whose codec is lossy, attention
// error on sampled requests' prompt contexts (see kvsim/attention.h for the metrics).
#pragma once

#include <string>

#include "kvsim/replay.h"

namespace kvsim {

struct ProbeOptions {
  size_t requests = 16;     // sampled requests (0: no probe)
  size_t max_tokens = 2048; // context cap per request
  size_t heads = 4;         // (layer, kv head) pairs per request
  size_t queries = 8;       // queries per head
  std::string kv_dump;      // a directory of .npy tensors instead of synthetic KV
};

// Fills RowResult::attention of every lossy row. Rows with the same codec and codec options share
// one result (the probe depends on how tokens are stored, not on the index or the budget).
// Throws Error on a bad dump.
void ProbeAttention(const Workload& workload, const ProbeOptions& probe, const RunOptions& options,
                    RunResult* run);

}  // namespace kvsim
