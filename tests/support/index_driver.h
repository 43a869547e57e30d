// Drives one index directly with hand-made requests, for behaviour tests of a single engine.
#pragma once

#include <deque>
#include <memory>
#include <vector>

#include "kvsim/index.h"
#include "kvsim/strategy.h"

namespace kvsim::testing {

class IndexDriver {
 public:
  IndexDriver(const std::string& strategy, Budget budget, TokenCost cost = {1, 1, kNoTail})
      : ledger_(budget, cost) {
    const Strategy s = ParseStrategy(strategy);
    index_ = MakeIndex(s.index, s.index_options, &ledger_);
  }

  // One replay step; returns the hit.
  uint64_t Step(std::vector<Token> prompt, std::vector<Token> output = {}, size_t system_len = 0) {
    std::vector<Token> seq = prompt;
    seq.insert(seq.end(), output.begin(), output.end());
    storage_.push_back(std::move(seq));
    Request r;
    r.tokens = storage_.back();
    r.prompt_len = prompt.size();
    r.system_len = system_len;
    const uint64_t hit = index_->Match(r, now_);
    index_->Insert(r, r.tokens, now_);
    while (ledger_.OverBudget() && index_->EvictOne()) {
    }
    ++now_;
    return hit;
  }

  // The hit a request would get, without changing anything but LRU times (Match only).
  uint64_t Probe(std::vector<Token> prompt) {
    storage_.push_back(std::move(prompt));
    Request r;
    r.tokens = storage_.back();
    r.prompt_len = r.tokens.size();
    return index_->Match(r, now_++);
  }

  const Ledger& ledger() const { return ledger_; }

 private:
  Ledger ledger_;
  std::unique_ptr<Index> index_;
  std::deque<std::vector<Token>> storage_;
  Tick now_ = 0;
};

inline std::vector<Token> Seq(Token from, size_t n) {
  std::vector<Token> v;
  for (size_t i = 0; i < n; ++i) v.push_back(from + static_cast<Token>(i));
  return v;
}

inline std::vector<Token> Cat(std::vector<Token> a, const std::vector<Token>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace kvsim::testing
