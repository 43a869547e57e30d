// Ledger: what the cache holds, in tokens and bytes, against its budget.
//
// Indexes know tokens and time, never bytes of KV; codecs know bytes, never tokens. The ledger
// joins them: an index reports every span of token positions [begin, end) it starts or stops
// holding, with a Writer: an opaque handle of the sequence that wrote the span, which the index
// keeps with what it holds and hands back. When a later sequence writes a held span again (a
// longer conversation passes through a cached prefix), the index reports it with Rewrite. What
// a held token costs is the ledger's business alone: the codec's measured bytes per token and,
// for codecs that keep a window of recent tokens in another format (two-tier's fp16 tail, kivi's
// fp16 residual and unfilled key group), which tokens are in that window, judged from the writer
// by the codec's HotRule. No index knows about tiers.
//
// Invariant: tokens() and bytes() equal the sum over spans currently held. Not thread-safe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>

namespace kvsim {

inline constexpr uint64_t kNoTail = std::numeric_limits<uint64_t>::max();

// Which positions of a sequence of `len` tokens are hot: those >= HotFrom(len). The cold prefix
// ends `tail` tokens before the end, rounded down to a multiple of `group` (a codec that encodes
// `group` consecutive tokens together can only store whole groups cold).
// Two-tier: {tail, 1}, so HotFrom(len) = len - tail. kivi: {residual, group}.
struct HotRule {
  uint64_t tail = kNoTail;  // recent tokens kept hot; kNoTail = untiered (every token hot)
  uint64_t group = 1;       // REQUIRES: >= 1

  bool tiered() const { return tail != kNoTail; }
  uint64_t HotFrom(uint64_t len) const {
    if (!tiered() || len <= tail) return 0;
    return (len - tail) / group * group;
  }
  bool operator==(const HotRule&) const = default;
};

struct TokenCost {
  uint64_t hot_bytes = 0;   // bytes per token in the hot tier (every token when untiered)
  uint64_t cold_bytes = 0;  // bytes per token in the cold tier
  HotRule hot;              // which tokens of a sequence are hot
};

struct Budget {
  std::optional<uint64_t> tokens;  // nullopt: not limited by tokens
  std::optional<uint64_t> bytes;   // nullopt: not limited by bytes
};

// The sequence that wrote a held span. Indexes store it and pass it back; only the ledger reads it.
class Writer {
 public:
  Writer() = default;
  bool operator==(const Writer&) const = default;

 private:
  friend class Ledger;
  explicit Writer(uint64_t len) : len_(len) {}
  uint64_t len_ = 0;  // the sequence's length: where its hot window starts (HotRule)
};

class Ledger {
 public:
  Ledger(Budget budget, TokenCost cost) : budget_(budget), cost_(cost) {}

  const TokenCost& cost() const { return cost_; }
  const Budget& budget() const { return budget_; }

  // The handle for a sequence of `sequence_len` tokens being written (an insert).
  Writer NewWriter(uint64_t sequence_len) const { return Writer(sequence_len); }

  // The index starts holding [begin, end), written by `w`.
  void Hold(uint64_t begin, uint64_t end, Writer w) {
    tokens_ += end - begin;
    if (Tiered()) hot_ += Hot(begin, end, w);
  }
  // The index stops holding [begin, end) (replaced, or dropped by its own rules).
  // REQUIRES: [begin, end) is held, last written by `w`.
  void Release(uint64_t begin, uint64_t end, Writer w) {
    tokens_ -= end - begin;
    if (Tiered()) hot_ -= Hot(begin, end, w);
  }
  // Release on behalf of the eviction policy: counted in evictions().
  void Evict(uint64_t begin, uint64_t end, Writer w) {
    Release(begin, end, w);
    ++evictions_;
  }
  // The held span [begin, end), written by `from`, was written again by `to`.
  void Rewrite(uint64_t begin, uint64_t end, Writer from, Writer to) {
    if (Tiered()) hot_ = hot_ - Hot(begin, end, from) + Hot(begin, end, to);
  }

  // KV of running requests that no index holds yet (a serving pool's private allocations),
  // priced at the codec's hot bytes per token. It counts against the budget; 0 in `kvsim run`.
  void Reserve(uint64_t tokens) { reserved_ += tokens; }
  // REQUIRES: `tokens` <= reserved_tokens().
  void Unreserve(uint64_t tokens) { reserved_ -= tokens; }
  uint64_t reserved_tokens() const { return reserved_; }

  bool OverBudget() const {
    return (budget_.tokens && tokens_ + reserved_ > *budget_.tokens) ||
           (budget_.bytes && bytes() + reserved_ * cost_.hot_bytes > *budget_.bytes);
  }
  uint64_t tokens() const { return tokens_; }
  // Tokens in the codec's recent-token window (all of them for a codec without one).
  uint64_t hot_tokens() const { return Tiered() ? hot_ : tokens_; }
  uint64_t bytes() const {
    return hot_tokens() * cost_.hot_bytes + (tokens_ - hot_tokens()) * cost_.cold_bytes;
  }
  uint64_t evictions() const { return evictions_; }

 private:
  bool Tiered() const { return cost_.hot.tiered(); }
  uint64_t Hot(uint64_t begin, uint64_t end, Writer w) const {
    const uint64_t from = cost_.hot.HotFrom(w.len_);
    const uint64_t lo = std::max(begin, from);
    return end > lo ? end - lo : 0;
  }

  Budget budget_;
  TokenCost cost_;
  uint64_t tokens_ = 0;
  uint64_t hot_ = 0;
  uint64_t evictions_ = 0;
  uint64_t reserved_ = 0;
};

}  // namespace kvsim
