// `kvsim compare`: a CI's question "did this change make caching worse?" with a clear answer.
// Rows of two run or sweep JSON documents are matched by (strategy, budget). A hit rate that
// falls by more than `hit` (absolute) or an attention error that grows by more than `error`
// (relative) is a regression. Documents of different workloads, models or configurations (whether
// outputs are cached, the seed) are incompatible (an Error): their rows measure different things.
// Rows on one side only are listed as new or missing; they are incompatible only when `strict`.
#pragma once

#include <string>
#include <vector>

#include "kvsim/run_document.h"

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
  std::vector<std::string> new_rows;      // "strategy @ budget" in the current run only
  std::vector<std::string> missing_rows;  // in the baseline only
  bool regression = false;
};

// Compares two documents (read with kvsim/run_document_json.h). Throws Error on incompatible
// inputs.
CompareResult Compare(const RunDocument& baseline, const RunDocument& current,
                      const CompareTolerance& tolerance, bool strict = false);

struct CompareFormat {
  bool markdown = false;          // GitHub-flavoured Markdown (for CI comments) instead of text
  bool only_regressions = false;  // list only the regressed metrics (the summary counts all)
};

// A table of the compared metrics, the new and missing rows, and a one-line summary.
std::string FormatCompare(const CompareResult& result, const CompareTolerance& tolerance,
                          const CompareFormat& format);

}  // namespace kvsim
