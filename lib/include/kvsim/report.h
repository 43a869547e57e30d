// Reports of a run: the run JSON document (docs/contract.md, "Run JSON") and the human table.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kvsim/replay.h"

namespace kvsim {

struct RunContext {
  std::string kernels;  // kernel set in use
  std::vector<std::string> command;  // argv, for reports
};

nlohmann::ordered_json RunToJson(const WorkloadInfo& info, const RunResult& run,
                                 const RunOptions& options, const RunContext& context);

// The prefill throughput that turns saved tokens into GPU-seconds: --prefill-tps, else the
// model profile's.
double PrefillTokensPerSecond(const RunOptions& options);

// One row per strategy x budget, about 120 columns wide; verbose adds every figure (tokens,
// evictions, every attention metric) and the per-turn and per-session breakdowns.
void PrintRunTable(std::ostream& out, const WorkloadInfo& info, const RunResult& run,
                   const RunOptions& options, bool verbose);

std::string KvsimVersion();

// Checks that `doc` has the shape of kvsim's run JSON (with a "sweep" object when `sweep`):
// every field compare, merge, CSV and the reports read, with its type. Throws Error naming
// `name` and the JSON path of the first bad field.
void CheckRunJson(const nlohmann::ordered_json& doc, const std::string& name, bool sweep = false);

}  // namespace kvsim
