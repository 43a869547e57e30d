// The table of `kvsim plan` (see kvsim/plan_table.h).
#include "kvsim/plan_table.h"

#include <ostream>

#include "kvsim/budget.h"
#include "kvsim/plan.h"
#include "text_table.h"

namespace kvsim {
namespace {

// "2.10 s / 3.52 s": each target's value at a probe.
std::string Values(const RunDocument& doc, const DocumentRow* row) {
  if (row == nullptr) return "-";
  std::string out;
  for (const auto& [name, seconds] : doc.plan->slo) {
    if (!out.empty()) out += " / ";
    out += Seconds(SloValue({name, seconds}, *row->serve));
  }
  return out;
}

}  // namespace

const DocumentRow* FindPlanProbe(const RunDocument& doc, const PlanChoice& answer, uint64_t replicas) {
  for (const DocumentRow& r : doc.rows) {
    if (r.point == answer.point && r.serve->replicas == replicas) return &r;
  }
  return nullptr;
}

std::string SloText(const RunDocument& doc) {
  std::string slo;
  for (const auto& [name, seconds] : doc.plan->slo) slo += (slo.empty() ? "" : ", ") + name + " <= " + Seconds(seconds);
  return slo + " (and no request rejected)";
}

std::vector<std::vector<std::string>> PlanCells(const RunDocument& doc, bool wrap) {
  const ServeSettings& s = *doc.serve;
  std::vector<std::vector<std::string>> cells = {
      {"strategy", "budget/replica", "router", "replicas", "GPUs", "at N", "at N - 1", "hit rate", "rejected", "served"}};
  for (const PlanChoice& a : doc.plan->answers) {
    std::string n = "> " + std::to_string(doc.plan->max_replicas), gpus = "-";
    const DocumentRow* at = FindPlanProbe(doc, a, doc.plan->max_replicas);
    const DocumentRow* below = nullptr;
    if (a.replicas) {
      n = std::to_string(*a.replicas);
      gpus = std::to_string(*a.replicas * s.tp);
      at = FindPlanProbe(doc, a, *a.replicas);
      below = FindPlanProbe(doc, a, *a.replicas - 1);
    }
    size_t served = 0;
    for (const DocumentRow& r : doc.rows) served += r.point == a.point;
    cells.push_back({wrap ? Wrap(a.strategy, 22) : a.strategy, at ? BudgetText(*at) : a.budget, a.router, n, gpus,
                     Values(doc, at), Values(doc, below), at ? Percent(at->token_hit_rate, 2) : "-",
                     at ? std::to_string(at->serve->rejected_requests) : "-", std::to_string(served)});
  }
  return cells;
}

const char* const kPlanNote =
    "at N / at N - 1: the SLO targets' values with the answer's replicas and with one fewer "
    "(> max: not met even with --max-replicas; the values then are at the maximum). rejected: "
    "requests larger than a replica's pool, at N. served: replica counts simulated.";

void PrintPlanTable(std::ostream& out, const RunDocument& doc) {
  const ServeSettings& s = *doc.serve;
  out << "workload  " << doc.workload.name << ": " << doc.workload.requests << " requests, arrivals x" << s.speedup
      << "\nreplica   " << doc.model.name << " on " << s.tp << " x " << s.gpu << ", " << s.admission
      << " admission\nSLO       " << SloText(doc) << "\n\n";
  const auto cells = PlanCells(doc, true);
  TextTable table(cells.front());
  for (size_t i = 1; i < cells.size(); ++i) table.Add(cells[i]);
  table.Print(out, 3);
  out << "\nat N / at N - 1: the SLO targets' values with the answer's replicas and with one fewer\n"
         "(> max: not met even with --max-replicas; the values then are at the maximum). rejected:\n"
         "requests larger than a replica's pool, at N. served: replica counts simulated.\n";
}

}  // namespace kvsim
