// Two rows equal in every figure a replay gives: hits (per request, by turn, by session),
// evictions, peaks, means and compression. For tests of paths that must agree exactly.
#pragma once

#include <doctest/doctest.h>

#include "kvsim/replay.h"

namespace kvsim::testing {

inline void CheckSameRow(const RowResult& a, const RowResult& b) {
  CHECK(a.hit_tokens == b.hit_tokens);
  CHECK(a.hit_requests == b.hit_requests);
  CHECK(a.prompt_tokens == b.prompt_tokens);
  CHECK(a.evictions == b.evictions);
  CHECK(a.peak_tokens == b.peak_tokens);
  CHECK(a.peak_bytes == b.peak_bytes);
  CHECK(a.mean_tokens == b.mean_tokens);
  CHECK(a.mean_bytes == b.mean_bytes);
  CHECK(a.compression_ratio == b.compression_ratio);
  CHECK(a.hits == b.hits);
  REQUIRE(a.by_turn.size() == b.by_turn.size());
  for (size_t t = 0; t < a.by_turn.size(); ++t) CHECK(a.by_turn[t].hit_tokens == b.by_turn[t].hit_tokens);
  REQUIRE(a.by_session.size() == b.by_session.size());
  for (size_t s = 0; s < a.by_session.size(); ++s) {
    CHECK(a.by_session[s].hit_tokens == b.by_session[s].hit_tokens);
  }
}

}  // namespace kvsim::testing
