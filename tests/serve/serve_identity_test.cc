// kvsim serve at infinite speed is kvsim run: every hit count equal, on random workloads, for
// every index and codec at budgets in tokens and in bytes (a request's whole life is one
// instant, and the pool settles when the instant closes, as run evicts after its insert).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "kvsim/serve.h"
#include "support/random_workload.h"

namespace kvsim {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

ServeOptions Instant() {
  ServeOptions s;
  s.prefill_tps = kInf;
  s.decode_tps = kInf;
  return s;
}

TEST_CASE("at infinite speed every request completes at its arrival and hits as in kvsim run") {
  for (uint64_t seed : {1, 2, 3}) {
    auto w = testing::RandomWorkload(seed);
    RunOptions o;
    o.model = FindModel("llama-3-8b");
    o.record_hits = true;
    const auto strategies = ParseStrategyList({"radix,block-trie:block_size=4,lru-buckets,lru-buckets:max_entries=3,belady:block_size=4,"
                                                    "two-tier,two-tier:tail=8,turboquant,block-trie+q4,radix+q8,belady+two-tier"});
    const auto budgets = ParseBudgetList({"inf,400tok,40%,25%,10%,60MB"});
    const RunResult run = Replay(*w, strategies, budgets, o);
    ServeOptions s = Instant();
    s.on_complete = [](size_t, const RequestTiming& t) {
      CHECK(t.completed == t.arrival);
      CHECK(t.first_token == t.arrival);
    };
    const RunResult served = Serve(*w, strategies, budgets, o, s);
    REQUIRE(served.rows.size() == run.rows.size());
    for (size_t i = 0; i < run.rows.size(); ++i) {
      const RowResult &a = served.rows[i], &b = run.rows[i];
      INFO("seed " << seed << ": " << b.strategy.text << " @ " << b.budget_spec.text);
      CHECK(a.serve->rejected_requests == 0);
      size_t first = 0;
      while (first < b.hits.size() && first < a.hits.size() && a.hits[first] == b.hits[first]) ++first;
      INFO("first differing request: " << first);
      CHECK(a.hit_tokens == b.hit_tokens);
      CHECK(a.hit_requests == b.hit_requests);
      CHECK(a.requests == b.requests);
      CHECK(a.evictions == b.evictions);
      CHECK(a.peak_tokens == b.peak_tokens);
      CHECK(a.serve->pooled_token_hit_rate ==
            static_cast<double>(b.hit_tokens) / static_cast<double>(b.prompt_tokens));
    }
  }
}

}  // namespace
}  // namespace kvsim
