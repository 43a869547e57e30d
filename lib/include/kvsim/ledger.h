// Ledger: what the cache holds, in tokens and bytes, against its budget.
//
// Indexes know tokens and time, never bytes of KV; codecs know bytes, never tokens. The ledger
// joins them: an index reports every span of token positions [begin, end) it starts or stops
// holding, together with the length of the sequence that last wrote the span, and the ledger
// prices it with the codec's measured bytes per token. Two-tier codecs keep the last `tail`
// positions of that sequence hot (fp16) and the rest cold; for every other codec hot == cold.
//
// Invariant: tokens() and bytes() equal the sum over spans currently held. Not thread-safe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>

namespace kvsim {

inline constexpr uint64_t kNoTail = std::numeric_limits<uint64_t>::max();

struct TokenCost {
  uint64_t hot_bytes = 0;   // bytes per token in the hot tier (every token when untiered)
  uint64_t cold_bytes = 0;  // bytes per token in the cold tier
  uint64_t tail = kNoTail;  // hot window in tokens; kNoTail = untiered
};

struct Budget {
  std::optional<uint64_t> tokens;  // nullopt: not limited by tokens
  std::optional<uint64_t> bytes;   // nullopt: not limited by bytes
};

class Ledger {
 public:
  Ledger(Budget budget, TokenCost cost) : budget_(budget), cost_(cost) {}

  bool tiered() const { return cost_.tail != kNoTail; }
  const TokenCost& cost() const { return cost_; }
  const Budget& budget() const { return budget_; }

  void Hold(uint64_t begin, uint64_t end, uint64_t seq_len) {
    tokens_ += end - begin;
    if (tiered()) hot_ += Hot(begin, end, seq_len);
  }
  void Release(uint64_t begin, uint64_t end, uint64_t seq_len) {
    tokens_ -= end - begin;
    if (tiered()) hot_ -= Hot(begin, end, seq_len);
  }
  // Release on behalf of the eviction policy: counted in evictions().
  void Evict(uint64_t begin, uint64_t end, uint64_t seq_len) {
    Release(begin, end, seq_len);
    ++evictions_;
  }
  // The span was rewritten by a sequence of length new_len (two-tier: its tier may change).
  void Retier(uint64_t begin, uint64_t end, uint64_t old_len, uint64_t new_len) {
    if (tiered()) hot_ = hot_ - Hot(begin, end, old_len) + Hot(begin, end, new_len);
  }

  bool OverBudget() const {
    return (budget_.tokens && tokens_ > *budget_.tokens) ||
           (budget_.bytes && bytes() > *budget_.bytes);
  }
  uint64_t tokens() const { return tokens_; }
  uint64_t hot_tokens() const { return tiered() ? hot_ : tokens_; }
  uint64_t bytes() const {
    return hot_tokens() * cost_.hot_bytes + (tokens_ - hot_tokens()) * cost_.cold_bytes;
  }
  uint64_t evictions() const { return evictions_; }

 private:
  uint64_t Hot(uint64_t begin, uint64_t end, uint64_t seq_len) const {
    const uint64_t from = seq_len > cost_.tail ? seq_len - cost_.tail : 0;
    const uint64_t lo = std::max(begin, from);
    return end > lo ? end - lo : 0;
  }

  Budget budget_;
  TokenCost cost_;
  uint64_t tokens_ = 0;
  uint64_t hot_ = 0;
  uint64_t evictions_ = 0;
};

}  // namespace kvsim
