// kvsim serve under load on random workloads: after every event the pool holds at most its
// budget (pinned + cached), time never goes backwards, every admitted request completes, pins
// and reservations are all released at the end (lru-buckets' pins follow the entry they pinned
// through its replacements), and two runs give identical results.
#include <doctest/doctest.h>

#include "kvsim/run_document_json.h"
#include "kvsim/serve.h"
#include "support/random_workload.h"

namespace kvsim {
namespace {

struct Observed {
  uint64_t events = 0, completed = 0, over_budget = 0, backwards = 0;
  PoolSample last;
};

RunResult ServeLoaded(const Workload& w, const std::vector<Strategy>& strategies,
                      const std::vector<BudgetSpec>& budgets, std::vector<Observed>* seen) {
  RunOptions o;
  o.model = FindModel("llama-3-8b");
  ServeOptions s;
  s.max_num_seqs = 4;
  s.max_batched_tokens = 16;  // chunked prefill
  s.prefill_tps = 2000;       // slow enough that requests overlap
  s.decode_tps = 200;
  s.speedup = 50;
  seen->assign(strategies.size() * budgets.size(), Observed{});
  s.on_event = [seen](size_t row, const PoolSample& p) {
    Observed& x = (*seen)[row];
    ++x.events;
    x.backwards += p.time < x.last.time;
    x.over_budget += p.pool_tokens > 0 && p.pinned_tokens + p.cached_tokens > p.pool_tokens;
    x.last = p;
  };
  s.on_complete = [seen](size_t row, const RequestTiming& t) {
    Observed& x = (*seen)[row];
    ++x.completed;
    CHECK(t.arrival <= t.admitted);
    CHECK(t.admitted <= t.first_token);
    CHECK(t.first_token <= t.completed);
  };
  return Serve(w, strategies, budgets, o, s);
}

TEST_CASE("the pool never exceeds its budget and every admitted request completes") {
  const auto strategies =
      ParseStrategyList({"radix,block-trie:block_size=4,lru-buckets,belady:block_size=4,two-tier,turboquant"});
  const auto budgets = ParseBudgetList({"inf,300tok,120tok"});
  for (uint64_t seed : {4, 5}) {
    auto w = testing::RandomWorkload(seed);
    std::vector<Observed> seen;
    const RunResult r = ServeLoaded(*w, strategies, budgets, &seen);
    for (size_t i = 0; i < r.rows.size(); ++i) {
      const RowResult& row = r.rows[i];
      INFO("seed " << seed << ": " << row.strategy.text << " @ " << row.budget_spec.text);
      CHECK(seen[i].events > 0);
      CHECK(seen[i].backwards == 0);
      CHECK(seen[i].over_budget == 0);
      CHECK(seen[i].completed == row.requests);  // every admitted request completes
      CHECK(row.requests + row.serve->rejected_requests == w->info().requests);
      CHECK(seen[i].last.pinned_tokens == 0);  // pins and reservations all released
      CHECK(seen[i].last.running == 0);
      CHECK(seen[i].last.queued == 0);
      CHECK(row.serve->queue_wait.max > 0);  // it was under load
      CHECK(row.serve->preempted_requests == 0);
    }
    std::vector<Observed> again;
    const RunResult r2 = ServeLoaded(*w, strategies, budgets, &again);
    const RunContext context{"scalar", {}};
    RunOptions o;
    o.model = FindModel("llama-3-8b");
    CHECK(ToJson(MakeRunDocument(w->info(), r, o, context)).dump() ==
          ToJson(MakeRunDocument(w->info(), r2, o, context)).dump());
  }
}

}  // namespace
}  // namespace kvsim
