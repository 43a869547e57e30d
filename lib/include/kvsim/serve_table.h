// The human table of `kvsim serve`: hit rate under load beside the idle hit rate, and the
// latencies it buys.
#pragma once

#include <iosfwd>
#include <string>

#include "kvsim/run_document.h"

namespace kvsim {

// One row per strategy x budget, about 120 columns; verbose adds every percentile.
// REQUIRES: every row has its serve figures.
void PrintServeTable(std::ostream& out, const RunDocument& doc, bool verbose);

// The replica the rows were served by: "llama-3-8b on 1 x h100, max 1024 running, 8192 prefill
// tokens per step, reserve admission, arrivals x100". REQUIRES: doc.serve.
std::string ReplicaText(const RunDocument& doc);

}  // namespace kvsim
