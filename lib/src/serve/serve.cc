// `kvsim serve`'s driver: arrivals into one replica per strategy x budget, steps until every
// request completed, and the row's latency figures (see kvsim/serve.h).
#include "kvsim/serve.h"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "kvsim/cancel.h"
#include "kvsim/error.h"
#include "replica.h"
#include "tier/tier_rows.h"
#include "router.h"
#include "simulation.h"

namespace kvsim {

Latency Latency::Of(std::vector<double> v) {
  Latency l;
  if (v.empty()) return l;
  std::sort(v.begin(), v.end());
  double sum = 0;
  for (double x : v) sum += x;
  l.mean = sum / static_cast<double>(v.size());
  const auto rank = [&](double p) {
    const size_t k = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size())));
    return v[std::min(v.size(), std::max<size_t>(k, 1)) - 1];
  };
  l.p50 = rank(0.5);
  l.p90 = rank(0.9);
  l.p99 = rank(0.99);
  l.max = v.back();
  return l;
}

namespace {

void CheckServeOptions(const ServeOptions& s, const ModelProfile& m) {
  if (s.max_num_seqs < 1) throw Error("--max-num-seqs must be at least 1");
  if (s.max_batched_tokens < 1) throw Error("--max-batched-tokens must be at least 1");
  if (!(s.speedup > 0) || std::isinf(s.speedup)) throw Error("--speedup must be a positive number");
  const bool exact = s.prefill_tps > 0 && s.decode_tps > 0;
  if (!exact && (m.parameters <= 0 || m.attention_heads == 0)) {
    throw Error("model '" + m.name + "' has no parameter count or attention heads for the step-time "
                "model; give --prefill-tps and --decode-tps");
  }
  if (!exact && s.gpu.bf16_flops <= 0) throw Error("--gpu: no GPU profile given");
  if (s.replicas < 1) throw Error("--replicas must be at least 1");
  if (s.routers.empty()) throw Error("--router: no router given");
}

// The budgets of one pool as large as `replicas` pools of each budget: what routing is
// measured against.
std::vector<BudgetSpec> PooledBudgets(const std::vector<BudgetSpec>& budgets, uint64_t replicas) {
  std::vector<BudgetSpec> pooled = budgets;
  for (BudgetSpec& b : pooled) {
    b.value *= replicas;
    b.num *= replicas;
    if (replicas > 1) b.text = std::to_string(replicas) + " x " + b.text;
  }
  return pooled;
}

// The KV block kv-aware counts in: the index's block when it has one, else vLLM's default 16.
uint64_t RouterBlockSize(const Strategy& strategy) {
  for (const OptionValue& v : strategy.index_options.values()) {
    if (v.name == "block_size") return static_cast<uint64_t>(v.int_value);
  }
  return 16;
}

// Counts completed requests over every row for the progress line.
std::function<void()> ProgressOf(const RunOptions& run, uint64_t total) {
  if (!run.progress) return nullptr;
  return [&run, total, done = uint64_t{0}]() mutable {
    if ((++done & 1023) == 0 || done == total) run.progress(done, total);
  };
}

// The fleet's tiers as one: counts and link seconds summed, peaks the largest replica's, and
// each tier's break-even context on the replicas' step-time model.
void AddTierFigures(const std::vector<Replica*>& replicas, const ServeOptions& serve,
                    const RunOptions& run, RowResult* row) {
  const StepTimeModel model(serve.gpu, serve.tp, run.model, serve.prefill_tps, serve.decode_tps,
                            serve.efficiency);
  for (const Replica* replica : replicas) {
    const TierStack& t = *replica->tiers();
    if (row->tiers.empty()) {
      row->tiers = t.Figures();
      row->bytes_moved = t.Moves();
      continue;
    }
    const std::vector<TierFigures> f = t.Figures();
    for (size_t i = 0; i < f.size(); ++i) {
      TierFigures& sum = row->tiers[i];
      sum.hit_tokens += f[i].hit_tokens;
      sum.evictions += f[i].evictions;
      sum.recomputed_tokens += f[i].recomputed_tokens;
      sum.load_seconds += f[i].load_seconds;
      sum.peak_tokens = std::max(sum.peak_tokens, f[i].peak_tokens);
      sum.peak_bytes = std::max(sum.peak_bytes, f[i].peak_bytes);
    }
    const std::vector<TierMove> m = t.Moves();
    for (size_t i = 0; i < m.size(); ++i) row->bytes_moved[i].bytes += m[i].bytes;
  }
  for (TierFigures& t : row->tiers) {
    t.break_even_context = model.BreakEvenContext(static_cast<double>(t.bytes_per_token) /
                                                  (t.bandwidth_gbps * 1e9));
  }
}

// One row: a fleet of replicas of one strategy and budget behind one router.
RowResult ServeRow(const Workload& workload, const Strategy& strategy, const Budget& budget,
                   const TokenCost& cost, const std::string& router, size_t slot, const RunOptions& run,
                   const ServeOptions& serve, const std::function<void()>& progress,
                   WorkloadMemo* memo, uint64_t working_set, CodecSet* codecs) {
  RowResult row;
  row.strategy = strategy;
  row.budget = budget;
  row.cost = cost;
  const bool sessions = !workload.info().session_names.empty();
  RowTally tally(&row, sessions, run.record_hits);
  std::vector<std::unique_ptr<Replica>> fleet;
  std::vector<Replica*> replicas;
  for (uint32_t i = 0; i < serve.replicas; ++i) {
    fleet.push_back(std::make_unique<Replica>(
        strategy, budget, cost, run, serve, IndexContext{&workload, run.cache_output, memo}, &tally,
        MakeTierStack(strategy, budget, working_set, run, codecs)));
    replicas.push_back(fleet.back().get());
  }
  const auto route = MakeRouter(router, serve.replicas, sessions, RouterBlockSize(strategy));
  ServeFigures figures = Simulation(workload, replicas, route.get(), serve, slot, progress).Run();
  figures.router = router;
  figures.gpu = serve.prefill_tps > 0 && serve.decode_tps > 0 ? "exact" : serve.gpu.name;
  uint64_t evictions = 0;
  for (const Replica* r : replicas) evictions += r->ledger().evictions();
  tally.Finish(evictions, run.model.fp16_bytes_per_token());
  if (!run.tiers.empty()) AddTierFigures(replicas, serve, run, &row);
  row.serve = std::move(figures);
  return row;
}

}  // namespace

