// Seeded random Mooncake-style traces (JSONL text) for tests of the block-identified paths:
// conversations whose prompts extend earlier prompts by whole and partial blocks, shared
// leading blocks, exact repeats and empty prompts, in a small trace block size.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "kvsim/workload.h"

namespace kvsim::testing {

struct HashIdTraceOptions {
  int requests = 150;
  uint64_t block = 16;     // trace block (--trace-block)
  int max_new_blocks = 4;  // blocks a turn adds
  int max_output = 40;
  double continue_chain = 0.6;
  double repeat = 0.1;
  // Written ids are (id mod id_mod) x id_scale: a small id_mod reuses ids below other parents,
  // a large id_scale spreads them sparsely (ids stay below 2^30).
  uint64_t id_mod = uint64_t{1} << 20;
  uint64_t id_scale = 1;
};

inline std::string HashIdTraceText(uint64_t seed, HashIdTraceOptions o = {}) {
  std::mt19937_64 rng(seed);
  auto uniform = [&](uint64_t lo, uint64_t hi) {
    return std::uniform_int_distribution<uint64_t>(lo, hi)(rng);
  };
  struct Line {
    std::vector<uint64_t> ids;
    uint64_t input;
  };
  std::vector<Line> lines;
  uint64_t next_id = 0;
  std::string text;
  for (int i = 0; i < o.requests; ++i) {
    Line line{{}, 0};
    if (!lines.empty() && std::bernoulli_distribution(o.repeat)(rng)) {
      line = lines[uniform(0, lines.size() - 1)];
    } else {
      if (!lines.empty() && std::bernoulli_distribution(o.continue_chain)(rng)) {
        // Keeps the whole blocks of an earlier prompt (its partial last block too, sometimes).
        const Line& base = lines[uniform(0, lines.size() - 1)];
        line.ids.assign(base.ids.begin(), base.ids.begin() + base.input / o.block);
        if (base.input % o.block != 0 && uniform(0, 1) == 1) line.ids.push_back(base.ids.back());
      } else if (uniform(0, 2) != 0) {
        line.ids.push_back(0);  // a shared system block
      }
      const uint64_t kept = line.ids.size();
      for (uint64_t k = uniform(0, o.max_new_blocks); k > 0; --k) line.ids.push_back(next_id++ + 1);
      if (line.ids.empty()) {
        line.input = 0;
      } else {
        // Every block but the last is whole; the last may be partial unless it was kept whole.
        const bool last_kept = line.ids.size() == kept;
        line.input = (line.ids.size() - 1) * o.block + (last_kept ? o.block : uniform(1, o.block));
      }
    }
    lines.push_back(line);
    std::string ids;
    for (const uint64_t h : line.ids) {
      ids += (ids.empty() ? "" : ",") + std::to_string(h % o.id_mod * o.id_scale);
    }
    text += "{\"timestamp\": " + std::to_string(i * 10) +
            ", \"input_length\": " + std::to_string(line.input) +
            ", \"output_length\": " + std::to_string(uniform(0, o.max_output)) +
            ", \"hash_ids\": [" + ids + "]}\n";
  }
  return text;
}

inline std::unique_ptr<Workload> HashIdTrace(uint64_t seed, HashIdTraceOptions o = {}) {
  LoadOptions load;
  load.format = "mooncake";
  load.trace_block = o.block;
  return ParseWorkload(HashIdTraceText(seed, o), "hash_ids.jsonl", load);
}

}  // namespace kvsim::testing
