// `kvsim compare`: a CI's question "did this change make caching worse?" with a clear answer.
// Rows of two run or sweep JSON documents are matched by (strategy, budget). A hit rate that
// falls by more than `hit` (absolute) or an attention error that grows by more than `error`
// (relative) is a regression. Documents of different workloads or models, or with rows missing
// on either side, are incompatible (an Error).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kvsim {

struct CompareTolerance {
  double hit = 0.001;   // absolute, on token and request hit rates
  double error = 0.05;  // relative, on attention output_rel_l2 (mean)
  // "hit=0.001,error=0.05" (either key may be left out). Throws Error.
  static CompareTolerance Parse(const std::string& text);
};

struct CompareLine {
  std::string strategy, budget, metric;
  double baseline = 0, current = 0;
  std::string verdict;  // "ok", "better", "REGRESSION"
};

struct CompareResult {
  std::vector<CompareLine> lines;
  bool regression = false;
};

CompareResult Compare(const nlohmann::ordered_json& baseline, const nlohmann::ordered_json& current,
                      const CompareTolerance& tolerance);

// A table (text) or a GitHub-flavoured Markdown table (for CI comments).
std::string FormatCompare(const CompareResult& result, const CompareTolerance& tolerance,
                          bool markdown);

}  // namespace kvsim
