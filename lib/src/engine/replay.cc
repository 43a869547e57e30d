// The replay loop (docs/contract.md, "The replay"), shared by every index and codec: libCacheSim's single access loop,
// with the index and the codec as hooks.
#include "kvsim/cancel.h"
#include "kvsim/replay.h"

#include <cassert>

#include "kvsim/codec.h"
#include "kvsim/error.h"
#include "kvsim/index.h"
#include "kvsim/sweep.h"
#include "curve/stack_passes.h"
#include "curve/stack_row.h"
#include "engine/row_tally.h"
#include "tier/tier_rows.h"

namespace kvsim {
namespace {

// A row of the replay: a strategy at a budget, stepped request by request.
class PointRow {
 public:
  virtual ~PointRow() = default;
  virtual uint64_t Step(const Request& r, Tick now) = 0;
  virtual uint64_t tokens_held() const = 0;
  virtual uint64_t bytes_held() const = 0;
  virtual RowResult Finish() = 0;
};

// A row with its own cache: the index and the ledger, and the memory tiers below them if any.
class Row final : public PointRow {
 public:
  Row(const Strategy& strategy, const BudgetSpec& spec, const Budget& budget, const TokenCost& cost,
      const RunOptions& options, bool by_session, const IndexContext& context,
      std::unique_ptr<TierStack> tiers = nullptr)
      : ledger_(budget, cost),
        index_(MakeIndex(strategy.index, strategy.index_options, &ledger_, context)),
        tiers_(std::move(tiers)),
        options_(options),
        result_(EmptyRow(strategy, spec, budget, cost)),
        tally_(&result_, by_session, options.record_hits) {
    if (tiers_) index_->set_eviction_sink(tiers_.get());
  }

  uint64_t Step(const Request& r, Tick now) override {
    const TokenSpan seq = options_.cache_output ? r.tokens : r.prompt();
    uint64_t hit = index_->Match(r, now);
    if (tiers_) hit = tiers_->Extend(seq, r.prompt_len, hit);
    assert(hit <= (r.prompt_len == 0 ? 0 : r.prompt_len - 1));
    index_->Insert(r, seq, now);
    if (tiers_) tiers_->Written(seq);
    while (ledger_.OverBudget() && index_->EvictOne()) {
    }
    assert(!ledger_.OverBudget());
    if (tiers_) {
      tiers_->Settle();
      tiers_->Sample();
    }
    // Memory is sampled after the evict step (docs/contract.md, "The replay").
    tally_.Sample(ledger_);
    tally_.Count(r.turn, r.session, r.prompt_len, hit);
    return hit;
  }

  uint64_t tokens_held() const override { return ledger_.tokens(); }
  uint64_t bytes_held() const override { return ledger_.bytes(); }
  const Strategy& strategy() const { return result_.strategy; }
  bool unbounded() const { return !result_.budget.tokens && !result_.budget.bytes; }

  RowResult Finish() override {
    tally_.Finish(ledger_.evictions(), options_.model.fp16_bytes_per_token());
    if (tiers_) {
      result_.tiers = tiers_->Figures();
      result_.bytes_moved = tiers_->Moves();
    }
    return std::move(result_);
  }

 private:
  Ledger ledger_;
  std::unique_ptr<Index> index_;
  std::unique_ptr<TierStack> tiers_;
  const RunOptions& options_;
  RowResult result_;
  RowTally tally_;
};

// A curve strategy's row, from its block size's stack pass (RunOptions::curve_rows).
class CurvePointRow final : public PointRow {
 public:
  CurvePointRow(std::unique_ptr<StackRow> row, const StackPasses* passes, uint64_t block_size)
      : row_(std::move(row)), passes_(passes), b_(block_size) {}
  uint64_t Step(const Request& r, Tick) override { return row_->Step(r, passes_->Latest(b_)); }
  uint64_t tokens_held() const override { return row_->tokens_held(); }
  uint64_t bytes_held() const override { return row_->bytes_held(); }
  RowResult Finish() override { return row_->Finish(); }

