// A serve row's timeline as chart points: the pool in its budget's unit and the request counts,
// thinned to a bounded number of points however long the run. Internal header.
#pragma once

#include <cstddef>
#include <vector>

#include "kvsim/serve.h"

namespace kvsim {

// The pool and the requests at a time. The pool is in tokens, or in bytes under a byte budget:
// the held bytes are then split between pinned and cached in proportion to their tokens (exact
// when every token costs the same bytes: a codec without a hot tier).
struct PoolPoint {
  double time = 0;
  double pinned = 0, cached = 0, free = 0;  // free: 0 when unbounded
  double queued = 0, running = 0;
};

// A sample in its pool's unit.
PoolPoint PointOf(const PoolSample& s);

// True when the samples' pool is a byte budget (their points are in bytes).
bool InBytes(const std::vector<PoolSample>& samples);

// At most `points` points, one per stretch of span / points seconds from time 0 that the samples
// reach (each sample holds until the next one): the time-weighted mean of the pool (pinned,
// cached, free still add up to the budget) and the largest queued and running counts, at the
// middle of the stretch's covered time. REQUIRES: samples in time order, points >= 1.
std::vector<PoolPoint> ThinTimeline(const std::vector<PoolSample>& samples, double span,
                                    size_t points);

}  // namespace kvsim
