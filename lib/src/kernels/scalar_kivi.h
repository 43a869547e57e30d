// Scalar reference of the kivi kernels (kvsim/kernels.h: pack_slots, axpy_slots, score_kivi,
// encode_kivi), in
// the scalar kernel table. Internal header.
#pragma once

#include "kvsim/kernels.h"

namespace kvsim::reference {

// Code i of n codes of `bits` packed by slot (see Kernels::pack_slots).
inline uint32_t SlotCode(const uint8_t* packed, size_t n, uint32_t bits, size_t i) {
  const size_t m = n * bits / 8;
  return (packed[i % m] >> (bits * (i / m))) & ((1u << bits) - 1);
}

void PackSlots(const uint8_t* codes, size_t n, uint32_t bits, uint8_t* packed);
void AxpySlots(float a, float b, const uint8_t* packed, size_t n, uint32_t bits, float* acc);
void ScoreKivi(const float* q, const uint8_t* groups, size_t stride, size_t n, size_t d, size_t t,
               uint32_t bits, float* out);
// Channels [from, to) of a key group of t tokens and d channels (EncodeKivi: all of them).
void EncodeKiviChannels(const float* x, size_t t, size_t d, uint32_t bits, size_t from, size_t to,
                        uint8_t* out);
void EncodeKivi(const float* x, size_t t, size_t d, uint32_t bits, uint8_t* out);

}  // namespace kvsim::reference
