// A serving replica's pool, queue and steps (see replica.h).
#include "replica.h"

#include <algorithm>
#include <stdexcept>

namespace kvsim {

Replica::Replica(const Strategy& strategy, const Budget& budget, const TokenCost& cost,
                 const RunOptions& run, const ServeOptions& serve, const IndexContext& context,
                 RowTally* tally, std::unique_ptr<TierStack> tiers)
    : ledger_(budget, cost),
      index_(MakeIndex(strategy.index, strategy.index_options, &ledger_, context)),
      tiers_(std::move(tiers)),
      link_free_(tiers_ ? tiers_->size() : 0, 0.0),
      run_(run),
      serve_(serve),
      model_(serve.gpu, serve.tp, run.model, serve.prefill_tps, serve.decode_tps, serve.efficiency),
      whole_at_completion_(strategy.index == "lru-buckets"),
      tally_(tally) {
  if (tiers_) index_->set_eviction_sink(tiers_.get());
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
  settled_ = false;
  // Prompts prefilled by the last step are cacheable: they go into the index before anything
  // is matched against it (with nothing queued, a prompt may go in with its output instead:
  // no request can tell the difference).
  if (queue_.empty()) return;
  for (LiveRequest& r : running_) {
    if (r.prompt_pending) InsertPrompt(r);
  }
  while (!queue_.empty() && running_.size() < serve_.max_num_seqs) {
    if (Rejects(queue_.front())) {
      Reject(queue_.front());
      queue_.pop_front();
      continue;
    }
    if (!TryAdmit(queue_.front(), now)) {
      if (!running_.empty()) return;  // FCFS: the head waits, and so do the rest
      // Nothing runs, so nothing is pinned: it can never fit.
      if (queue_.front().counted) Uncount(queue_.front());  // admitted once, then preempted
      Reject(queue_.front());
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
  const uint64_t gpu_hit = index_->Match(v, now_tick);
  const TierFind loads = tiers_ ? WorthLoading(v, gpu_hit) : TierFind{};
  const uint64_t hit = loads.empty() ? gpu_hit : loads.back().end;
  // What the request shares with the cache is pinned: its hit, and whatever more of its
  // sequence is held (its insert will pass through it). The pool reserves what the sequence
  // will add.
  const uint64_t pin = index_->HeldPrefix(v, v.tokens, now_tick);
  if (pin > 0) index_->Pin(v.tokens, pin);
  // Reserve admission holds room for the whole sequence; incremental checks that the uncached
  // prompt fits and allocates as the steps compute.
  // A request readmitted after a preemption reuses what of its own sequence is still held, as a
  // hit would, but computes at least its last token again.
  const uint64_t computed = std::max(hit, std::min(pin, r.target > 0 ? r.target - 1 : 0));
  // Reserve: room for what the sequence adds. Incremental: for the uncached prompt, or, when
  // nothing else runs, for everything it will compute (a lone request must be able to finish).
  const bool whole = serve_.admission == Admission::kReserve;
  const uint64_t need = whole ? index_->Adds(v, v.tokens, now_tick)
                        : running_.empty() ? r.tokens.size() - computed
                                           : index_->Adds(v, v.prompt(), now_tick);
  if (!Fits(need)) {
    if (pin > 0) index_->Unpin(v.tokens, pin);
    return false;
  }
  Discount(r);
  r.computed = computed;
  Count(r);
  r.pinned = pin;
  if (whole) {
    r.reserved = need;
    ledger_.Reserve(need);
  }
  StartLoads(r, loads, now);
  if (r.counted) return true;  // readmitted after a preemption: counted the first time
  r.counted = true;
  r.hit = hit;
  r.admitted = now;
  tally_->Count(r.turn, r.session, r.prompt_len, hit);
  return true;
}

// Takes a rejected request's first admission back out of the row.
void Replica::Uncount(const LiveRequest& r) { tally_->Uncount(r.turn, r.session, r.prompt_len, r.hit); }

// Incremental admission: room for what each running request computes this step (its chunk, or
// one token), in admission order. When it cannot be had, the most recently admitted request is
// preempted, until it can (or the request itself was the one preempted).
void Replica::AllocateStep(double now) {
  uint64_t room = serve_.max_batched_tokens;
  for (size_t i = 0; i < running_.size(); ++i) {
    LiveRequest& r = running_[i];
    uint64_t want = 1;
    if (WaitsForLoad(r, now)) continue;
    if (!r.prefilled()) {
      want = std::min<uint64_t>(r.target - r.computed, room);
      room -= want;
    }
    while (!Fits(want) && i < running_.size()) {
      if (running_.size() == 1) {  // alone and still short of room: it can never finish
        Release(running_.back());
        Uncount(running_.back());
        Reject(running_.back());
        running_.pop_back();
        return;
      }
      Preempt(running_.back());
      running_.pop_back();
    }
    if (i >= running_.size()) return;
    ledger_.Reserve(want);
    r.reserved += want;
  }
}

// Frees a running request's KV (what it computed stays in the cache, unpinned, as vLLM's freed
// blocks do) and puts it back at the head of the queue, to recompute its prompt and output so far.
void Replica::Preempt(LiveRequest& r) {
  Release(r);
  Discount(r);
  r.computed = 0;
  r.target = r.prompt_len + r.decoded;
  Count(r);
  ++preempted_;
  queue_.push_front(std::move(r));
}

// Frees a running request's pins and reservation; a prefilled prompt goes into the cache first.
void Replica::Release(LiveRequest& r) {
  if (r.prompt_pending) InsertPrompt(r);
  const Request v = r.View();
  ledger_.Unreserve(r.reserved);
  r.reserved = 0;
  if (r.pinned > 0) index_->Unpin(v.tokens, r.pinned);
  r.pinned = 0;
}

// Evictions are decided once per instant, after its admissions, allocations, writes and
// completions: the index's policy then chooses among all the unpinned cache, as `kvsim run`'s
// evict-after-insert does. Admission never counts on cache it has not evicted (Fits), so the
// pool can always be brought back within budget.
void Replica::Settle() {
  while (ledger_.OverBudget() && index_->EvictOne()) {
  }
  if (ledger_.OverBudget()) throw std::logic_error("serve: pinned and reserved KV exceed the pool");
  if (tiers_) {
    tiers_->Settle();
    tiers_->Sample();
  }
  settled_ = true;
  tally_->Sample(ledger_);
}

uint64_t Replica::active_tokens() const {
  uint64_t n = 0;
  for (const LiveRequest& r : running_) n += std::min(r.computed, r.target) + r.decoded;
  return n;
}

uint64_t Replica::CachedPrefix(const LiveRequest& r) const {
  const Request v = r.View();
  return index_->HeldPrefix(v, v.prompt(), index_->clairvoyant() ? r.position : tick_);
}

}  // namespace kvsim
