// Property tests over thousands of random workloads and budgets, for every index and every
// codec (issue: hardening). After every request of every row: tokens and bytes held within the
// budget, hit <= len(prompt) - 1; hits identical under the scalar and the SIMD kernels (codecs
// charge the bytes they encode, so kernels must agree to the byte); JSON identical across two
// runs and across thread counts; unbounded radix equal to the brute-force longest common prefix.
#include <doctest/doctest.h>

#include <random>

#include "kvsim/kernels.h"
#include "kvsim/probe.h"
#include "kvsim/run_document_json.h"
#include "kvsim/sweep.h"
#include "support/random_workload.h"
#include "support/small_probe.h"
#include "support/reference_indexes.h"

namespace kvsim {
namespace {

// A small model keeps codec measurement cheap; head_dim 64 exercises every codec's layout.
ModelProfile SmallModel() { return ModelProfile{"small", 2, 2, 64, 1e4}; }

std::vector<Strategy> EveryIndexTimesEveryCodec() {
  std::vector<Strategy> out;
  for (const auto& index : IndexEntries()) {
    for (const auto& codec : CodecEntries()) {
      out.push_back(ParseStrategy(index.name + "+" + codec.name));
    }
  }
  out.push_back(ParseStrategy("block-trie:block_size=3+q4:group_size=16"));
  out.push_back(ParseStrategy("two-tier:tail=8,store=q8"));
  out.push_back(ParseStrategy("radix+turboquant:key_bits=2,value_bits=3,key_mode=mse"));
  return out;
}

testing::RandomWorkloadOptions RandomShape(std::mt19937_64& rng) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  testing::RandomWorkloadOptions o;
  o.requests = pick(1, 40);
  o.alphabet = pick(1, 8);
  o.max_new = pick(0, 30);
  o.max_output = pick(0, 15);
  o.prefixes = pick(1, 4);
  o.prefix_len = pick(1, 40);
  return o;
}

// Token and byte budgets small enough to evict often, drawn per workload.
std::vector<BudgetSpec> RandomBudgets(std::mt19937_64& rng, uint64_t fp16_bytes) {
  auto pick = [&](uint64_t lo, uint64_t hi) {
    return std::uniform_int_distribution<uint64_t>(lo, hi)(rng);
  };
  return {ParseBudget(std::to_string(pick(1, 200)) + "tok"),
          ParseBudget(std::to_string(pick(1, 200) * fp16_bytes / pick(1, 8)) + "B"),
          ParseBudget("inf")};
}

TEST_CASE("thousands of random workloads: budgets hold after every request, hits are capped, "
          "unbounded radix equals brute force") {
  const ModelProfile model = SmallModel();
  const auto strategies = EveryIndexTimesEveryCodec();
  std::mt19937_64 rng(2026);
  const int kWorkloads = 3000;
  uint64_t checked_steps = 0, evictions = 0;
  for (int n = 0; n < kWorkloads; ++n) {
    auto w = testing::RandomWorkload(rng(), RandomShape(rng));
    const auto flat = testing::Flatten(*w);
    const auto budgets = RandomBudgets(rng, model.fp16_bytes_per_token());
    RunOptions o;
    o.model = model;
    o.record_hits = true;
    bool ok = true;
    std::string first_failure;
    std::vector<size_t> step(strategies.size() * budgets.size(), 0);
    o.on_step = [&](size_t row, uint64_t hit, uint64_t tokens, uint64_t bytes) {
      const BudgetSpec& b = budgets[row % budgets.size()];
      const size_t len = flat[step[row]].prompt.size();
      const bool good = hit <= (len == 0 ? 0 : len - 1) &&
                        (b.kind != BudgetSpec::Kind::kTokens || tokens <= b.value) &&
                        (b.kind != BudgetSpec::Kind::kBytes || bytes <= b.value);
      if (!good && ok) {
        first_failure = strategies[row / budgets.size()].text + " at " + b.text + ", request " +
                        std::to_string(step[row]) + ": hit " + std::to_string(hit) + ", tokens " +
                        std::to_string(tokens) + ", bytes " + std::to_string(bytes);
      }
      ok = ok && good;
      ++step[row];
      ++checked_steps;
    };
    const RunResult run = Replay(*w, strategies, budgets, o);
    REQUIRE_MESSAGE(ok, "workload " << n << ": " << first_failure);
    for (const auto& row : run.rows) evictions += row.evictions;
    // radix+fp32 at inf is row (index radix, codec fp32, budget inf)
    for (size_t i = 0; i < run.rows.size(); ++i) {
      const RowResult& r = run.rows[i];
      if (r.strategy.index == "radix" && r.budget_spec.kind == BudgetSpec::Kind::kInf) {
        REQUIRE(r.hits == testing::BruteForceUnbounded(flat));
      }
    }
  }
  MESSAGE(checked_steps << " request steps checked, " << evictions << " evictions");
  CHECK(evictions > 0);
}

TEST_CASE("hits are identical under the scalar and the SIMD kernels, for every codec") {
  const auto available = AvailableKernels();
  const std::string best = available.back();
  if (best == "scalar") return;  // nothing to compare on this machine
  const auto strategies = EveryIndexTimesEveryCodec();
  std::mt19937_64 rng(77);
  for (int n = 0; n < 300; ++n) {
    auto w = testing::RandomWorkload(rng(), RandomShape(rng));
    RunOptions o;
    o.model = SmallModel();
    o.record_hits = true;
    const auto budgets = RandomBudgets(rng, o.model.fp16_bytes_per_token());
    ForceKernels("scalar");
    const RunResult scalar = Replay(*w, strategies, budgets, o);
    ForceKernels(best);
    const RunResult simd = Replay(*w, strategies, budgets, o);
    for (size_t i = 0; i < scalar.rows.size(); ++i) {
      REQUIRE_MESSAGE(scalar.rows[i].hits == simd.rows[i].hits, scalar.rows[i].strategy.text);
      REQUIRE(scalar.rows[i].peak_bytes == simd.rows[i].peak_bytes);
    }
  }
  ForceKernels(best);
}

TEST_CASE("JSON is byte-identical across runs and across thread counts") {
  const auto strategies = EveryIndexTimesEveryCodec();
  std::mt19937_64 rng(99);
  for (int n = 0; n < 20; ++n) {
    auto w = testing::RandomWorkload(rng(), RandomShape(rng));
    RunOptions o;
    o.model = SmallModel();
    const auto budgets = RandomBudgets(rng, o.model.fp16_bytes_per_token());
    RunContext context;
    context.kernels = ActiveKernels().name;
    auto json = [&](size_t jobs) {
      SweepOptions s;
      s.jobs = jobs;
      RunResult run = Sweep(*w, strategies, budgets, o, s);
      ProbeAttention(*w, testing::SmallProbe(), o, &run);
      return ToJson(MakeRunDocument(w->info(), run, o, context)).dump(2);
    };
    const std::string one = json(1);
    CHECK(json(1) == one);
    CHECK(json(2) == one);
    CHECK(json(3) == one);
  }
}

}  // namespace
}  // namespace kvsim
