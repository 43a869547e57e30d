// The replica search of `kvsim plan` (see kvsim/plan.h).
#include <algorithm>
#include <cmath>
#include <map>

#include "kvsim/error.h"
#include "kvsim/plan.h"

namespace kvsim {
namespace {

class Search {
 public:
  Search(const Workload& w, const Strategy& s, const BudgetSpec& b, const std::string& router,
         const RunOptions& run, ServeOptions serve, const PlanOptions& plan)
      : w_(w), strategy_(s), budget_(b), run_(run), serve_(std::move(serve)), plan_(plan) {
    serve_.routers = {router};
    serve_.pooled = false;
    answer_.strategy = s.text;
    answer_.router = router;
    answer_.budget_spec = b.text;
  }

  bool Meets(uint32_t n) {
    if (const auto it = probes_.find(n); it != probes_.end()) return it->second.meets;
    serve_.replicas = n;
    RunResult r = Serve(w_, {strategy_}, {budget_}, run_, serve_);
    PlanProbe p;
    p.replicas = n;
    p.row = std::move(r.rows.front());
    p.meets = MeetsSlo(plan_.slo, *p.row.serve);
    answer_.budget = p.row.budget;
    const bool meets = p.meets;
    probes_[n] = std::move(p);
    if (plan_.on_probe) plan_.on_probe(n, meets);
    return meets;
  }

  // Doubles until the SLO is met, then bisects: the answer meets it and one fewer does not.
  PlanAnswer Run() {
    uint32_t lo = 0, hi = 1;
    while (!Meets(hi)) {
      if (hi >= plan_.max_replicas) return Answer();
      lo = hi;
      hi = std::min<uint32_t>(2 * hi, plan_.max_replicas);
    }
    while (hi - lo > 1) {
      const uint32_t mid = lo + (hi - lo) / 2;
      (Meets(mid) ? hi : lo) = mid;
    }
    answer_.replicas = hi;
    return Answer();
  }

 private:
  PlanAnswer Answer() {
    for (auto& [n, p] : probes_) answer_.probes.push_back(std::move(p));
    return std::move(answer_);
  }

  const Workload& w_;
  const Strategy& strategy_;
  const BudgetSpec& budget_;
  const RunOptions& run_;
  ServeOptions serve_;
  const PlanOptions& plan_;
  std::map<uint32_t, PlanProbe> probes_;
  PlanAnswer answer_;
};

}  // namespace

PlanAnswer PlanReplicas(const Workload& workload, const Strategy& strategy, const BudgetSpec& budget,
                        const std::string& router, const RunOptions& run, ServeOptions serve,
                        const PlanOptions& plan) {
  if (plan.slo.empty()) throw Error("--slo: no target given");
  if (plan.max_replicas < 1) throw Error("--max-replicas must be at least 1");
  return Search(workload, strategy, budget, router, run, std::move(serve), plan).Run();
}

BudgetSpec ReplicaPool(const GpuProfile& gpu, uint32_t tp, const ModelProfile& model) {
  const double pool = gpu.memory_bytes * tp * 0.9 - 2 * model.parameters;
  if (!(pool >= 1)) {
    throw Error("the " + model.name + " weights leave no KV memory on " + std::to_string(tp) + " x " +
                gpu.name + "; give --budget or a larger --tp");
  }
  BudgetSpec b;
  b.kind = BudgetSpec::Kind::kBytes;
  b.value = static_cast<uint64_t>(std::floor(pool));
  b.text = FormatBytes(static_cast<double>(b.value));
  return b;
}

}  // namespace kvsim
