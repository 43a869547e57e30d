// One serving replica: a KV pool (ledger + index) shared by the prefix cache and the running
// requests, an FCFS queue, and continuous-batching steps. Internal header.
#pragma once

#include <deque>
#include <memory>
#include <vector>

#include "engine/row_tally.h"
#include "kvsim/index.h"
#include "kvsim/serve.h"
#include "live_request.h"

namespace kvsim {

class Replica {
 public:
  Replica(const Strategy& strategy, const Budget& budget, const TokenCost& cost,
          const RunOptions& run, const ServeOptions& serve, const IndexContext& context);

  void Enqueue(LiveRequest request) { queue_.push_back(std::move(request)); }
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
  // The row's replay figures so far (hits, memory samples, by turn and session).
  RowResult& row() { return row_; }
  // The row with its memory means and compression; the replica is done.
  RowResult Finish();
  const Ledger& ledger() const { return ledger_; }

 private:
  bool Rejects(const LiveRequest& r) const;
  bool TryAdmit(LiveRequest& r, double now);
  bool Fits(uint64_t tokens) const;
  StepWork Plan(std::vector<std::pair<size_t, uint64_t>>* chunks) const;
  void InsertPrompt(LiveRequest& r);
  void AllocateStep();
  void Preempt(LiveRequest& r);
  void Release(LiveRequest& r);
  void Uncount(const LiveRequest& r);
  void Complete(LiveRequest& r);
  Tick TickOf(const LiveRequest& r) { return index_->clairvoyant() ? r.position : tick_++; }

  Ledger ledger_;
  std::unique_ptr<Index> index_;
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
  RowResult row_;
  RowTally tally_;
};

}  // namespace kvsim
