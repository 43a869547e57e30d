// Memory tiers below the GPU cache (docs/contract.md, "Memory tiers"): host DRAM and disk that
// keep KV the GPU tier no longer holds, as SGLang's HiCache, LMCache and vLLM's CPU offloading do.
//
// The GPU tier is the strategy's index under its budget. Each lower tier stores whole chunks of
// `chunk` tokens, identified by their whole prefix, under its own capacity and LRU eviction:
//   inclusive (default): written through with every chunk the GPU tier reads or writes, so it
//     holds a copy of what is above it as far as its capacity allows;
//   exclusive: holds only what the tier above it evicted (a victim cache); a chunk leaves it
//     when it is read back or written above.
// A request's hit is the GPU's hit continued, chunk by chunk, with chunks found in a lower tier
// (the highest that holds each); those are loaded into the GPU tier (promotion).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kvsim/budget.h"
#include "kvsim/options.h"

namespace kvsim {

struct TierSpec {
  std::string name;             // "host" or "disk"
  std::string text;             // as written after --tier
  BudgetSpec size;              // any budget form, or
  std::optional<double> times;  // "Nx": N times the row's GPU budget
  double bandwidth_gbps = 0;    // GB/s (1e9 bytes/s) between this tier and the GPU
  bool exclusive = false;
  std::string codec;            // "": the strategy's codec
  Options codec_options;
};

// Defaults: host 25 GB/s (PCIe 4.0 x16), disk 5 GB/s (one PCIe 4.0 NVMe drive).
inline constexpr double kHostBandwidthGBps = 25;
inline constexpr double kDiskBandwidthGBps = 5;
// Chunk size of the lower tiers for indexes without blocks (LMCache's default chunk).
inline constexpr uint64_t kDefaultTierChunk = 256;

// Parses one --tier value: NAME:SIZE[:bw=GBPS][:mode=inclusive|exclusive][:codec=CODEC[:k=v,...]]
// (codec= comes last: the rest is the codec). Throws Error naming --tier and the bad part.
TierSpec ParseTierSpec(const std::string& text);
// Parses every --tier value, in order below the GPU; a name may appear once.
std::vector<TierSpec> ParseTierSpecs(const std::vector<std::string>& args);

// What one lower tier did in a row.
struct TierFigures {
  std::string name;
  bool exclusive = false;
  double bandwidth_gbps = 0;
  std::string codec;              // the codec its chunks are stored in
  uint64_t chunk_tokens = 0;
  uint64_t bytes_per_token = 0;   // measured, of that codec's stored format
  std::optional<uint64_t> capacity_tokens, capacity_bytes;
  uint64_t hit_tokens = 0;        // prompt tokens served from this tier
  uint64_t peak_tokens = 0, peak_bytes = 0;
  uint64_t evictions = 0;         // chunks dropped or demoted for capacity
  // kvsim serve: prompt tokens found here but recomputed because loading them would have
  // taken longer; seconds the tier's link spent loading; the context length from which loading
  // a token beats recomputing it (nullopt: never, or not served in time).
  uint64_t recomputed_tokens = 0;
  double load_seconds = 0;
  std::optional<double> break_even_context;
  bool operator==(const TierFigures&) const = default;
};

// Bytes that crossed between two tiers ("gpu", "host", "disk"), counted in the lower tier's
// stored format: demotions and write-through copies down, promotions up.
struct TierMove {
  std::string from, to;
  uint64_t bytes = 0;
  bool operator==(const TierMove&) const = default;
};

}  // namespace kvsim
