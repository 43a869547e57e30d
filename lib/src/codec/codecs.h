// Constructors of the codecs, one per file; only the codec registry calls them. Internal header.
#pragma once

#include <memory>

#include "kvsim/codec.h"
#include "kvsim/kernels.h"

namespace kvsim {

std::unique_ptr<VectorCodec> NewFp32Codec(size_t dim);
std::unique_ptr<VectorCodec> NewFp16Codec(size_t dim);

// Groupwise asymmetric quantization (bits 8, 4 or 2), or with `symmetric` (bits 8 only) the
// symmetric q8 layout of Kernels::encode_q8_symmetric. Throws Error on a bad group size.
std::unique_ptr<VectorCodec> NewGroupwiseCodec(uint32_t bits, size_t group_size, size_t dim,
                                               bool symmetric = false);

// OCP FP8 (E4M3 or E5M2) with one per-tensor scale, calibrated (amax / largest) or 1.0.
std::unique_ptr<VectorCodec> NewFp8Codec(LowFloat format, bool calibrated, size_t dim);
// NVFP4: E2M1 values, an E4M3 scale per 16, a calibrated fp32 per-tensor scale. Throws Error
// unless 16 divides dim.
std::unique_ptr<VectorCodec> NewNvfp4Codec(size_t dim);

// The key and value group codecs of one tier.
struct TierCodecs {
  std::unique_ptr<GroupCodec> keys, values;
};
// A KvCodec whose tokens at positions >= rule.HotFrom(sequence length) use `hot`, the others
// `cold`.
std::unique_ptr<KvCodec> NewTieredKvCodec(HotRule rule, TierCodecs hot, TierCodecs cold);

// Hot tail in fp16, older tokens in a groupwise store of `store_bits`.
std::unique_ptr<KvCodec> NewTwoTierCodec(uint64_t tail, uint32_t store_bits, size_t group,
                                         size_t dim);

// kivi: keys per channel over groups of `group` tokens, values per token in groups of `group`
// channels, `bits` 2 or 4; the last `residual` tokens and the unfilled key group in fp16. Throws
// Error naming the option on a bad combination.
std::unique_ptr<KvCodec> NewKiviCodec(uint32_t bits, size_t group, uint64_t residual, size_t dim);

struct TurboQuantOptions {
  uint32_t bits = 4;
  bool prod = false;           // b-1 bits of Lloyd-Max + 1 bit of QJL on the residual
  // Rotation of each part: "hadamard" (random signs + Walsh-Hadamard, zero-padded to a power
  // of two), "dense" (Haar), or "auto": hadamard where the part's dimension is a power of two
  // (no padding, same measured distortion, 3x cheaper), dense otherwise.
  std::string rotation = "auto";
  uint64_t seed = 0;
  uint32_t outlier_channels = 0;
  uint32_t outlier_bits = 0;   // 0: bits + 1
};
std::unique_ptr<VectorCodec> NewTurboQuantCodec(const TurboQuantOptions& options, size_t dim);

// A KvCodec with one vector codec for keys and one for values, the same in both tiers.
std::unique_ptr<KvCodec> NewUniformKvCodec(std::unique_ptr<VectorCodec> key,
                                           std::unique_ptr<VectorCodec> value);

}  // namespace kvsim
