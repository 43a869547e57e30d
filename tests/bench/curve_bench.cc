// The exact hit-rate curve against the replays it replaces, in one run: the full Mooncake
// conversation trace (12,031 requests, 145 M prompt tokens) at block_size=16.
//   build/tests/bench/kvsim_curve_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
// BM_ReplayInf: one unbounded block-trie replay. BM_Curve: the whole curve (every capacity).
// BM_Replay7: seven budgets replayed, a cache each. BM_CurveRows7: the same seven rows from one
// stack pass (what `kvsim sweep` does). The working set is given to all, so that none replays
// the hidden radix row that finds it.
#include <benchmark/benchmark.h>

#include "kvsim/curve_run.h"
#include "kvsim/replay.h"

namespace kvsim {
namespace {

const Workload& Mooncake() {
  static const auto w = LoadWorkload(KVSIM_SOURCE_DIR "/workloads/mooncake/conversation_trace.jsonl");
  return *w;
}

RunOptions Options(bool curve_rows) {
  RunOptions o;
  o.model = FindModel("llama-3-8b");
  o.working_set_tokens = 94'820'000;  // any value: no budget here is a share of it
  o.curve_rows = curve_rows;
  return o;
}

const std::vector<BudgetSpec>& SevenBudgets() {
  static const auto b = ParseBudgetList({"1Mtok,2Mtok,4Mtok,8Mtok,16Mtok,32Mtok,64Mtok"});
  return b;
}

void Count(benchmark::State& state) {
  state.counters["requests/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(Mooncake().info().requests),
      benchmark::Counter::kIsRate);
}

void BM_ReplayInf(benchmark::State& state) {
  const auto s = ParseStrategy("block-trie");
  for (auto _ : state) {
    benchmark::DoNotOptimize(Replay(Mooncake(), {s}, {BudgetSpec::Unbounded()}, Options(false)));
  }
  Count(state);
}

void BM_Curve(benchmark::State& state) {
  const auto s = ParseStrategy("block-trie");
  for (auto _ : state) benchmark::DoNotOptimize(ComputeCurves(Mooncake(), {s}, Options(false), {}));
  Count(state);
}

void BM_Replay7(benchmark::State& state) {
  const auto s = ParseStrategy("block-trie");
  for (auto _ : state) benchmark::DoNotOptimize(Replay(Mooncake(), {s}, SevenBudgets(), Options(false)));
  Count(state);
}

void BM_CurveRows7(benchmark::State& state) {
  const auto s = ParseStrategy("block-trie");
  for (auto _ : state) benchmark::DoNotOptimize(Replay(Mooncake(), {s}, SevenBudgets(), Options(true)));
  Count(state);
}

BENCHMARK(BM_ReplayInf)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_Curve)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_Replay7)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_CurveRows7)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace kvsim

BENCHMARK_MAIN();
