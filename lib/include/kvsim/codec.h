// Codecs: how one cached token's K and V vectors are stored (docs/contract.md, "Codecs").
//
// A VectorCodec encodes one head vector of length dim() into at most max_encoded_bytes() bytes
// and reports the bytes it actually wrote; byte budgets are charged from those counts, never
// from a formula. Score and Accumulate work on the encoded bytes directly (through the SIMD
// kernels) wherever the format allows, so attention never needs fp32 copies of the keys.
// A KvCodec picks the vector codec for keys and values of each tier: only two-tier has a cold
// tier different from the hot one.
//
// Thread-safety: codecs are immutable after construction; all methods are const and safe to call
// from several threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "kvsim/ledger.h"
#include "kvsim/model.h"
#include "kvsim/options.h"

namespace kvsim {

class VectorCodec {
 public:
  virtual ~VectorCodec() = default;
  virtual std::string name() const = 0;
  virtual size_t dim() const = 0;
  virtual size_t max_encoded_bytes() const = 0;
  virtual bool lossless() const { return false; }

  // Encodes x[0..dim) into out; returns the bytes written. REQUIRES: x is finite.
  virtual size_t Encode(const float* x, uint8_t* out) const = 0;
  virtual void Decode(const uint8_t* in, float* out) const = 0;
  // Encodes n vectors x[i dim() ..] into out + i * stride (stride >= max_encoded_bytes()),
  // byte for byte what n calls of Encode write. Codecs that share work across vectors
  // (TurboQuant's QJL matrix) override it.
  virtual void EncodeBatch(const float* x, size_t n, uint8_t* out, size_t stride) const;

  // out[i] = <q, x~_i> for the n vectors stored at codes + i * stride.
  virtual void Score(const float* q, const uint8_t* codes, size_t stride, size_t n,
                     float* out) const;
  // acc[0..dim) += sum_i w[i] * x~_i.
  virtual void Accumulate(const float* w, const uint8_t* codes, size_t stride, size_t n,
                          float* acc) const;

  // Adapts data-dependent choices (TurboQuant's outlier channels) to n sample vectors. Not
  // thread-safe: call before the codec is shared. Most codecs ignore it.
  virtual void Calibrate(const float* /*vectors*/, size_t /*n*/) {}
};

enum class Tier { kHot, kCold };

class KvCodec {
 public:
  virtual ~KvCodec() = default;
  virtual const VectorCodec& key(Tier tier) const = 0;
  virtual const VectorCodec& value(Tier tier) const = 0;
  // Two-tier: tokens at positions >= seq_len - tail() are hot. kNoTail otherwise.
  virtual uint64_t tail() const { return kNoTail; }
  // Forwards to the vector codecs' Calibrate (n key and n value vectors).
  virtual void Calibrate(const float* /*keys*/, const float* /*values*/, size_t /*n*/) {}
  bool lossless() const {
    return key(Tier::kHot).lossless() && value(Tier::kHot).lossless() &&
           key(Tier::kCold).lossless() && value(Tier::kCold).lossless();
  }
};

// Creates codec `name` (a registry entry) for vectors of length head_dim.
std::unique_ptr<KvCodec> MakeCodec(const std::string& name, const Options& options,
                                   uint32_t head_dim, uint64_t seed);

// Bytes per token in each tier, measured by encoding seeded random vectors with the codec and
// summing the bytes written, times the model's vectors per token.
TokenCost MeasureTokenCost(const KvCodec& codec, const ModelProfile& model, uint64_t seed);

}  // namespace kvsim
