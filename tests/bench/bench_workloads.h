// Generated workloads for the benchmarks: many interleaved multi-turn sessions over a few long
// shared system prompts (the shape that makes prefix caching pay off).
#pragma once

#include <random>

#include "kvsim/workload.h"

namespace kvsim::bench {

inline std::unique_ptr<Workload> LongPrefixWorkload(int sessions = 2000, int turns = 8,
                                                    int system_len = 4096, int user_len = 200,
                                                    int output_len = 300) {
  std::mt19937_64 rng(1);
  std::vector<std::vector<Token>> systems;
  Token next = 1;
  for (int s = 0; s < 8; ++s) {
    std::vector<Token> p;
    for (int i = 0; i < system_len; ++i) p.push_back(next++);
    systems.push_back(p);
  }
  std::vector<OwnedRequest> reqs;
  for (int s = 0; s < sessions; ++s) {
    std::vector<Token> history = systems[rng() % systems.size()];
    const double start = static_cast<double>(rng() % 100000);
    for (int t = 0; t < turns; ++t) {
      OwnedRequest r;
      for (int i = 0; i < user_len; ++i) history.push_back(next++);
      r.prompt = history;
      for (int i = 0; i < output_len; ++i) r.output.push_back(next++);
      history.insert(history.end(), r.output.begin(), r.output.end());
      r.time = start + 30.0 * t;
      r.session = static_cast<uint32_t>(s);
      r.turn = static_cast<uint32_t>(t + 1);
      r.system_len = static_cast<size_t>(system_len);
      reqs.push_back(std::move(r));
    }
  }
  return MakeWorkload(std::move(reqs), "long-prefix");
}

}  // namespace kvsim::bench
