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

void PrintPlanTable(std::ostream& out, const RunDocument& doc) {
  const ServeSettings& s = *doc.serve;
  std::string slo;
  for (const auto& [name, seconds] : doc.plan->slo) slo += (slo.empty() ? "" : ", ") + name + " <= " + Seconds(seconds);
  out << "workload  " << doc.workload.name << ": " << doc.workload.requests << " requests, arrivals x" << s.speedup
      << "\nreplica   " << doc.model.name << " on " << s.tp << " x " << s.gpu << ", " << s.admission
      << " admission\nSLO       " << slo << " (and no request rejected)\n\n";
  TextTable table({"strategy", "budget/replica", "router", "replicas", "GPUs", "at N", "at N - 1", "hit rate", "served"});
  for (const PlanChoice& a : doc.plan->answers) {
    std::string n = "none", gpus = "-";
    const DocumentRow* at = nullptr;
    const DocumentRow* below = nullptr;
    if (a.replicas) {
      n = std::to_string(*a.replicas);
      gpus = std::to_string(*a.replicas * s.tp);
      at = FindPlanProbe(doc, a, *a.replicas);
      below = FindPlanProbe(doc, a, *a.replicas - 1);
    } else {
      n = "> " + std::to_string(doc.plan->max_replicas);
      at = FindPlanProbe(doc, a, doc.plan->max_replicas);
    }
    size_t served = 0;
    for (const DocumentRow& r : doc.rows) served += r.point == a.point;
    table.Add({Wrap(a.strategy, 22), at ? BudgetText(*at) : a.budget, a.router, n, gpus, Values(doc, at),
               Values(doc, below), at ? Percent(at->token_hit_rate, 2) : "-", std::to_string(served)});
  }
  table.Print(out, 3);
  out << "\nat N / at N - 1: the SLO targets' values with the answer's replicas and with one fewer\n"
         "(none: not met even with --max-replicas). served: replica counts simulated.\n";
}

}  // namespace kvsim
