// Fuzz target for the .npy reader and KV dumps. The input is one .npy file. ParseNpy must
// return an array whose values match its shape, all finite, or throw kvsim::Error; when the
// array is three-dimensional it is also used as keys, values and queries of a KV dump, which
// must validate or throw Error, and hand out an attention case of the declared sizes.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "kvsim/attention.h"
#include "kvsim/kv_source.h"
#include "kvsim/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  kvsim::NpyArray a;
  try {
    a = kvsim::ParseNpy(in, size, "fuzz.npy");
  } catch (const kvsim::Error&) {
    return 0;
  }
  size_t total = 1;
  for (size_t d : a.shape) total *= d;
  if (total != a.data.size()) std::abort();
  for (float v : a.data) {
    if (!std::isfinite(v)) std::abort();
  }
  if (a.shape.size() != 3) return 0;
  std::unique_ptr<kvsim::KvSource> dump;
  try {
    dump = kvsim::MakeKvDump(a, a, a, "fuzz");
  } catch (const kvsim::Error&) {
    return 0;
  }
  const std::vector<kvsim::Token> tokens(dump->max_tokens() + 1, 7);
  const kvsim::AttentionCase c = dump->Case(tokens, 0, dump->kv_heads() - 1, 4, 1);
  if (c.n != a.shape[0] || c.d != a.shape[2] || c.keys.size() != c.n * c.d ||
      c.queries.size() != c.m * c.d || c.m == 0) {
    std::abort();
  }
  return 0;
}
