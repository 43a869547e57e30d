// Hit-rate curves (docs/contract.md, "Hit-rate curves"): every capacity's hit count from one
// pass, for the strategies whose eviction order does not depend on the capacity.
//
// A curve strategy is a block-trie (any block size) with a codec of constant bytes per token:
// its cache at capacity C is contained in its cache at C + 1, so the LRU stack distance of
// every block use gives the hits at all capacities at once. The curve lists the capacities
// where the hit count changes; at every capacity it equals a replay at that budget, exactly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kvsim/ledger.h"
#include "kvsim/strategy.h"

namespace kvsim {

// From capacity `tokens` (`bytes` under the codec) up to the next point, the hits are these.
struct CurvePoint {
  uint64_t tokens = 0, bytes = 0;
  uint64_t hit_tokens = 0, hit_requests = 0;
  double token_hit_rate = 0, request_hit_rate = 0;
  bool operator==(const CurvePoint&) const = default;
};

// A sampled curve's distance from the exact one: absolute token hit rate differences over
// 1,000 evenly spaced capacities, from the smallest to the exact curve's last point.
struct CurveError {
  double mean_abs = 0, max_abs = 0;
  bool operator==(const CurveError&) const = default;
};

struct Curve {
  uint64_t block_size = 0;
  double sample = 1;             // share of blocks tracked (1: exact)
  uint64_t change_points = 0;    // points before thinning
  uint64_t blocks = 0;           // distinct blocks of the workload (estimated when sampled)
  std::vector<CurvePoint> points;
  std::optional<CurveError> error;  // sampled curves, when the exact one was computed too
  bool operator==(const Curve&) const = default;
};

struct CurveOptions {
  double sample = 1;          // SHARDS rate in (0, 1]; 1: exact
  bool check_sample = false;  // also compute the exact curve and report the sampled one's error
  size_t points = 2000;       // at most about this many points per curve (0: every change point)
};

// A strategy's curve, as a run or sweep carries it beside its rows.
struct NamedCurve {
  std::string strategy;
  Curve curve;
  bool operator==(const NamedCurve&) const = default;
};

// The token-granular LRU: the curve strategy closest to radix, drawn beside radix's points.
inline constexpr const char* kTokenLru = "block-trie:block_size=1";

// Why `strategy`, whose codec costs `cost`, has no one-pass curve (a sentence for the user that
// suggests `kvsim sweep`); nullopt for a curve strategy.
std::optional<std::string> CurveRefusal(const Strategy& strategy, const TokenCost& cost);

// The capacity in blocks that a budget gives a block-trie of `block_size` at `cost`: the most
// blocks whose tokens and bytes fit (UINT64_MAX - 1 when unbounded).
uint64_t CapacityBlocks(const Budget& budget, uint64_t block_size, const TokenCost& cost);

// The curve's hits at a capacity of `tokens` tokens (0 below its first point).
CurvePoint CurveAt(const Curve& curve, uint64_t tokens);

}  // namespace kvsim
