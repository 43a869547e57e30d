// The human table of a run: what `kvsim run` and `kvsim sweep` print.
#pragma once

#include <iosfwd>

#include "kvsim/run_document.h"

namespace kvsim {

// One row per strategy x budget, about 120 columns wide; verbose adds every figure (tokens,
// evictions, every attention metric) and the per-turn and per-session breakdowns.
void PrintRunTable(std::ostream& out, const RunDocument& doc, bool verbose);

}  // namespace kvsim
