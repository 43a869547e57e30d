// The report's use of curves (see curve_report.h).
#include "curve_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "kvsim/budget.h"
#include "kvsim/curve_table.h"

namespace kvsim {
namespace {

const NamedCurve* CurveOf(const RunDocument& doc, const std::string& strategy) {
  for (const NamedCurve& c : doc.curves) {
    if (c.strategy == strategy) return &c;
  }
  return nullptr;
}

// The curve as a step line: each change point's bytes at the hit rate before it, then after it.
std::vector<std::pair<double, double>> Steps(const Curve& curve) {
  std::vector<std::pair<double, double>> out;
  double before = 0;
  for (const CurvePoint& p : curve.points) {
    out.emplace_back(double(p.bytes), before);
    out.emplace_back(double(p.bytes), p.token_hit_rate);
    before = p.token_hit_rate;
  }
  return out;
}

// A row's budget in tokens: a token budget, or a byte budget over the row's bytes per token.
std::optional<uint64_t> BudgetTokens(const DocumentRow& r) {
  if (r.budget_tokens) return *r.budget_tokens;
  if (r.budget_bytes && r.hot_bytes_per_token > 0) return *r.budget_bytes / r.hot_bytes_per_token;
  return std::nullopt;
}

}  // namespace

std::vector<Series> WithCurves(const RunDocument& doc, std::vector<Series> series) {
  for (Series& s : series) {
    const NamedCurve* c = CurveOf(doc, s.name);
    if (c == nullptr || c->curve.points.empty()) continue;
    s.marks = s.points;
    s.points = Steps(c->curve);
  }
  const NamedCurve* lru = CurveOf(doc, kTokenLru);
  const bool drawn = std::any_of(series.begin(), series.end(),
                                 [](const Series& s) { return s.name == kTokenLru; });
  if (lru != nullptr && !drawn && !lru->curve.points.empty()) {
    Series s;
    s.name = std::string(kTokenLru) + " (curve)";
    s.points = Steps(lru->curve);
    s.marks.emplace();
    s.style = static_cast<int>(series.size());
    series.push_back(std::move(s));
  }
  return series;
}

void PickFromCurves(const RunDocument& doc, const std::vector<double>& targets,
                    std::vector<StrategyTargets>* plans) {
  for (StrategyTargets& s : *plans) {
    const NamedCurve* c = CurveOf(doc, s.strategy);
    if (c == nullptr) continue;
    for (size_t t = 0; t < targets.size(); ++t) {
      const CurvePoint* p = FirstReaching(c->curve, targets[t] / 100);
      TargetPick pick;
      if (p != nullptr) {
        pick.reached = true;
        pick.bytes = double(p->bytes);
        pick.spec = FormatCount(double(p->tokens)) + "tok (curve)";
      }
      s.picks[t] = pick;
    }
  }
}

std::optional<std::string> RadixGapFact(const RunDocument& doc) {
  const NamedCurve* lru = CurveOf(doc, kTokenLru);
  if (lru == nullptr) return std::nullopt;
  double gap = -1, radix = 0, curve = 0;
  std::string at;
  for (const DocumentRow& r : doc.rows) {
    const std::optional<uint64_t> tokens = BudgetTokens(r);
    if (r.index != "radix" || !tokens) continue;
    const double lru_rate = CurveAt(lru->curve, *tokens).token_hit_rate;
    if (std::fabs(r.token_hit_rate - lru_rate) > gap) {
      gap = std::fabs(r.token_hit_rate - lru_rate);
      radix = r.token_hit_rate;
      curve = lru_rate;
      at = r.strategy + " @ " + r.budget_spec + " (" + FormatCount(double(*tokens)) + " tokens)";
    }
  }
  if (gap < 0) return std::nullopt;
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "largest gap %.2f points at %s: radix %.2f%%, %s curve %.2f%%", 100 * gap,
                at.c_str(), 100 * radix, kTokenLru, 100 * curve);
  return std::string(buf);
}

}  // namespace kvsim
