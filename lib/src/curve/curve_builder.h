// CurveBuilder: the histogram of a stack pass's prompt-block distances, turned into the hit
// count at every capacity (Mattson: the hits at capacity C are the uses at distance <= C).
// Sampled passes are scaled as SHARDS does: distances by 1 / rate, hit counts by the ratio of
// all uses to sampled uses. Internal header.
#pragma once

#include <cstdint>
#include <vector>

#include "curve/stack_pass.h"
#include "kvsim/curve.h"

namespace kvsim {

class CurveBuilder {
 public:
  void Add(const BlockDistances& d);

  // The change points, priced at `bytes_per_token`, with rates over the workload's
  // `prompt_tokens` and `requests`.
  std::vector<CurvePoint> Points(uint64_t block_size, uint64_t bytes_per_token, double rate,
                                 uint64_t prompt_tokens, uint64_t requests) const;

 private:
  std::vector<uint64_t> hits_;    // by distance: prompt blocks hit
  std::vector<uint64_t> firsts_;  // by distance: requests whose first block is hit
  uint64_t sampled_prompt_ = 0, all_prompt_ = 0;
  uint64_t sampled_first_ = 0, all_first_ = 0;
};

// About `n` of the points (all when n is 0 or enough): for each of n capacities evenly spaced
// over the curve, the last point at or below it; the first point at or above each whole percent
// of token hit rate (so "the smallest cache reaching 90%" reads exactly); and the last point.
// The points in effect at the capacities `keep_at` (tokens) stay too, so that CurveAt reads
// them exactly.
std::vector<CurvePoint> ThinPoints(const std::vector<CurvePoint>& points, size_t n,
                                   const std::vector<uint64_t>& keep_at = {});

// The mean and largest absolute token hit rate difference of `sampled` from `exact` over 1,000
// evenly spaced capacities up to the exact curve's last point.
CurveError CompareCurves(const Curve& sampled, const Curve& exact);

}  // namespace kvsim
