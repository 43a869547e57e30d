// The run JSON document (docs/contract.md, "Run JSON"): a run's results as other tools read them.
#pragma once

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

}  // namespace kvsim
