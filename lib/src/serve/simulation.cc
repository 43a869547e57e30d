// A row's event loop (see simulation.h). Each instant: arrivals already due are routed and
// queued; steps ending now complete their requests (a closed-loop session's next request may
// become due now, and is queued too); every replica not in a step admits from its queue and
// starts one. A replica settles its pool when time moves on or it runs dry (replica.h).
#include "simulation.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "kvsim/cancel.h"

namespace kvsim {

void Simulation::Completions::Add(const LiveRequest& r, double done, size_t replica) {
  ttft.push_back(r.first_token - r.arrival);
  wait.push_back(r.admitted - r.arrival);
  e2e.push_back(done - r.arrival);
  if (r.output_len() > 1) tpot.push_back((done - r.first_token) / static_cast<double>(r.output_len() - 1));
  output_tokens += r.output_len();
  first_arrival = std::min(first_arrival, r.arrival);
  last_completion = std::max(last_completion, done);
  ++per_replica[replica];
}

Simulation::Simulation(const Workload& w, std::vector<Replica*> replicas, Router* router,
                       const ServeOptions& serve, size_t slot, std::function<void()> on_done)
    : arrivals_(Arrivals::Of(w, serve.speedup)),
      replicas_(std::move(replicas)),
      router_(router),
      serve_(serve),
      slot_(slot),
      on_done_(std::move(on_done)),
      instant_(std::isinf(serve.prefill_tps) && std::isinf(serve.decode_tps)),
      step_end_(replicas_.size(), kIdle) {
  completions_.per_replica.assign(replicas_.size(), 0);
  last_.resize(replicas_.size());
  unsettled_.assign(replicas_.size(), false);
  for (size_t i = 0; i < replicas_.size(); ++i) Resample(i);
}

ServeFigures Simulation::Run() {
  std::vector<LiveRequest> done;
  uint64_t instants = 0;
  for (double t = 0; Next(&t);) {
    if ((++instants & 1023) == 0) ThrowIfStopped();
    t_ = std::max(t_, t);
    Arrive();
    EndSteps(&done);
    Arrive();
    StartSteps();
    Observe();
  }
  for (Replica* r : replicas_) {
    if (!r->idle()) throw std::logic_error("serve: requests left when the arrivals ended");
    if (r->outstanding_tokens() != 0 || r->outstanding_prompt_tokens() != 0) {
      throw std::logic_error("serve: outstanding tokens left when every request is done");
    }
  }
  return Figures();
}

// The next instant: the earliest step end or arrival. At infinite speed a request completes at
// its arrival before the next arrival is seen (as in `kvsim run`).
bool Simulation::Next(double* t) {
  double next = steps_.empty() ? kIdle : steps_.top().first;
  bool any = next != kIdle;
  if (instant_ && (any || !AllIdle())) {
    *t = any ? next : t_;
    return true;
  }
  if (const auto a = arrivals_->NextTime()) {
    next = any ? std::min(next, *a) : *a;
    any = true;
  }
  *t = std::max(next, t_);
  return any;
}

void Simulation::Arrive() {
  for (auto next = arrivals_->NextTime(); next && *next <= t_; next = arrivals_->NextTime()) {
    if (instant_ && !AllIdle()) return;
    LiveRequest r = arrivals_->Pop();
    const size_t i = router_->Route(r, t_, replicas_);
    replicas_[i]->Enqueue(std::move(r));
    touched_.push_back(i);
  }
}

void Simulation::EndSteps(std::vector<LiveRequest>* done) {
  while (!steps_.empty() && steps_.top().first == t_) {
    const size_t i = steps_.top().second;
    steps_.pop();
    step_end_[i] = kIdle;
    replicas_[i]->End(done);
    Finish(i, done);
    touched_.push_back(i);
  }
}

// Every replica not in a step admits and starts one (in id order). Only a replica touched in
// this instant can: after each instant, every replica with requests is in a step.
void Simulation::StartSteps() {
  std::sort(touched_.begin(), touched_.end());
  touched_.erase(std::unique(touched_.begin(), touched_.end()), touched_.end());
  for (const size_t i : touched_) {
    Replica& r = *replicas_[i];
    if (step_end_[i] != kIdle || r.idle()) continue;
    r.Admit(t_);
    if (r.has_running()) {
      step_end_[i] = r.Begin(t_);
      steps_.emplace(step_end_[i], i);
    } else {
      if (!r.idle()) throw std::logic_error("serve: a queue with nothing running");
      r.Settle();
    }
    for (uint64_t position : r.TakeRejected()) router_->Left(i, position);
  }
}

void Simulation::Finish(size_t replica, std::vector<LiveRequest>* done) {
  for (LiveRequest& r : *done) {
    completions_.Add(r, t_, replica);
    if (serve_.on_complete) {
      serve_.on_complete(slot_, {r.position, r.arrival, r.admitted, r.first_token, t_, r.prompt_len,
                                 r.hit, r.output_len(), replica});
    }
    arrivals_->Completed(r, t_);
    router_->Left(replica, r.position);
    if (on_done_) on_done_();
  }
  done->clear();
}

bool Simulation::AllIdle() const {
  for (size_t i = 0; i < replicas_.size(); ++i) {
    if (step_end_[i] != kIdle || !replicas_[i]->idle()) return false;
  }
  return true;
}

// Keeps the fleet's sum current with replica `i`'s pool.
void Simulation::Resample(size_t i) {
  const PoolSample old = last_[i], now = replicas_[i]->Sample(t_);
  const auto swap = [](uint64_t& sum, uint64_t was, uint64_t is) { sum = sum - was + is; };
  swap(fleet_.pinned_tokens, old.pinned_tokens, now.pinned_tokens);
  swap(fleet_.cached_tokens, old.cached_tokens, now.cached_tokens);
  swap(fleet_.pool_tokens, old.pool_tokens, now.pool_tokens);
  swap(fleet_.pool_bytes, old.pool_bytes, now.pool_bytes);
  swap(fleet_.held_bytes, old.held_bytes, now.held_bytes);
  swap(fleet_.queued, old.queued, now.queued);
  swap(fleet_.running, old.running, now.running);
  last_[i] = now;
  const bool unsettled = !replicas_[i]->settled();
  unsettled_count_ = unsettled_count_ - unsettled_[i] + unsettled;
  unsettled_[i] = unsettled;
}

// Records the fleet's pool and queue, when every pool is settled (within an instant a pool may
// hold cache that admitted requests have claimed and eviction has not yet chosen).
void Simulation::Observe() {
  for (const size_t i : touched_) Resample(i);
  touched_.clear();
  if (unsettled_count_ > 0) return;
  PoolSample s = fleet_;
  s.time = t_;
  peak_pinned_ = std::max(peak_pinned_, s.pinned_tokens);
  peak_cached_ = std::max(peak_cached_, s.cached_tokens);
  if (serve_.on_event) serve_.on_event(slot_, s);
}

ServeFigures Simulation::Figures() const {
  const Completions& c = completions_;
  ServeFigures f;
  f.replicas = replicas_.size();
  f.ttft = Latency::Of(c.ttft);
  f.queue_wait = Latency::Of(c.wait);
  f.tpot = Latency::Of(c.tpot);
  f.e2e = Latency::Of(c.e2e);
  f.duration_s = c.e2e.empty() ? 0 : c.last_completion - c.first_arrival;
  if (f.duration_s > 0) {
    f.requests_per_s = static_cast<double>(c.e2e.size()) / f.duration_s;
    f.output_tokens_per_s = static_cast<double>(c.output_tokens) / f.duration_s;
  }
  double busy_max = 0, busy_sum = 0;
  for (const Replica* r : replicas_) {
    f.rejected_requests += r->rejected();
    f.preempted_requests += r->preempted();
    busy_max = std::max(busy_max, r->busy_seconds());
    busy_sum += r->busy_seconds();
  }
  f.imbalance = busy_sum > 0 ? busy_max * static_cast<double>(replicas_.size()) / busy_sum : 1;
  f.peak_pinned_tokens = peak_pinned_;
  f.peak_cached_tokens = peak_cached_;
  f.requests_per_replica = c.per_replica;
  return f;
}

}  // namespace kvsim
