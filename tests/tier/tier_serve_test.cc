// Memory tiers under kvsim serve: at infinite speed the tiers hit as in kvsim run; a load is
// taken only when it beats recomputing; TTFT includes the load, exactly, with and without
// layer-by-layer overlap.
#include <doctest/doctest.h>

#include <limits>

#include "kvsim/memory_tiers.h"
#include "kvsim/serve.h"
#include "kvsim/step_time.h"
#include "support/random_workload.h"

namespace kvsim {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

RunOptions Tiered(const std::vector<std::string>& tiers) {
  RunOptions o;
  o.model = FindModel("llama-3-8b");
  o.record_hits = true;
  o.tiers = ParseTierSpecs(tiers);
  return o;
}

TEST_CASE("serve at infinite speed hits in every tier as kvsim run") {
  ServeOptions s;
  s.prefill_tps = kInf;
  s.decode_tps = kInf;
  const auto strategies = ParseStrategyList({"radix,block-trie:block_size=4,lru-buckets,belady:block_size=4,radix+q4"});
  const auto budgets = ParseBudgetList({"400tok,10%"});
  for (const uint64_t seed : {1, 2}) {
    const auto w = testing::RandomWorkload(seed);
    for (const auto& tiers : std::vector<std::vector<std::string>>{
             {"host:2x"}, {"host:1x:mode=exclusive", "disk:3x:codec=q8"}}) {
      const RunOptions o = Tiered(tiers);
      const RunResult run = Replay(*w, strategies, budgets, o);
      const RunResult served = Serve(*w, strategies, budgets, o, s);
      REQUIRE(served.rows.size() == run.rows.size());
      for (size_t i = 0; i < run.rows.size(); ++i) {
        const RowResult &a = served.rows[i], &b = run.rows[i];
        CAPTURE(seed);
        CAPTURE(tiers.front());
        INFO(b.strategy.text << " @ " << b.budget_spec.text);
        CHECK(a.hits == b.hits);
        CHECK(a.tiers == b.tiers);
        CHECK(a.bytes_moved == b.bytes_moved);
      }
    }
  }
}

TEST_CASE("break-even: loading a token pays from the context where recomputing it costs more") {
  const ModelProfile m = FindModel("llama-3-8b");
  const StepTimeModel model(FindGpu("h100"), 1, m, 0, 0);
  for (const double seconds : {1e-6, 5.2e-6, 2.6e-5, 1e-4}) {
    const auto p = model.BreakEvenContext(seconds);
    REQUIRE(p.has_value());
    CAPTURE(seconds);
    if (*p == 0) {
      CHECK(model.PrefillComputeSeconds(0, 1) >= seconds);
      continue;
    }
    const auto at = static_cast<uint64_t>(*p);
    CHECK(model.PrefillComputeSeconds(at, 1) <= seconds);
    CHECK(model.PrefillComputeSeconds(at + 1, 1) >= seconds);
  }
  const StepTimeModel exact(FindGpu("h100"), 1, m, 1000, 0);
  CHECK(exact.BreakEvenContext(1e-4) == 0.0);        // a token recomputes in 1 ms
  CHECK(!exact.BreakEvenContext(1e-2).has_value());  // loading it takes 10 ms: never
}

// A: prompt P (1024 tokens); C: a 1088-token prompt that pushes P out of a GPU of 1100 tokens
// (68 blocks) into the host tier; B: P and 16 tokens more, long after. B loads 1024 tokens from the
// host (0.5 s at the bandwidth chosen) or recomputes them (1.024 s at 1000 tokens/s).
struct LoadCase {
  double bandwidth_gbps;
  bool overlap;
  double ttft;  // B's, exactly
  uint64_t host_hits;
};

TEST_CASE("TTFT includes the load from a lower tier, and a load that would be slower is skipped") {
  std::vector<OwnedRequest> reqs(3);
  for (Token t = 0; t < 1024; ++t) reqs[0].prompt.push_back(t);
  for (Token t = 0; t < 1088; ++t) reqs[1].prompt.push_back(5000 + t);
  reqs[0].output = {1};
  reqs[1].output = {2};
  reqs[1].time = 10;
  reqs[2].time = 20;
  reqs[2].prompt = reqs[0].prompt;
  for (Token t = 0; t < 16; ++t) reqs[2].prompt.push_back(9000 + t);
  reqs[2].output = {3};
  const auto w = MakeWorkload(reqs, "loads");
  const double bytes = 1024.0 * 131072;
  const double half_second = bytes / 0.5 / 1e9;
  for (const LoadCase& c : {LoadCase{half_second, false, 0.5 + 0.016, 1024},
                            LoadCase{half_second, true, 0.5 + 0.016 / 32, 1024},
                            LoadCase{half_second / 4, false, 1.040, 0}}) {
    CAPTURE(c.bandwidth_gbps);
    CAPTURE(c.overlap);
    char bw[64];
    std::snprintf(bw, sizeof bw, "host:3000tok:bw=%.17g", c.bandwidth_gbps);
    const RunOptions o = Tiered({bw});
    ServeOptions s;
    s.prefill_tps = 1000;
    s.decode_tps = kInf;
    s.tier_overlap = c.overlap;
    double ttft = -1;
    s.on_complete = [&](size_t, const RequestTiming& t) {
      if (t.position == 2) ttft = t.first_token - t.arrival;
    };
    const RunResult r = Serve(*w, ParseStrategyList({"block-trie"}), {ParseBudget("1100tok")}, o, s);
    const TierFigures& host = r.rows.at(0).tiers.at(0);
    CHECK(ttft == doctest::Approx(c.ttft).epsilon(1e-9));
    CHECK(host.hit_tokens == c.host_hits);
    CHECK(host.recomputed_tokens == 1024 - c.host_hits);
    CHECK(r.rows.at(0).hits.at(2) == c.host_hits);
  }
}

}  // namespace
}  // namespace kvsim
