// Codecs: how one cached token's K and V vectors are stored (docs/contract.md, "Codecs").
//
// A VectorCodec encodes one head vector of length dim() into at most max_encoded_bytes() bytes
// and reports the bytes it actually wrote; byte budgets are charged from those counts, never
// from a formula. Score and Accumulate work on the encoded bytes directly (through the SIMD
// kernels) wherever the format allows, so attention never needs fp32 copies of the keys.
// A KvCodec picks the group codec (GroupCodec: the tokens encoded together, one for per-token
// codecs) for keys and values of each tier: two-tier and kivi have a cold tier different from
// the hot one, and a HotRule saying which tokens of a sequence are hot.
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

// A GroupCodec stores tokens_per_group() consecutive tokens' vectors of one head together: the
// unit a codec encodes. Per-token codecs are groups of one token (PerTokenGroups adapts a
// VectorCodec); kivi's keys, quantized per channel over `group` consecutive tokens, are groups
// of `group` tokens. Callers (attention, byte measurement) use only this interface, so a codec
// whose encoding spans several tokens needs no special case.
class GroupCodec {
 public:
  virtual ~GroupCodec() = default;
  virtual std::string name() const = 0;
  virtual size_t dim() const = 0;
  virtual size_t tokens_per_group() const = 0;
  virtual size_t max_group_bytes() const = 0;
  virtual bool lossless() const { return false; }

  // Encodes the tokens_per_group() vectors x[t dim() ..] of one group into out; returns the
  // bytes written. REQUIRES: x is finite.
  virtual size_t EncodeGroup(const float* x, uint8_t* out) const = 0;
  // Decodes one group into out[t dim() ..].
  virtual void DecodeGroup(const uint8_t* in, float* out) const = 0;
  // `groups` groups: vectors x[(g tokens_per_group() + t) dim() ..] into out + g * stride
  // (stride >= max_group_bytes()), byte for byte what EncodeGroup writes for each.
  virtual void EncodeGroups(const float* x, size_t groups, uint8_t* out, size_t stride) const;
  // out[g tokens_per_group() + t] = <q, x~> of token t of the group stored at codes + g * stride.
  virtual void ScoreGroups(const float* q, const uint8_t* codes, size_t stride, size_t groups,
                           float* out) const = 0;
  // acc[0..dim) += sum over the groups' tokens of w[g tokens_per_group() + t] * x~.
  virtual void AccumulateGroups(const float* w, const uint8_t* codes, size_t stride,
                                size_t groups, float* acc) const = 0;
  // See VectorCodec::Calibrate.
  virtual void Calibrate(const float* /*vectors*/, size_t /*n*/) {}
  // The vector codec behind a group of one token; nullptr when groups span several tokens.
  virtual const VectorCodec* per_token() const { return nullptr; }
};

// The group codec of a per-token codec: tokens_per_group() == 1, every call forwarded.
std::unique_ptr<GroupCodec> PerTokenGroups(std::unique_ptr<VectorCodec> codec);

enum class Tier { kHot, kCold };

class KvCodec {
 public:
  virtual ~KvCodec() = default;
  virtual const GroupCodec& keys(Tier tier) const = 0;
  virtual const GroupCodec& values(Tier tier) const = 0;
  // The vector codecs of per-token groups. REQUIRES: keys(tier).per_token() (values(tier)'s).
  const VectorCodec& key(Tier tier) const { return *keys(tier).per_token(); }
  const VectorCodec& value(Tier tier) const { return *values(tier).per_token(); }
  // Which positions of a sequence are hot (see HotRule): untiered by default.
  virtual HotRule hot_rule() const { return {}; }
  uint64_t HotFrom(uint64_t seq_len) const { return hot_rule().HotFrom(seq_len); }
  // Forwards to the group codecs' Calibrate (n key and n value vectors).
  virtual void Calibrate(const float* /*keys*/, const float* /*values*/, size_t /*n*/) {}
  bool lossless() const {
    return keys(Tier::kHot).lossless() && values(Tier::kHot).lossless() &&
           keys(Tier::kCold).lossless() && values(Tier::kCold).lossless();
  }
};

// Creates codec `name` (a registry entry) for vectors of length head_dim.
std::unique_ptr<KvCodec> MakeCodec(const std::string& name, const Options& options,
                                   uint32_t head_dim, uint64_t seed);

// Bytes per token in each tier, measured by encoding a group of seeded random vectors with the
// codec and summing the bytes written, times the model's vectors per token over the tokens per
// group (rounded up).
TokenCost MeasureTokenCost(const KvCodec& codec, const ModelProfile& model, uint64_t seed);

}  // namespace kvsim
