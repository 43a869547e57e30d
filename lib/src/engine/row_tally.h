// What a row adds up while its requests are matched and its pool is sampled: the counts by
// turn and session, the memory peaks and means, the compression. Shared by `kvsim run`'s replay
// and `kvsim serve`'s replicas. Internal header.
#pragma once

#include <cstdint>

#include "kvsim/ledger.h"
#include "kvsim/replay.h"

namespace kvsim {

// A row with nothing counted yet: what it is (strategy, budget, cost).
RowResult EmptyRow(const Strategy& strategy, const BudgetSpec& spec, const Budget& budget,
                   const TokenCost& cost);

class RowTally {
 public:
  // `row` is the row being built; it outlives the tally.
  RowTally(RowResult* row, bool by_session, bool record_hits)
      : row_(row), by_session_(by_session), record_hits_(record_hits) {}

  // A request matched with `hit` of its `prompt` tokens reused.
  void Count(uint32_t turn, uint32_t session, uint64_t prompt, uint64_t hit);
  // Takes a counted request back out (serve: rejected after its first admission). Its hit stays
  // in the recorded hits.
  void Uncount(uint32_t turn, uint32_t session, uint64_t prompt, uint64_t hit);
  // The pool, sampled when it is within budget.
  void Sample(const Ledger& ledger);
  // Evictions (over every pool the row had), memory means and compression, from the samples.
  void Finish(uint64_t evictions, uint64_t fp16_bytes_per_token);

 private:
  RowResult* row_;
  bool by_session_, record_hits_;
  unsigned __int128 sum_tokens_ = 0, sum_bytes_ = 0;
  uint64_t samples_ = 0;
};

}  // namespace kvsim
