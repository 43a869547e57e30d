// The human table of `kvsim serve`: hit rate under load beside the idle hit rate, and the
// latencies it buys.
#pragma once

#include <iosfwd>

#include "kvsim/run_document.h"

namespace kvsim {

// One row per strategy x budget, about 120 columns; verbose adds every percentile.
// REQUIRES: every row has its serve figures.
void PrintServeTable(std::ostream& out, const RunDocument& doc, bool verbose);

}  // namespace kvsim
