// A request inside a serving replica: its tokens (copied: a stream's views do not outlive the
// next request) and its progress. Internal header.
#pragma once

#include <cstdint>
#include <vector>

#include "kvsim/token.h"
#include "kvsim/workload.h"

namespace kvsim {

struct LiveRequest {
  uint64_t position = 0;  // in the workload's replay order
  double arrival = 0;
  double delay = 0;  // closed loop: think time before it
  uint32_t session = 0, turn = 1;
  std::vector<Token> tokens;
  size_t prompt_len = 0, system_len = 0;

  uint64_t hit = 0;       // prompt tokens reused from the cache
  uint64_t computed = 0;  // prompt tokens with KV: the hit, then each prefill chunk
  uint64_t target = 0;    // tokens to compute before the next token: the prompt, or after a
                          // preemption the prompt and the output so far (recomputed)
  uint64_t decoded = 0;   // output tokens produced
  uint64_t pinned = 0;    // prompt prefix pinned in the index
  uint64_t reserved = 0;  // tokens reserved in the ledger
  bool prompt_pending = false;  // prefilled; the prompt goes into the index before any match
  bool counted = false;         // admitted once: its hit is in the row, its wait measured
  double load_end = 0;          // when its prefix loaded from memory tiers is in the GPU
  double admitted = 0, first_token = 0;

  static LiveRequest From(const Request& r, uint64_t position, double arrival) {
    LiveRequest l;
    l.position = position;
    l.arrival = arrival;
    l.delay = r.delay;
    l.session = r.session;
    l.turn = r.turn;
    l.tokens.assign(r.tokens.begin(), r.tokens.end());
    l.prompt_len = r.prompt_len;
    l.system_len = r.system_len;
    l.target = r.prompt_len;
    return l;
  }
  Request View() const {
    Request r;
    r.time = arrival;
    r.session = session;
    r.turn = turn;
    r.tokens = TokenSpan(tokens);
    r.prompt_len = prompt_len;
    r.system_len = system_len;
    r.delay = delay;
    return r;
  }
  uint64_t output_len() const { return tokens.size() - prompt_len; }
  bool prefilled() const { return computed >= target; }
};

}  // namespace kvsim
