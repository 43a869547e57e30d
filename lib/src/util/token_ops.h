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

}  // namespace kvsim
