// Seeded random workloads for differential and conformance tests: multi-turn sessions that
// extend their own history, shared system prefixes, and a small token alphabet so that
// sequences diverge inside segments and blocks (splits, partial blocks, prefix entries).
#pragma once

#include <random>
#include <vector>

#include "kvsim/workload.h"

namespace kvsim::testing {

struct RandomWorkloadOptions {
  int requests = 200;
  int alphabet = 6;        // token ids drawn from [0, alphabet)
  int max_new = 40;        // new tokens per turn: 0..max_new
  int max_output = 20;
  int prefixes = 3;        // shared system prefixes
  int prefix_len = 30;
  double continue_session = 0.6;
  double repeat = 0.1;     // replay an earlier request exactly (retries, regenerations)
};

inline std::unique_ptr<Workload> RandomWorkload(uint64_t seed, RandomWorkloadOptions o = {}) {
  std::mt19937_64 rng(seed);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto random_tokens = [&](int n) {
    std::vector<Token> v;
    for (int i = 0; i < n; ++i) v.push_back(static_cast<Token>(uniform(0, o.alphabet - 1)));
    return v;
  };
  std::vector<std::vector<Token>> prefixes;
  for (int p = 0; p < o.prefixes; ++p) prefixes.push_back(random_tokens(uniform(1, o.prefix_len)));
  struct Session {
    std::vector<Token> history;
    size_t system_len;
    uint32_t turns;
  };
  std::vector<Session> sessions;
  std::vector<OwnedRequest> requests;
  for (int i = 0; i < o.requests; ++i) {
    if (!requests.empty() && std::bernoulli_distribution(o.repeat)(rng)) {
      OwnedRequest again = requests[static_cast<size_t>(uniform(0, static_cast<int>(requests.size()) - 1))];
      again.time = i;
      if (uniform(0, 1) == 0) again.output.clear();
      requests.push_back(std::move(again));
      continue;
    }
    size_t s;
    if (!sessions.empty() && std::bernoulli_distribution(o.continue_session)(rng)) {
      s = static_cast<size_t>(uniform(0, static_cast<int>(sessions.size()) - 1));
    } else {
      Session fresh{{}, 0, 0};
      if (uniform(0, 3) > 0) {
        fresh.history = prefixes[static_cast<size_t>(uniform(0, o.prefixes - 1))];
        fresh.system_len = fresh.history.size();
      }
      sessions.push_back(fresh);
      s = sessions.size() - 1;
    }
    Session& session = sessions[s];
    OwnedRequest r;
    const auto user = random_tokens(uniform(0, o.max_new));
    r.prompt = session.history;
    r.prompt.insert(r.prompt.end(), user.begin(), user.end());
    r.output = random_tokens(uniform(0, o.max_output));
    r.time = i;
    r.session = static_cast<uint32_t>(s);
    r.turn = ++session.turns;
    r.system_len = session.system_len;
    session.history = r.prompt;
    session.history.insert(session.history.end(), r.output.begin(), r.output.end());
    requests.push_back(std::move(r));
  }
  return MakeWorkload(std::move(requests), "random");
}

// Every request's (prompt, sequence) in replay order, for reference implementations.
struct Flat {
  std::vector<Token> prompt, sequence;
  size_t system_len;
};
inline std::vector<Flat> Flatten(const Workload& w, bool cache_output = true) {
  std::vector<Flat> out;
  auto stream = w.Open();
  while (const Request* r = stream->Next()) {
    Flat f;
    f.prompt.assign(r->prompt().begin(), r->prompt().end());
    const TokenSpan seq = cache_output ? r->tokens : r->prompt();
    f.sequence.assign(seq.begin(), seq.end());
    f.system_len = r->system_len;
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace kvsim::testing
