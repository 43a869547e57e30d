// Replays one strategy at one budget and keeps every request's hit: the shape most tests need.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "kvsim/budget.h"
#include "kvsim/replay.h"
#include "kvsim/strategy.h"

namespace kvsim::testing {

struct ReplayOneOptions {
  bool cache_output = true;
  // Called after every request with (row, hit, tokens held, bytes held).
  std::function<void(size_t, uint64_t, uint64_t, uint64_t)> on_step;
};

// The row of `strategy` at `budget` (both in the CLI grammar), with per-request hits recorded,
// on the llama-3-8b profile.
inline RowResult ReplayOne(const Workload& w, const std::string& strategy,
                           const std::string& budget, ReplayOneOptions options = {}) {
  RunOptions o;
  o.model = FindModel("llama-3-8b");
  o.record_hits = true;
  o.cache_output = options.cache_output;
  o.on_step = std::move(options.on_step);
  return Replay(w, {ParseStrategy(strategy)}, {ParseBudget(budget)}, o).rows.at(0);
}

// Every request's hit tokens.
inline std::vector<uint64_t> HitsOf(const Workload& w, const std::string& strategy,
                                    const std::string& budget, bool cache_output = true) {
  return ReplayOne(w, strategy, budget, {cache_output, nullptr}).hits;
}

}  // namespace kvsim::testing
