// A row's running figures (see row_tally.h).
#include "engine/row_tally.h"

#include <algorithm>

namespace kvsim {
namespace {

ClassStats& Class(std::vector<ClassStats>* v, size_t i) {
  if (v->size() <= i) v->resize(i + 1);
  return (*v)[i];
}

void Add(ClassStats& c, uint64_t prompt, uint64_t hit) {
  ++c.requests;
  c.prompt_tokens += prompt;
  c.hit_tokens += hit;
}

void Take(ClassStats& c, uint64_t prompt, uint64_t hit) {
  --c.requests;
  c.prompt_tokens -= prompt;
  c.hit_tokens -= hit;
}

}  // namespace

RowResult EmptyRow(const Strategy& strategy, const BudgetSpec& spec, const Budget& budget,
                   const TokenCost& cost) {
  RowResult row;
  row.strategy = strategy;
  row.budget_spec = spec;
  row.budget = budget;
  row.cost = cost;
  return row;
}

void RowTally::Count(uint32_t turn, uint32_t session, uint64_t prompt, uint64_t hit) {
  RowResult& s = *row_;
  s.hit_tokens += hit;
  s.prompt_tokens += prompt;
  ++s.requests;
  s.hit_requests += hit > 0;
  Add(Class(&s.by_turn, turn - 1), prompt, hit);
  if (by_session_) Add(Class(&s.by_session, session), prompt, hit);
  if (record_hits_) s.hits.push_back(hit);
}

void RowTally::Uncount(uint32_t turn, uint32_t session, uint64_t prompt, uint64_t hit) {
  RowResult& s = *row_;
  s.hit_tokens -= hit;
  s.prompt_tokens -= prompt;
  --s.requests;
  s.hit_requests -= hit > 0;
  Take(s.by_turn[turn - 1], prompt, hit);
  if (by_session_) Take(s.by_session[session], prompt, hit);
}

void RowTally::Sample(const Ledger& ledger) {
  const uint64_t tokens = ledger.tokens(), bytes = ledger.bytes();
  RowResult& s = *row_;
  s.peak_tokens = std::max(s.peak_tokens, tokens);
  s.peak_bytes = std::max(s.peak_bytes, bytes);
  sum_tokens_ += tokens;
  sum_bytes_ += bytes;
  ++samples_;
}

void RowTally::Finish(uint64_t evictions, uint64_t fp16_bytes_per_token) {
  RowResult& s = *row_;
  s.evictions = evictions;
  if (samples_ > 0) {
    s.mean_bytes = static_cast<double>(sum_bytes_) / static_cast<double>(samples_);
    s.mean_tokens = static_cast<double>(sum_tokens_) / static_cast<double>(samples_);
  }
  const double fp16 = static_cast<double>(fp16_bytes_per_token);
  s.compression_ratio = sum_bytes_ > 0 ? static_cast<double>(sum_tokens_) * fp16 / static_cast<double>(sum_bytes_)
                                       : fp16 / static_cast<double>(s.cost.hot_bytes);
  s.bits_per_channel = 16.0 / s.compression_ratio;
}

}  // namespace kvsim
