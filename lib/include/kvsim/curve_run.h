// `kvsim curve`'s engine: every curve strategy's exact (or sampled) hit-rate curve from one
// pass over the workload (docs/contract.md, "Hit-rate curves").
#pragma once

#include <cstddef>
#include <vector>

#include "kvsim/curve.h"
#include "kvsim/replay.h"

namespace kvsim {

// One row per strategy, in order: exact curves carry the unbounded replay's figures (equal to
// `kvsim run --budget inf`), sampled ones the requests and prompt tokens exactly and the hits
// at the unbounded end as estimated; each row's `curve` holds the points.
// Throws Error before any work when a strategy is not a curve strategy (CurveRefusal).
RunResult ComputeCurves(const Workload& workload, const std::vector<Strategy>& strategies,
                        const RunOptions& options, const CurveOptions& curve);

}  // namespace kvsim
