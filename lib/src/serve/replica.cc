// A serving replica's pool, queue and steps (see replica.h).
#include "replica.h"

#include <algorithm>

namespace kvsim {
namespace {

void Count(std::vector<ClassStats>* v, size_t i, uint64_t prompt, uint64_t hit) {
  if (v->size() <= i) v->resize(i + 1);
  ClassStats& c = (*v)[i];
  ++c.requests;
  c.prompt_tokens += prompt;
  c.hit_tokens += hit;
}

}  // namespace

Replica::Replica(const Strategy& strategy, const Budget& budget, const TokenCost& cost,
                 const RunOptions& run, const ServeOptions& serve, const IndexContext& context)
    : ledger_(budget, cost),
      index_(MakeIndex(strategy.index, strategy.index_options, &ledger_, context)),
      run_(run),
      serve_(serve),
      model_(serve.gpu, serve.tp, run.model, serve.prefill_tps, serve.decode_tps, serve.efficiency),
      whole_at_completion_(strategy.index == "lru-buckets"),
      by_session_(!context.workload->info().session_names.empty()) {
  row_.strategy = strategy;
  row_.budget = budget;
  row_.cost = cost;
}

// Whether `tokens` more tokens fit once every unpinned token is evicted (reservations priced at
// the codec's hot bytes, the dearest, so a fit is never promised that eviction cannot keep).
bool Replica::Fits(uint64_t tokens) const {
  const Budget& b = ledger_.budget();
  const uint64_t used = index_->pinned_tokens() + ledger_.reserved_tokens() + tokens;
  if (b.tokens && used > *b.tokens) return false;
  return !b.bytes || static_cast<double>(used) * static_cast<double>(ledger_.cost().hot_bytes) <=
                         static_cast<double>(*b.bytes);
}

bool Replica::Rejects(const LiveRequest& r) const {
  const Budget& b = ledger_.budget();
  const uint64_t n = r.tokens.size();
  return (b.tokens && n > *b.tokens) ||
         (b.bytes && static_cast<double>(n) * static_cast<double>(ledger_.cost().hot_bytes) >
                         static_cast<double>(*b.bytes));
}

void Replica::Admit(double now) {
  // Prompts prefilled by the last step are cacheable: they go into the index before anything
  // is matched against it (with nothing queued, a prompt may go in with its output instead:
  // no request can tell the difference).
  if (queue_.empty()) return;
  for (LiveRequest& r : running_) {
    if (r.prompt_pending) InsertPrompt(r);
  }
  while (!queue_.empty() && running_.size() < serve_.max_num_seqs) {
    if (Rejects(queue_.front())) {
      ++rejected_;
      queue_.pop_front();
      continue;
    }
    if (!TryAdmit(queue_.front(), now)) {
      if (!running_.empty()) return;  // FCFS: the head waits, and so do the rest
      ++rejected_;  // nothing runs, so nothing is pinned: it can never fit
      queue_.pop_front();
      continue;
    }
    running_.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
}

bool Replica::TryAdmit(LiveRequest& r, double now) {
  const Request v = r.View();
  const Tick now_tick = TickOf(r);
  const uint64_t hit = index_->Match(v, now_tick);
  // What the request uses is pinned: its hit, and whatever more of its sequence is held (its
  // insert will pass through it). The pool reserves what the sequence will add.
  const uint64_t pin = std::max(hit, index_->HeldPrefix(v, v.tokens, now_tick));
  if (pin > 0) index_->Pin(v.tokens, pin);
  const uint64_t need = index_->Adds(v, v.tokens, now_tick);
  if (!Fits(need)) {
    if (pin > 0) index_->Unpin(v.tokens, pin);
    return false;
  }
  r.hit = r.computed = hit;
  r.pinned = pin;
  r.reserved = need;
  r.admitted = now;
  ledger_.Reserve(need);
  Evict();
  RowResult& s = row_;
  s.hit_tokens += hit;
  s.prompt_tokens += r.prompt_len;
  ++s.requests;
  s.hit_requests += hit > 0;
  Count(&s.by_turn, r.turn - 1, r.prompt_len, hit);
  if (by_session_) Count(&s.by_session, r.session, r.prompt_len, hit);
  if (run_.record_hits) s.hits.push_back(hit);
  return true;
}

void Replica::Evict() {
  while (ledger_.OverBudget() && index_->EvictOne()) {
  }
}

}  // namespace kvsim