RunResult Serve(const Workload& workload, const std::vector<Strategy>& strategies,
                const std::vector<BudgetSpec>& budgets, const RunOptions& run,
                const ServeOptions& serve) {
  CheckServeOptions(serve, run.model);
  for (const std::string& router : serve.routers) MakeRouter(router, serve.replicas, false, 16);
  // The same points replayed without time, one pool of replicas x budget each: the hit rate a
  // pooled idle cache gets.
  WorkloadMemo memo;  // belady's future, made once for every row and replica
  RunOptions idle = run;
  if (idle.memo == nullptr) idle.memo = &memo;
  idle.progress = nullptr;
  idle.record_hits = false;
  RunResult pooled;
  if (serve.pooled) {
    pooled = Replay(workload, strategies, PooledBudgets(budgets, serve.replicas), idle);
  } else if (run.working_set_tokens) {
    pooled.working_set_tokens = *run.working_set_tokens;
  } else if (NeedsWorkingSet(budgets) || TiersNeedWorkingSet(run.tiers)) {
    pooled.working_set_tokens = WorkingSetTokens(workload, run.cache_output);
  }
  CodecSet own(run.model.head_dim, run.seed);
  CodecSet& codecs = run.codecs != nullptr ? *run.codecs : own;
  const uint64_t fp16 = run.model.fp16_bytes_per_token();
  const size_t rows = strategies.size() * budgets.size() * serve.routers.size();
  const auto progress = ProgressOf(run, workload.info().requests * rows);
  RunResult out;
  out.working_set_tokens = pooled.working_set_tokens;
  for (size_t s = 0; s < strategies.size(); ++s) {
    const TokenCost cost = codecs.Cost(strategies[s].codec, strategies[s].codec_options, run.model);
    for (size_t b = 0; b < budgets.size(); ++b) {
      const Budget budget = ResolveBudget(budgets[b], pooled.working_set_tokens, fp16);
      const RowResult idle_row = serve.pooled ? pooled.rows[s * budgets.size() + b] : RowResult{};
      for (const std::string& router : serve.routers) {
        const size_t slot = out.rows.size();
        out.rows.push_back(ServeRow(workload, strategies[s], budget, cost, router, slot, run, serve,
                                    progress, idle.memo, pooled.working_set_tokens, &codecs));
        RowResult& row = out.rows.back();
        row.budget_spec = budgets[b];
        row.point = slot;
        row.serve->pooled_token_hit_rate =
            idle_row.prompt_tokens == 0
                ? 0 : static_cast<double>(idle_row.hit_tokens) / static_cast<double>(idle_row.prompt_tokens);
      }
    }
  }
  return out;
}

}  // namespace kvsim
