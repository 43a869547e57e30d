// KvSource: where the probe's keys, values and queries come from.
//
// SyntheticKv is seeded and prefix-dependent, with the statistics that make KV compression hard;
// a KV dump holds tensors a user dumped from a real model (.npy, kvsim/npy.h). Sources are
// immutable once built and may be read from several threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "kvsim/attention.h"
#include "kvsim/npy.h"
#include "kvsim/token.h"

namespace kvsim {

class KvSource {
 public:
  virtual ~KvSource() = default;
  virtual std::string name() const = 0;
  virtual uint32_t head_dim() const = 0;
  virtual uint32_t kv_heads() const = 0;
  // The most context tokens it can provide (synthetic: unlimited).
  virtual size_t max_tokens() const = 0;
  // One case: the KV of `tokens` (only their count matters for a dump) for one (layer, kv head),
  // and `queries` queries at the next position.
  virtual AttentionCase Case(TokenSpan tokens, uint32_t layer, uint32_t kv_head,
                             size_t queries, uint64_t seed) const = 0;
};

// Synthetic KV: keys with per-channel scales and offsets and a few outlier channels of much
// larger magnitude, rotary position embedding (base 10000) on keys and queries, near-isotropic
// values, and queries aimed at a few tokens on top of a broad component. A token's vectors
// depend on the hash of its whole prefix, so requests sharing a prefix share those vectors.
std::unique_ptr<KvSource> NewSyntheticKv(uint32_t head_dim, uint32_t kv_heads, uint64_t seed);

// A directory of NumPy .npy files: keys.npy and values.npy [tokens, kv_heads, head_dim] and
// queries.npy [queries, heads, head_dim], float32 or float16; heads a multiple of kv_heads
// (grouped-query attention: query head h reads kv head h / (heads / kv_heads)). Throws Error.
std::unique_ptr<KvSource> LoadKvDump(const std::string& dir);

// A KV source over arrays already read (what LoadKvDump does after reading the three files);
// validates their shapes against each other. `dir` names them in messages.
std::unique_ptr<KvSource> MakeKvDump(NpyArray keys, NpyArray values, NpyArray queries,
                                     const std::string& dir);

}  // namespace kvsim
