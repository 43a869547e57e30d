// The replay loop (docs/contract.md, "The replay"), shared by every index and codec: libCacheSim's single access loop,
// with the index and the codec as hooks.
#include "kvsim/cancel.h"
#include "kvsim/replay.h"

#include <cassert>

#include "kvsim/codec.h"
#include "kvsim/error.h"
#include "kvsim/index.h"

namespace kvsim {
namespace {

using u128 = unsigned __int128;

void Count(std::vector<ClassStats>* v, size_t i, uint64_t prompt, uint64_t hit) {
  if (v->size() <= i) v->resize(i + 1);
  ClassStats& c = (*v)[i];
  ++c.requests;
  c.prompt_tokens += prompt;
  c.hit_tokens += hit;
}

class Row {
 public:
  Row(const Strategy& strategy, const BudgetSpec& spec, const Budget& budget, const TokenCost& cost,
      const RunOptions& options, bool by_session, const IndexContext& context)
      : ledger_(budget, cost),
        index_(MakeIndex(strategy.index, strategy.index_options, &ledger_, context)),
        options_(options),
        by_session_(by_session) {
    result_.strategy = strategy;
    result_.budget_spec = spec;
    result_.budget = budget;
    result_.cost = cost;
  }

  uint64_t Step(const Request& r, Tick now) {
    const uint64_t hit = index_->Match(r, now);
    assert(hit <= (r.prompt_len == 0 ? 0 : r.prompt_len - 1));
    index_->Insert(r, options_.cache_output ? r.tokens : r.prompt(), now);
    while (ledger_.OverBudget() && index_->EvictOne()) {
    }
    assert(!ledger_.OverBudget());
    // Memory is sampled after the evict step (docs/contract.md, "The replay").
    const uint64_t tokens = ledger_.tokens(), bytes = ledger_.bytes();
    result_.peak_tokens = std::max(result_.peak_tokens, tokens);
    result_.peak_bytes = std::max(result_.peak_bytes, bytes);
    sum_tokens_ += tokens;
    sum_bytes_ += bytes;
    RowResult& s = result_;
    s.hit_tokens += hit;
    s.prompt_tokens += r.prompt_len;
    ++s.requests;
    s.hit_requests += hit > 0;
    Count(&s.by_turn, r.turn - 1, r.prompt_len, hit);
    if (by_session_) Count(&s.by_session, r.session, r.prompt_len, hit);
    if (options_.record_hits) s.hits.push_back(hit);
    return hit;
  }

  uint64_t tokens_held() const { return ledger_.tokens(); }
  uint64_t bytes_held() const { return ledger_.bytes(); }
  const Strategy& strategy() const { return result_.strategy; }
  bool unbounded() const { return !result_.budget.tokens && !result_.budget.bytes; }

  RowResult Finish() {
    RowResult& s = result_;
    s.evictions = ledger_.evictions();
    if (s.requests > 0) {
      s.mean_bytes = static_cast<double>(sum_bytes_) / static_cast<double>(s.requests);
      s.mean_tokens = static_cast<double>(sum_tokens_) / static_cast<double>(s.requests);
    }
    const double fp16 = static_cast<double>(options_.model.fp16_bytes_per_token());
    s.compression_ratio = sum_bytes_ > 0 ? static_cast<double>(sum_tokens_) * fp16 /
                                               static_cast<double>(sum_bytes_)
                                         : fp16 / static_cast<double>(s.cost.hot_bytes);
    s.bits_per_channel = 16.0 / s.compression_ratio;
    return std::move(result_);
  }

 private:
  Ledger ledger_;
  std::unique_ptr<Index> index_;
  const RunOptions& options_;
  bool by_session_;
  RowResult result_;
  u128 sum_tokens_ = 0, sum_bytes_ = 0;
};


}  // namespace

double PrefillTokensPerSecond(const RunOptions& options) {
  return options.prefill_tokens_per_second > 0 ? options.prefill_tokens_per_second
                                               : options.model.prefill_tokens_per_second;
}

uint64_t WorkingSetTokens(const Workload& workload, bool cache_output) {
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

RunResult Replay(const Workload& workload, const std::vector<Strategy>& strategies,
                 const std::vector<BudgetSpec>& budgets, const RunOptions& options) {
  RunResult run;
  const bool need_ws = NeedsWorkingSet(budgets) || options.working_set_tokens.has_value();
  if (options.working_set_tokens) {
    run.working_set_tokens = *options.working_set_tokens;
  } else if (need_ws) {
    run.working_set_tokens = WorkingSetTokens(workload, options.cache_output);
  }
  const uint64_t fp16 = options.model.fp16_bytes_per_token();
  const bool by_session = !workload.info().session_names.empty();

  std::vector<std::unique_ptr<Row>> rows;
  const Row* ws_row = nullptr;  // a row whose final holdings are the working set
  for (const auto& strategy : strategies) {
    const auto codec =
        MakeCodec(strategy.codec, strategy.codec_options, options.model.head_dim, options.seed);
    const TokenCost cost = MeasureTokenCost(*codec, options.model, options.seed);
    for (const auto& spec : budgets) {
      const Budget budget = ResolveBudget(spec, run.working_set_tokens, fp16);
      rows.push_back(std::make_unique<Row>(strategy, spec, budget, cost, options, by_session,
                                           IndexContext{&workload, options.cache_output}));
      if (strategy.index == "radix" && rows.back()->unbounded()) ws_row = rows.back().get();
    }
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
    for (size_t i = 0; i < rows.size(); ++i) {
      const uint64_t hit = rows[i]->Step(*r, now);
      if (options.on_step) options.on_step(i, hit, rows[i]->tokens_held(), rows[i]->bytes_held());
    }
    if (shadow) shadow->Step(*r, now);
    ++now;
    if (options.progress && (now & 1023) == 0) options.progress(now, total);
  }
  if (options.progress) options.progress(now, total);
  if (!need_ws && ws_row != nullptr) run.working_set_tokens = ws_row->tokens_held();
  for (auto& row : rows) {
    run.rows.push_back(row->Finish());
    run.rows.back().point = run.rows.size() - 1;
  }
  return run;
}

}  // namespace kvsim
