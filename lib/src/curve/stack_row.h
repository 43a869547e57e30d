// StackRow: a block-trie row at one budget, built from a stack pass's distances instead of its
// own cache (docs/contract.md, "Hit-rate curves"). Its figures equal a replay of the block-trie
// at that budget exactly: the match hits the prompt blocks within the capacity, the insert adds
// the sequence's blocks beyond it, and eviction trims the cache to the capacity. Internal header.
#pragma once

#include <cstdint>

#include "curve/stack_pass.h"
#include "engine/row_tally.h"
#include "kvsim/ledger.h"
#include "kvsim/replay.h"

namespace kvsim {

class StackRow {
 public:
  // REQUIRES: the strategy is a curve strategy (CurveRefusal gives nullopt) with the pass's
  // block size; `options` outlives the row.
  StackRow(const Strategy& strategy, const BudgetSpec& spec, const Budget& budget,
           const TokenCost& cost, const RunOptions& options, bool by_session);

  // The request r, whose block distances are `d`: returns its hit tokens.
  uint64_t Step(const Request& r, const BlockDistances& d);
  uint64_t tokens_held() const { return ledger_.tokens(); }
  uint64_t bytes_held() const { return ledger_.bytes(); }
  RowResult Finish();

 private:
  const uint64_t b_;
  const uint64_t capacity_;  // blocks
  Ledger ledger_;
  uint64_t held_ = 0;        // blocks
  const RunOptions& options_;
  RowResult result_;
  RowTally tally_;
};

// The block size of a block-trie strategy.
uint64_t BlockSizeOf(const Strategy& strategy);

}  // namespace kvsim
