// kvsim plan: SLO parsing, and the planner's answers re-checked by serving the workload directly
// at N and N - 1.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "kvsim/error.h"
#include "kvsim/plan.h"
#include "kvsim/run_document_json.h"
#include "support/random_workload.h"

namespace kvsim {
namespace {

TEST_CASE("SLO targets parse with units and reject what they cannot name") {
  const auto slo = ParseSlo("ttft_p99=2s,tpot_p50=50ms,e2e_max=1500us,queue_wait_mean=0.25");
  REQUIRE(slo.size() == 4);
  CHECK(slo[0] == SloTarget{"ttft_p99", 2});
  CHECK(slo[1].seconds == doctest::Approx(0.05));
  CHECK(slo[2].seconds == doctest::Approx(0.0015));
  CHECK(slo[3] == SloTarget{"queue_wait_mean", 0.25});
  for (const char* bad : {"", "ttft=2s", "ttft_p95=2s", "latency_p99=1s", "ttft_p99", "ttft_p99=-1s",
                          "ttft_p99=2h", "ttft_p99=1s,ttft_p99=2s", "ttft_p99=nan"}) {
    INFO(bad);
    CHECK_THROWS_AS(ParseSlo(bad), Error);
  }
  ServeFigures f;
  f.ttft.p99 = 1.5;
  CHECK(MeetsSlo({{"ttft_p99", 2}}, f));
  CHECK(!MeetsSlo({{"ttft_p99", 1}}, f));
  f.rejected_requests = 1;
  CHECK(!MeetsSlo({{"ttft_p99", 2}}, f));
}

RunOptions Llama() {
  RunOptions o;
  o.model = FindModel("llama-3-8b");
  return o;
}

// Exact time, slow enough that one replica queues.
ServeOptions Slow() {
  ServeOptions s;
  s.prefill_tps = 2000;
  s.decode_tps = 50;
  s.max_num_seqs = 4;
  s.speedup = 20;
  return s;
}

bool ServedMeets(const Workload& w, const Strategy& s, const BudgetSpec& b, const std::string& router,
                 uint32_t n, const std::vector<SloTarget>& slo) {
  ServeOptions o = Slow();
  o.replicas = n;
  o.routers = {router};
  return MeetsSlo(slo, *Serve(w, {s}, {b}, Llama(), o).rows[0].serve);
}

TEST_CASE("the planner's answer meets the SLO and one replica fewer does not, served directly") {
  auto w = testing::RandomWorkload(11);
  const Strategy radix = ParseStrategy("radix");
  const BudgetSpec budget = ParseBudget("inf");
  PlanOptions plan;
  ServeOptions one = Slow();
  one.routers = {"round-robin"};
  const double single = Serve(*w, {radix}, {budget}, Llama(), one).rows[0].serve->ttft.p99;
  plan.slo = {{"ttft_p99", single / 3}};
  for (const std::string router : {"round-robin", "session", "kv-aware"}) {
    INFO(router);
    const PlanAnswer a = PlanReplicas(*w, radix, budget, router, Llama(), Slow(), plan);
    REQUIRE(a.replicas.has_value());
    CHECK(*a.replicas > 1);
    CHECK(ServedMeets(*w, radix, budget, router, *a.replicas, plan.slo));
    CHECK(!ServedMeets(*w, radix, budget, router, *a.replicas - 1, plan.slo));
    for (const PlanProbe& p : a.probes) CHECK(p.meets == MeetsSlo(plan.slo, *p.row.serve));
  }
  plan.max_replicas = 2;
  plan.slo = {{"ttft_p99", 1e-9}};
  const PlanAnswer none = PlanReplicas(*w, radix, budget, "round-robin", Llama(), Slow(), plan);
  CHECK(!none.replicas.has_value());
  REQUIRE(!none.probes.empty());
  CHECK(none.probes.back().replicas == 2);
}

TEST_CASE("a plan document reads back as it was written") {
  RunDocument d;
  d.version = "test";
  d.kernels = "scalar";
  d.serve = ServeSettings{};
  PlanFacts p;
  p.slo = {{"ttft_p99", 2.0}, {"tpot_p99", 0.05}};
  p.max_replicas = 64;
  p.answers = {{0, "radix", "10%", "session", 4}, {1, "radix", "10%", "round-robin", std::nullopt}};
  d.plan = p;
  const auto json = ToJson(d);
  const RunDocument back = ReadRunDocument(json, "plan.json");
  REQUIRE(back.plan.has_value());
  CHECK(*back.plan == p);
  CHECK(ToJson(back).dump() == json.dump());
}

}  // namespace
}  // namespace kvsim
