// A block-trie row from stack distances (see stack_row.h).
#include "curve/stack_row.h"

#include <algorithm>

namespace kvsim {

uint64_t BlockSizeOf(const Strategy& strategy) {
  return static_cast<uint64_t>(strategy.index_options.Int("block_size"));
}

StackRow::StackRow(const Strategy& strategy, const BudgetSpec& spec, const Budget& budget,
                   const TokenCost& cost, const RunOptions& options, bool by_session)
    : b_(BlockSizeOf(strategy)),
      capacity_(CapacityBlocks(budget, b_, cost)),
      ledger_(budget, cost),
      options_(options),
      result_(EmptyRow(strategy, spec, budget, cost)),
      tally_(&result_, by_session, options.record_hits) {}

uint64_t StackRow::Step(const Request& r, const BlockDistances& d) {
  const auto within = [&](size_t n) {
    return static_cast<uint64_t>(
        std::upper_bound(d.distances.begin(), d.distances.begin() + n, capacity_) -
        d.distances.begin());
  };
  const uint64_t hit = within(d.prompt) * b_;
  const uint64_t added = d.distances.size() - within(d.distances.size());
  ledger_.Hold(0, added * b_, Writer());
  held_ += added;
  for (; held_ > capacity_; --held_) ledger_.Evict(0, b_, Writer());
  tally_.Sample(ledger_);
  tally_.Count(r.turn, r.session, r.prompt_len, hit);
  return hit;
}

RowResult StackRow::Finish() {
  tally_.Finish(ledger_.evictions(), options_.model.fp16_bytes_per_token());
  return std::move(result_);
}

}  // namespace kvsim