 private:
  std::unique_ptr<StackRow> row_;
  const StackPasses* passes_;
  uint64_t b_;
};

}  // namespace

double PrefillTokensPerSecond(const RunOptions& options) {
  return options.prefill_tokens_per_second > 0 ? options.prefill_tokens_per_second
                                               : options.model.prefill_tokens_per_second;
}

std::optional<uint64_t> KnownWorkingSetTokens(const Workload& workload, bool cache_output) {
  const WorkloadInfo& info = workload.info();
  if (!info.distinct_prompt_tokens) return std::nullopt;
  return *info.distinct_prompt_tokens + (cache_output ? info.output_tokens : 0);
}

uint64_t WorkingSetTokens(const Workload& workload, bool cache_output) {
  if (const auto known = KnownWorkingSetTokens(workload, cache_output)) return *known;
  RunOptions options;
  options.model = ModelProfiles().front();
  options.cache_output = cache_output;
  Row row(Strategy::Radix(), BudgetSpec::Unbounded(), Budget{}, TokenCost{1, 1, kNoTail}, options,
          false, IndexContext{&workload, cache_output});
  auto stream = workload.Open();
  Tick now = 0;
  while (const Request* r = stream->Next()) {
    if ((now & 255) == 0) ThrowIfStopped();
    row.Step(*r, now++);
  }
  return row.tokens_held();
}

namespace {

// The rows of `points`, each strategy's codec built and measured once; with curve_rows, the
// curve strategies' rows read `passes`.
std::vector<std::unique_ptr<PointRow>> MakeRows(const Workload& workload,
                                                const std::vector<PointSpec>& points,
                                                uint64_t working_set, const RunOptions& options,
                                                WorkloadMemo* memo, StackPasses* passes) {
  const uint64_t fp16 = options.model.fp16_bytes_per_token();
  const bool by_session = !workload.info().session_names.empty();
  CodecSet own(options.model.head_dim, options.seed);
  CodecSet& codecs = options.codecs != nullptr ? *options.codecs : own;
  std::vector<std::unique_ptr<PointRow>> rows;
  for (const PointSpec& p : points) {
    const Strategy& strategy = *p.strategy;
    const TokenCost cost = codecs.Cost(strategy.codec, strategy.codec_options, options.model);
    const Budget budget = ResolveBudget(*p.budget, working_set, fp16);
    if (options.curve_rows && options.tiers.empty() && !CurveRefusal(strategy, cost)) {
      const uint64_t b = BlockSizeOf(strategy);
      passes->AddRows(b);
      rows.push_back(std::make_unique<CurvePointRow>(
          std::make_unique<StackRow>(strategy, *p.budget, budget, cost, options, by_session),
          passes, b));
      continue;
    }
    rows.push_back(std::make_unique<Row>(
        strategy, *p.budget, budget, cost, options, by_session,
        IndexContext{&workload, options.cache_output, memo, /*in_order=*/true},
        MakeTierStack(strategy, budget, working_set, options, &codecs)));
  }
  return rows;
}

// A curve asked for: the strategy's block size and bytes per token.
struct CurveSpec {
  std::string strategy;
  uint64_t block_size = 0, bytes_per_token = 0;
};

// The curves of RunOptions::curve_strategies that are curve strategies, their passes added.
std::vector<CurveSpec> CurveSpecs(const RunOptions& options, StackPasses* passes) {
  CodecSet own(options.model.head_dim, options.seed);
  CodecSet& codecs = options.codecs != nullptr ? *options.codecs : own;
  std::vector<CurveSpec> specs;
  for (const Strategy& s : options.curve_strategies) {
    const TokenCost cost = codecs.Cost(s.codec, s.codec_options, options.model);
    if (CurveRefusal(s, cost)) continue;
    specs.push_back({s.text, BlockSizeOf(s), cost.hot_bytes});
    passes->AddCurve(specs.back().block_size, options.curve);
  }
  return specs;
}

}  // namespace

RunResult ReplayPoints(const Workload& workload, const std::vector<PointSpec>& points,
                       const RunOptions& options) {
  RunResult run;
  const std::optional<uint64_t> known =
      options.working_set_tokens ? options.working_set_tokens
                                 : KnownWorkingSetTokens(workload, options.cache_output);
  bool need_ws = known.has_value();
  for (const PointSpec& p : points) need_ws = need_ws || p.budget->kind == BudgetSpec::Kind::kPercent;
  need_ws = need_ws || TiersNeedWorkingSet(options.tiers);
  if (known) {
    run.working_set_tokens = *known;
  } else if (need_ws) {
    run.working_set_tokens = WorkingSetTokens(workload, options.cache_output);
  }
  WorkloadMemo own_memo;
  StackPasses passes(options.cache_output);
  std::vector<std::unique_ptr<PointRow>> rows =
      MakeRows(workload, points, run.working_set_tokens, options,
               options.memo != nullptr ? options.memo : &own_memo, &passes);
  const std::vector<CurveSpec> curves = CurveSpecs(options, &passes);
  const PointRow* ws_row = nullptr;  // a row whose final holdings are the working set
  for (const auto& row : rows) {
    const auto* cache = dynamic_cast<const Row*>(row.get());
    if (cache && cache->strategy().index == "radix" && cache->unbounded()) ws_row = row.get();
  }
  std::unique_ptr<Row> shadow;
  if (!need_ws && ws_row == nullptr) {
    shadow = std::make_unique<Row>(Strategy::Radix(), BudgetSpec::Unbounded(), Budget{},
                                   TokenCost{1, 1, kNoTail}, options, false,
                                   IndexContext{&workload, options.cache_output});
    ws_row = shadow.get();
  }

  auto stream = workload.Open();
  const uint64_t total = workload.info().requests;
  Tick now = 0;
  while (const Request* r = stream->Next()) {
    if ((now & 255) == 0) ThrowIfStopped();
    passes.Step(*r);
    for (size_t i = 0; i < rows.size(); ++i) {
      const uint64_t hit = rows[i]->Step(*r, now);
      if (options.on_step) {
        options.on_step(points[i].slot, hit, rows[i]->tokens_held(), rows[i]->bytes_held());
      }
    }
    if (shadow) shadow->Step(*r, now);
    ++now;
    if (options.progress && (now & 1023) == 0) options.progress(now, total);
  }
  if (options.progress) options.progress(now, total);
  if (!need_ws && ws_row != nullptr) run.working_set_tokens = ws_row->tokens_held();
  for (size_t i = 0; i < rows.size(); ++i) {
    run.rows.push_back(rows[i]->Finish());
    run.rows.back().point = points[i].number;
  }
  for (const CurveSpec& c : curves) {
    Curve curve = passes.CurveOf(c.block_size, options.curve, c.bytes_per_token);
    run.curves.push_back({c.strategy, std::move(curve)});
  }
  return run;
}

RunResult Replay(const Workload& workload, const std::vector<Strategy>& strategies,
                 const std::vector<BudgetSpec>& budgets, const RunOptions& options) {
  SweepOptions one;
  one.jobs = 1;
  return Sweep(workload, strategies, budgets, options, one);
}

}  // namespace kvsim
