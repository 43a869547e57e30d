// One serving replica: a KV pool (ledger + index) shared by the prefix cache and the running
// requests, an FCFS queue, and continuous-batching steps. Internal header.
#pragma once

#include <deque>
#include <memory>
#include <utility>
#include <vector>

#include "engine/row_tally.h"
#include "kvsim/index.h"
#include "kvsim/serve.h"
#include "live_request.h"
#include "tier/tier_stack.h"

namespace kvsim {

class Replica {
 public:
  // `tally` adds up the row's counts and memory samples (shared by a fleet's replicas).
  Replica(const Strategy& strategy, const Budget& budget, const TokenCost& cost,
          const RunOptions& run, const ServeOptions& serve, const IndexContext& context,
          RowTally* tally, std::unique_ptr<TierStack> tiers = nullptr);

  void Enqueue(LiveRequest request) {
    Count(request);
    queue_.push_back(std::move(request));
  }
  // Admits from the head of the queue while it can (reserve admission); a request larger than
  // the whole pool is rejected.
  void Admit(double now);
  // Starts a step at `now`: allocates (incremental admission), plans the batch, and returns
  // when the step ends. A step that takes time closes the instant: the pool is settled first.
  // REQUIRES: has_running().
  double Begin(double now);
  // Ends the step Begin started: progress, first tokens, completions (moved to `done`).
  void End(std::vector<LiveRequest>* done);
  // Brings the pool within budget by the index's eviction policy (see replica.cc).
  void Settle();
  // Whether the pool is within budget: nothing happened since the last Settle.
  bool settled() const { return settled_; }

  bool has_running() const { return !running_.empty(); }
  bool idle() const { return running_.empty() && queue_.empty(); }
  PoolSample Sample(double now) const;
  uint64_t rejected() const { return rejected_; }
  uint64_t preempted() const { return preempted_; }
  const Ledger& ledger() const { return ledger_; }

  // For routers. Prompt and output tokens queued and running requests have still to process.
  uint64_t outstanding_tokens() const { return outstanding_; }
  // The prompt tokens of those (what is still to prefill).
  uint64_t outstanding_prompt_tokens() const { return outstanding_prompt_; }
  // The positions of the requests rejected since the last call.
  std::vector<uint64_t> TakeRejected() { return std::exchange(rejected_positions_, {}); }
  // Tokens of KV that running requests have computed (prompt and output so far).
  uint64_t active_tokens() const;
  // How much of `r`'s prompt the pool holds now (the prefix a request could share). Touches
  // nothing.
  uint64_t CachedPrefix(const LiveRequest& r) const;
  // Seconds spent in steps.
  double busy_seconds() const { return busy_; }
  // The memory tiers below the pool (nullptr: none).
  const TierStack* tiers() const { return tiers_.get(); }

 private:
  bool Rejects(const LiveRequest& r) const;
  bool TryAdmit(LiveRequest& r, double now);
  // The runs of r's prompt below the pool, past `gpu_hit`, that load faster than they would
  // recompute (all of them when prefill takes no time).
  TierFind WorthLoading(const Request& v, uint64_t gpu_hit);
  // Starts the loads of `runs` for r at `now`, each after what its tier's link is loading.
  void StartLoads(LiveRequest& r, const TierFind& runs, double now);
  // After the index wrote `seq`: the tiers take their copies.
  void Written(TokenSpan seq) {
    if (tiers_) tiers_->Written(seq);
  }
  bool Fits(uint64_t tokens) const;
  StepWork Plan(double now, std::vector<std::pair<size_t, uint64_t>>* chunks) const;
  // The step's end, held back by the loads its chunks wait for.
  double StepEnd(double now, double seconds) const;
  void InsertPrompt(LiveRequest& r);
  void AllocateStep(double now);
  // Whether r waits for its load before it computes (no overlap).
  bool WaitsForLoad(const LiveRequest& r, double now) const {
    return !serve_.tier_overlap && r.load_end > now;
  }
  void Preempt(LiveRequest& r);
  void Release(LiveRequest& r);
  void Uncount(const LiveRequest& r);
  void Complete(LiveRequest& r);
  Tick TickOf(const LiveRequest& r) { return index_->clairvoyant() ? r.position : tick_++; }
  // A request's part of the outstanding tokens: added when it comes or changes, taken away
  // before it changes or when it leaves.
  static uint64_t PromptLeft(const LiveRequest& r) { return r.target - std::min(r.target, r.computed); }
  void Count(const LiveRequest& r) {
    outstanding_prompt_ += PromptLeft(r);
    outstanding_ += PromptLeft(r) + r.output_len() - r.decoded;
  }
  void Discount(const LiveRequest& r) {
    outstanding_prompt_ -= PromptLeft(r);
    outstanding_ -= PromptLeft(r) + r.output_len() - r.decoded;
  }
  void Reject(const LiveRequest& r) {
    ++rejected_;
    Discount(r);
    rejected_positions_.push_back(r.position);
  }

  Ledger ledger_;
  std::unique_ptr<Index> index_;
  std::unique_ptr<TierStack> tiers_;
  std::vector<double> link_free_;  // per tier: when its link has loaded what it was asked
  TierFind skipped_;               // what the last WorthLoading found but left to recompute
  const RunOptions& run_;
  const ServeOptions& serve_;
  StepTimeModel model_;
  bool whole_at_completion_;  // lru-buckets: the sequence is inserted when it completes
  std::deque<LiveRequest> queue_;
  std::vector<LiveRequest> running_;  // in admission order
  Tick tick_ = 0;
  bool settled_ = true;
  std::vector<std::pair<size_t, uint64_t>> chunks_;  // the step Begin planned
  double step_end_ = 0;
  uint64_t rejected_ = 0, preempted_ = 0;
  uint64_t outstanding_ = 0, outstanding_prompt_ = 0;  // over the queue and the running
  std::vector<uint64_t> rejected_positions_;
  double busy_ = 0;
  RowTally* tally_;
};

}  // namespace kvsim
