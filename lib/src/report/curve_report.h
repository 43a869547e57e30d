// What a sweep's report reads from the curves of its curve strategies: the hit-rate chart's
// lines, the smallest cache reaching each target, and radix's distance from the token-granular
// LRU. Internal header.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kvsim/run_document.h"
#include "plan_summary.h"
#include "svg_chart.h"

namespace kvsim {

// The hit-rate series with each curve strategy's series drawn as its whole curve (a step line,
// marked at the swept budgets), and the token-granular LRU's curve added when only it has one.
std::vector<Series> WithCurves(const RunDocument& doc, std::vector<Series> series);

// Each curve strategy's picks read from its curve: the smallest cache reaching the target.
void PickFromCurves(const RunDocument& doc, const std::vector<double>& targets,
                    std::vector<StrategyTargets>* plans);

// "radix against the token-granular LRU": the largest hit-rate gap between radix's replayed
// rows and the block-trie:block_size=1 curve at the same token capacity, and where; nullopt
// without both.
std::optional<std::string> RadixGapFact(const RunDocument& doc);

}  // namespace kvsim
