// The report's at-a-glance section (see plan_summary.h).
#include "plan_summary.h"

#include "curve_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "kvsim/error.h"
#include "svg_chart.h"

namespace kvsim {

std::map<std::string, int> StrategyStyles(const RunDocument& doc) {
  std::map<std::string, int> styles;
  for (const DocumentRow& row : doc.rows) styles.emplace(row.strategy, static_cast<int>(styles.size()));
  return styles;
}

std::vector<double> ParseTargets(const std::string& option, const std::string& text) {
  std::vector<double> out;
  size_t at = 0;
  while (true) {
    const size_t comma = text.find(',', at);
    std::string item = text.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    if (!item.empty() && item.back() == '%') item.pop_back();
    char* end = nullptr;
    const double v = item.empty() ? NAN : std::strtod(item.c_str(), &end);
    if (!(v > 0 && v <= 100) || *end != '\0') {
      throw Error(option + " '" + text + "': each target is a token hit rate in percent, a number " +
                  "in (0,100], comma-separated (e.g. " + option + " 50,80,90,95)");
    }
    out.push_back(v);
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

namespace {

// Whether `row` is a better pick than `best` (unset: any row is).
bool Better(const RunDocument& doc, const DocumentRow& row, const TargetPick& best) {
  const std::optional<double> bytes = doc.BudgetBytes(row);
  if (!best.reached) return true;
  if (best.unbounded) return bytes.has_value();
  return bytes && *bytes < best.bytes;
}

TargetPick PickOf(const RunDocument& doc, const DocumentRow& row) {
  TargetPick p;
  p.reached = true;
  const std::optional<double> bytes = doc.BudgetBytes(row);
  p.unbounded = !bytes;
  p.bytes = bytes.value_or(0);
  p.tokens = row.budget_tokens.has_value();
  p.spec = row.budget_spec;
  return p;
}

}  // namespace

std::vector<StrategyTargets> PickBudgets(const RunDocument& doc, const std::vector<double>& targets) {
  std::vector<StrategyTargets> plans;
  const auto styles = StrategyStyles(doc);
  for (const auto& [name, style] : styles) {
    plans.resize(std::max<size_t>(plans.size(), style + 1));
    plans[style].strategy = name;
    plans[style].style = style;
    plans[style].picks.resize(targets.size());
  }
  for (const DocumentRow& row : doc.rows) {
    StrategyTargets& s = plans[styles.at(row.strategy)];
    if (!s.has_attention && row.attention) {
      s.has_attention = true;
      s.attention = row.attention->rel_l2_mean;
    }
    const double hit = row.token_hit_rate;
    for (size_t t = 0; t < targets.size(); ++t) {
      if (hit >= targets[t] / 100 && Better(doc, row, s.picks[t])) s.picks[t] = PickOf(doc, row);
    }
  }
  PickFromCurves(doc, targets, &plans);
  return plans;
}

std::vector<bool> ParetoFront(const std::vector<std::pair<double, double>>& points) {
  std::vector<bool> front(points.size(), true);
  for (size_t i = 0; i < points.size(); ++i) {
    for (const auto& q : points) {
      const auto& p = points[i];
      if (q.first <= p.first && q.second <= p.second && (q.first < p.first || q.second < p.second)) {
        front[i] = false;
        break;
      }
    }
  }
  return front;
}

namespace {
// Whether more than half of the strategies with an attention error reach target `t` at a
// bounded budget.
bool MostReach(const std::vector<StrategyTargets>& plans, size_t t) {
  size_t probed = 0, reach = 0;
  for (const auto& s : plans) {
    probed += s.has_attention;
    reach += s.has_attention && s.picks[t].reached && !s.picks[t].unbounded;
  }
  return 2 * reach > probed;
}
}  // namespace

size_t TradeoffTarget(const std::vector<StrategyTargets>& plans, const std::vector<double>& targets) {
  for (size_t t = targets.size(); t-- > 0;) {
    if (MostReach(plans, t)) return t;
  }
  for (size_t t = 0; t < targets.size(); ++t) {
    if (targets[t] == 80) return t;
  }
  return 0;
}

namespace {

std::string Percent(double pct) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g%%", pct);
  return buf;
}

std::string PickCell(const TargetPick& p) {
  if (!p.reached) return "not reached";
  if (p.unbounded) return p.spec + " (unbounded)";
  return p.spec + " (" + FormatTick(p.bytes, Axis::Format::kBytes) + (p.tokens ? " at fp16)" : ")");
}

}  // namespace

std::vector<std::vector<std::string>> SummaryCells(const std::vector<StrategyTargets>& plans,
                                                   const std::vector<double>& targets) {
  std::vector<std::vector<std::string>> rows(1, {"strategy", "rel-L2"});
  for (double t : targets) rows[0].push_back("hit rate >= " + Percent(t));
  for (const auto& s : plans) {
    char err[32];
    std::snprintf(err, sizeof err, "%.4f", s.attention);
    rows.push_back({s.strategy, s.has_attention ? err : "-"});
    for (const auto& p : s.picks) rows.back().push_back(PickCell(p));
  }
  return rows;
}

ReportChart TradeoffChart(const std::vector<StrategyTargets>& plans,
                          const std::vector<double>& targets) {
  const size_t t = TradeoffTarget(plans, targets);
  std::vector<ScatterPoint> points;
  std::vector<std::pair<double, double>> xy;
  std::string left_out;
  for (const auto& s : plans) {
    if (!s.has_attention) continue;
    const TargetPick& p = s.picks[t];
    if (p.reached && !p.unbounded) {
      points.push_back({s.strategy, s.attention, p.bytes, s.style, false});
      xy.emplace_back(s.attention, p.bytes);
    } else {
      left_out += (left_out.empty() ? "" : ", ") + s.strategy;
    }
  }
  const auto front = ParetoFront(xy);
  for (size_t i = 0; i < points.size(); ++i) points[i].pareto = front[i];
  const std::string target = Percent(targets[t]);
  ReportChart c;
  c.name = "tradeoff";
  c.svg = ScatterChart("Memory for a " + target + " token hit rate against attention error",
                       {"attention error: mean ||o~ - o|| / ||o|| (lower is better)"},
                       {"smallest swept budget reaching " + target, Axis::Format::kBytes}, points,
                       "no strategy reaches " + target + " at a bounded swept budget");
  c.caption = "Target " + target + (MostReach(plans, t) ? ": the highest target that most strategies reach. "
                                                     : ": no target is reached by most strategies. ") +
              "Filled points form the Pareto front: no other strategy needs less memory and has a lower "
              "attention error. Strategies without an attention probe are not shown.";
  if (!left_out.empty()) c.caption += " Not reaching " + target + " at a bounded budget: " + left_out + ".";
  return c;
}

}  // namespace kvsim
