// `kvsim serve`'s event loop against `kvsim run`'s replay of the same points, in one run: the full
// Mooncake conversation trace (12,031 requests, 145 M prompt tokens) through one H100 replica
// with radix at 10 Mtok, and the generated long-prefix chat workload (closed loop).
//   build/tests/bench/kvsim_serve_bench
// Counters: requests simulated per second. The serve figure includes its own idle replay (the
// pooled hit rate), so serve / run is the cost of simulating time on top of the replay.
#include <benchmark/benchmark.h>

#include "bench_workloads.h"
#include "kvsim/replay.h"
#include "kvsim/serve.h"

namespace kvsim {
namespace {

const Workload& Mooncake() {
  static const auto w = LoadWorkload(KVSIM_SOURCE_DIR "/workloads/mooncake/conversation_trace.jsonl");
  return *w;
}

const Workload& LongPrefix() {
  static const auto w = bench::LongPrefixWorkload(500);
  return *w;
}

template <typename Fn>
void Measure(benchmark::State& state, const Workload& w, Fn fn) {
  RunOptions o;
  o.model = FindModel("llama-3-8b");
  for (auto _ : state) benchmark::DoNotOptimize(fn(w, o).rows[0].hit_tokens);
  state.counters["requests/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(w.info().requests),
      benchmark::Counter::kIsRate);
}

RunResult RunRadix(const Workload& w, const RunOptions& o, const char* budget) {
  return Replay(w, {ParseStrategy("radix")}, {ParseBudget(budget)}, o);
}

RunResult ServeRadix(const Workload& w, const RunOptions& o, const char* budget) {
  ServeOptions s;
  s.gpu = FindGpu("h100");
  s.max_num_seqs = 1024;  // kvsim serve's defaults on h100 (vLLM V1's)
  s.max_batched_tokens = 8192;
  return Serve(w, {ParseStrategy("radix")}, {ParseBudget(budget)}, o, s);
}

void BM_RunMooncake(benchmark::State& s) {
  Measure(s, Mooncake(), [](const Workload& w, const RunOptions& o) { return RunRadix(w, o, "10Mtok"); });
}
void BM_ServeMooncake(benchmark::State& s) {
  Measure(s, Mooncake(), [](const Workload& w, const RunOptions& o) { return ServeRadix(w, o, "10Mtok"); });
}
void BM_RunLongPrefix(benchmark::State& s) {
  Measure(s, LongPrefix(), [](const Workload& w, const RunOptions& o) { return RunRadix(w, o, "2Mtok"); });
}
void BM_ServeLongPrefix(benchmark::State& s) {
  Measure(s, LongPrefix(), [](const Workload& w, const RunOptions& o) { return ServeRadix(w, o, "2Mtok"); });
}

BENCHMARK(BM_RunMooncake)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_ServeMooncake)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_RunLongPrefix)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ServeLongPrefix)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace kvsim

BENCHMARK_MAIN();
