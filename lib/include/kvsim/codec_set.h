// CodecSet: one codec instance per distinct codec (name and options) of a run, shared by the
// replay, which prices tokens with it, and the attention probe, which encodes with it. Codecs
// are built on first use at one head dimension and seed, and live as long as the set.
//
// Thread-safe: sweep workers ask for codecs concurrently. The codecs themselves are not: the
// probe (single-threaded, after the replay) is the only caller that calibrates them.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "kvsim/codec.h"
#include "kvsim/ledger.h"
#include "kvsim/model.h"
#include "kvsim/options.h"

namespace kvsim {

class CodecSet {
 public:
  CodecSet(uint32_t head_dim, uint64_t seed) : head_dim_(head_dim), seed_(seed) {}

  uint32_t head_dim() const { return head_dim_; }

  // The codec `name` with `options`, built the first time it is asked for. Throws Error.
  KvCodec& Get(const std::string& name, const Options& options);

  // What a token costs with that codec on `model`, measured once per codec.
  // REQUIRES: model.head_dim == head_dim().
  TokenCost Cost(const std::string& name, const Options& options, const ModelProfile& model);

 private:
  struct Entry {
    std::unique_ptr<KvCodec> codec;
    std::optional<TokenCost> cost;
  };
  Entry& Find(const std::string& name, const Options& options);

  const uint32_t head_dim_;
  const uint64_t seed_;
  std::mutex mu_;
  std::map<std::string, Entry> codecs_;  // by "name:options"
};

}  // namespace kvsim
