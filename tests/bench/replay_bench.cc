// Replay throughput of each index on a generated long-shared-prefix workload.
//   build/tests/bench/kvsim_bench --benchmark_filter=Replay
// Counters: prompt tokens per second (every index) and blocks touched per second (block-trie:
// each matched block plus each full block of each inserted sequence).
#include <benchmark/benchmark.h>

#include "bench_workloads.h"
#include "kvsim/replay.h"

namespace kvsim {
namespace {

const Workload& Shared() {
  static const auto w = bench::LongPrefixWorkload();
  return *w;
}

void Run(benchmark::State& state, const std::string& strategy, const std::string& budget) {
  const Workload& w = Shared();
  RunOptions o;
  o.model = FindModel("llama-3-8b");
  const auto strategies = std::vector<Strategy>{ParseStrategy(strategy)};
  const auto budgets = std::vector<BudgetSpec>{ParseBudget(budget)};
  const bool block_trie = strategies[0].index == "block-trie";
  const uint64_t b =
      block_trie ? static_cast<uint64_t>(strategies[0].index_options.Int("block_size")) : 1;
  uint64_t inserted = 0;  // full blocks of every inserted sequence, per replay
  for (auto stream = w.Open(); const Request* r = stream->Next();) inserted += r->tokens.size() / b;
  uint64_t blocks = 0;
  for (auto _ : state) {
    const RunResult run = Replay(w, strategies, budgets, o);
    benchmark::DoNotOptimize(run.rows[0].hit_tokens);
    blocks += run.rows[0].hit_tokens / b + inserted;
  }
  const double iters = static_cast<double>(state.iterations());
  state.counters["prompt_tok/s"] = benchmark::Counter(
      iters * static_cast<double>(w.info().prompt_tokens), benchmark::Counter::kIsRate);
  if (block_trie) {
    state.counters["blocks/s"] =
        benchmark::Counter(static_cast<double>(blocks), benchmark::Counter::kIsRate);
  }
}

void BM_ReplayRadixInf(benchmark::State& s) { Run(s, "radix", "inf"); }
void BM_ReplayRadix25(benchmark::State& s) { Run(s, "radix", "2Mtok"); }
void BM_ReplayBlockTrieInf(benchmark::State& s) { Run(s, "block-trie", "inf"); }
void BM_ReplayBlockTrie25(benchmark::State& s) { Run(s, "block-trie", "2Mtok"); }
void BM_ReplayLruBucketsInf(benchmark::State& s) { Run(s, "lru-buckets", "inf"); }

BENCHMARK(BM_ReplayRadixInf)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReplayRadix25)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReplayBlockTrieInf)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReplayBlockTrie25)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReplayLruBucketsInf)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace kvsim

BENCHMARK_MAIN();
