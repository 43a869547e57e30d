// The report's at-a-glance section: for each target token hit rate, the smallest swept budget
// that reaches it, per strategy, and the trade-off between the memory that target needs and the
// strategy's attention error. Internal header.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "kvsim/plan_report.h"

namespace kvsim {

// Each strategy's chart style: its position in the results' first-seen order, so a strategy
// keeps its colour, marker and dash in every chart.
std::map<std::string, int> StrategyStyles(const RunDocument& doc);

// The smallest swept budget of one strategy whose token hit rate is >= one target.
struct TargetPick {
  bool reached = false;
  bool unbounded = false;  // only an unbounded row reaches it
  bool tokens = false;     // a token budget: `bytes` is priced at fp16
  std::string spec;        // the budget as the user wrote it
  double bytes = 0;        // 0 when unbounded
};

struct StrategyTargets {
  std::string strategy;
  int style = 0;
  bool has_attention = false;
  double attention = 0;           // output rel-L2 mean (the probe depends on the codec only)
  std::vector<TargetPick> picks;  // one per target
};

// Strategies in first-seen order. Bounded budgets win over unbounded ones; among bounded, the
// fewest bytes, then the first row.
std::vector<StrategyTargets> PickBudgets(const RunDocument& doc,
                                         const std::vector<double>& targets);

// Which points lie on the Pareto front of (x, y), lower being better on both: no other point is
// <= on both axes and < on one. Equal points are on the front together.
std::vector<bool> ParetoFront(const std::vector<std::pair<double, double>>& points);

// The target the trade-off chart plots (an index into `targets`): the highest one that more than
// half of the strategies with an attention error reach at a bounded budget, since the lowest is
// usually reached at the smallest budget by all and separates nothing. Without such a target,
// 80% when listed, else the lowest.
size_t TradeoffTarget(const std::vector<StrategyTargets>& plans, const std::vector<double>& targets);

// The summary table, header row first: strategy, attention rel-L2, then one column per target.
std::vector<std::vector<std::string>> SummaryCells(const std::vector<StrategyTargets>& plans,
                                                   const std::vector<double>& targets);

// The trade-off chart with its caption. REQUIRES: some strategy has an attention error.
ReportChart TradeoffChart(const std::vector<StrategyTargets>& plans,
                          const std::vector<double>& targets);

}  // namespace kvsim
