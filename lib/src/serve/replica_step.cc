// A replica's continuous-batching step: chunked prefill FCFS, one token per decoding request
// (see replica.h).
#include <algorithm>
#include <limits>

#include "replica.h"

namespace kvsim {

StepWork Replica::Plan(double now, std::vector<std::pair<size_t, uint64_t>>* chunks) const {
  StepWork w;
  uint64_t room = serve_.max_batched_tokens;
  const TokenCost& cost = ledger_.cost();
  for (size_t i = 0; i < running_.size(); ++i) {
    const LiveRequest& r = running_[i];
    if (r.prefilled()) {  // decodes its next token (the first one too, for an empty prompt)
      const uint64_t context = r.prompt_len + r.decoded;
      ++w.decodes;
      w.decode_attention += static_cast<double>(context);
      w.decode_kv_bytes += StepTimeModel::KvBytes(cost, context);
      continue;
    }
    if (WaitsForLoad(r, now)) continue;
    const uint64_t c = std::min<uint64_t>(r.target - r.computed, room);
    if (c == 0) continue;
    room -= c;
    chunks->emplace_back(i, c);
    const double from = static_cast<double>(r.computed), n = static_cast<double>(c);
    w.prefill_tokens += c;
    w.prefill_attention += n * from + n * (n + 1) / 2;
    w.prefill_kv_bytes += StepTimeModel::KvBytes(cost, r.computed + c);
  }
  return w;
}

double Replica::Begin(double now) {
  settled_ = false;
  if (serve_.admission == Admission::kIncremental) AllocateStep(now);
  chunks_.clear();
  const StepWork work = Plan(now, &chunks_);
  step_end_ = StepEnd(now, model_.Seconds(work));
  if (work.prefill_tokens == 0 && work.decodes == 0) {  // every request waits for a load
    step_end_ = std::numeric_limits<double>::infinity();
    for (const LiveRequest& r : running_) {
      if (r.load_end > now) step_end_ = std::min(step_end_, r.load_end);
    }
  }
  busy_ += step_end_ - now;
  if (step_end_ > now) Settle();  // the instant closes: the step's KV needs its blocks
  return step_end_;
}

void Replica::End(std::vector<LiveRequest>* done) {
  settled_ = false;
  const double end = step_end_;
  std::vector<bool> chunked(running_.size(), false);
  for (const auto& [i, c] : chunks_) {
    LiveRequest& r = running_[i];
    chunked[i] = true;
    Discount(r);
    r.computed += c;
    if (r.prefilled()) {
      // The step that finishes the prefill produces the next token (the first, unless a
      // preempted request recomputed its output so far).
      r.prompt_pending = !whole_at_completion_;
      if (r.decoded == 0) r.first_token = end;
      r.decoded = std::min<uint64_t>(r.decoded + 1, r.output_len());
    }
    Count(r);
  }
  for (size_t i = 0; i < running_.size(); ++i) {
    LiveRequest& r = running_[i];
    if (chunked[i] || !r.prefilled()) continue;
    if (r.decoded == 0) r.first_token = end;
    --outstanding_;
    ++r.decoded;
  }
  size_t kept = 0;
  for (size_t i = 0; i < running_.size(); ++i) {
    LiveRequest& r = running_[i];
    if (r.prefilled() && r.decoded >= r.output_len()) {
      Complete(r);
      done->push_back(std::move(r));
    } else {
      if (kept != i) running_[kept] = std::move(r);
      ++kept;
    }
  }
  running_.resize(kept);
  if (running_.empty()) Settle();  // the replica runs dry: nothing more happens this instant
}

// The prompt's KV becomes cacheable: inserted and pinned whole, the reservation released.
void Replica::InsertPrompt(LiveRequest& r) {
  r.prompt_pending = false;
  const Request v = r.View();
  const Tick now = TickOf(r);
  index_->Match(v, now);
  // The reservation becomes held KV: released as the insert starts holding it.
  const uint64_t moved = std::min<uint64_t>(r.reserved, index_->Adds(v, v.prompt(), now));
  ledger_.Unreserve(moved);
  r.reserved -= moved;
  index_->Insert(v, v.prompt(), now);
  Written(v.prompt());
  const uint64_t pin = std::max<uint64_t>(r.prompt_len, r.pinned);
  if (pin > 0) index_->Pin(v.tokens, pin);
  if (r.pinned > 0) index_->Unpin(v.tokens, r.pinned);
  r.pinned = pin;
}

// The output becomes cacheable; the pins and the rest of the reservation are released.
void Replica::Complete(LiveRequest& r) {
  const Request v = r.View();
  // A prompt still pending goes in with the output (or alone, when outputs are not cached).
  const bool insert = whole_at_completion_ || r.prompt_pending || (run_.cache_output && r.output_len() > 0);
  r.prompt_pending = false;
  ledger_.Unreserve(r.reserved);
  r.reserved = 0;
  // Unpinned first: the sequence goes in as into an idle cache (lru-buckets pops inside its
  // insert and counts only unpinned entries when it chooses a bucket).
  if (r.pinned > 0) index_->Unpin(v.tokens, r.pinned);
  r.pinned = 0;
  if (insert) {
    const Tick now = TickOf(r);
    index_->Match(v, now);
    index_->Insert(v, run_.cache_output ? v.tokens : v.prompt(), now);
    Written(run_.cache_output ? v.tokens : v.prompt());
  }
}

PoolSample Replica::Sample(double now) const {
  PoolSample s;
  s.time = now;
  const uint64_t pinned = index_->pinned_tokens();
  s.pinned_tokens = pinned + ledger_.reserved_tokens();
  s.cached_tokens = ledger_.tokens() - std::min(pinned, ledger_.tokens());
  s.pool_tokens = ledger_.budget().tokens.value_or(0);
  s.pool_bytes = ledger_.budget().bytes.value_or(0);
  s.held_bytes = ledger_.bytes() + ledger_.reserved_tokens() * ledger_.cost().hot_bytes;
  s.queued = queue_.size();
  s.running = running_.size();
  return s;
}

}  // namespace kvsim
