// Small token-array helpers shared by the indexes. Internal header.
#pragma once

#include <cstring>

#include "kvsim/token.h"

namespace kvsim {

// Length of the common prefix of a and b. Compares 8 tokens at a time (memcmp of a constant 32
// bytes compiles to two vector compares), then finishes token by token.
inline size_t CommonPrefix(const Token* a, const Token* b, size_t n) {
  size_t i = 0;
  while (i + 8 <= n && std::memcmp(a + i, b + i, 8 * sizeof(Token)) == 0) i += 8;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

// A 64-bit hash of n tokens, seeded (identity of a block among its siblings; collisions are
// resolved by the callers, which compare tokens).
inline uint64_t HashTokens(uint64_t seed, const Token* t, size_t n) {
  uint64_t h = 0x9e3779b97f4a7c15ull ^ (seed * 0xff51afd7ed558ccdull) ^ n;
  for (size_t i = 0; i < n; ++i) {
    h = (h ^ t[i]) * 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 29;
  }
  return h;
}

inline constexpr uint64_t kLaneMul = 0xc4ceb9fe1a85ec53ull;

// Mixes n tokens into four independent multiply lanes (token i into lane i mod 4, the last
// n mod 4 into lane 0), so that hashing a long block is not one serial multiply chain.
inline void MixLanes(uint64_t (&h)[4], const Token* t, size_t n) {
  constexpr uint64_t kMul = kLaneMul;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    for (size_t l = 0; l < 4; ++l) {
      h[l] = (h[l] ^ t[i + l]) * kMul;
      h[l] ^= h[l] >> 29;
    }
  }
  for (; i < n; ++i) {
    h[0] = (h[0] ^ t[i]) * kMul;
    h[0] ^= h[0] >> 29;
  }
}

// A 64-bit hash of n tokens for lookups that verify tokens on a hash match (the block indexes).
inline uint64_t HashBlock(uint64_t seed, const Token* t, size_t n) {
  uint64_t h[4] = {0x9e3779b97f4a7c15ull ^ (seed * 0xff51afd7ed558ccdull) ^ n,
                   0x243f6a8885a308d3ull, 0x13198a2e03707344ull, 0xa4093822299f31d0ull};
  MixLanes(h, t, n);
  uint64_t x = h[0];
  for (size_t l = 1; l < 4; ++l) {
    x = (x ^ h[l]) * kLaneMul;
    x ^= x >> 29;
  }
  return x;
}

}  // namespace kvsim
