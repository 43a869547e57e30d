// Scalar reference of the fp8 and nvfp4 kernels (kvsim/kernels.h), in the scalar kernel table.
// Internal header.
#pragma once

#include "kvsim/kernels.h"

namespace kvsim::reference {

void F32ToLowFloat(const float* x, size_t n, float inv_scale, LowFloat format, uint8_t* out);
void LowFloatToF32(const uint8_t* codes, size_t n, LowFloat format, float* out);
void ScoreFp8(const float* q, const uint8_t* keys, size_t stride, size_t n, size_t d,
              LowFloat format, float* out);
void AccumulateFp8(const float* w, float scale, const uint8_t* codes, size_t stride, size_t n,
                   size_t d, LowFloat format, float* acc);
void EncodeNvfp4(const float* x, size_t d, float global_scale, uint8_t* out);
void ScoreNvfp4(const float* q, const uint8_t* codes, size_t stride, size_t n, size_t d,
                float* out);
void AccumulateNvfp4(const float* w, float scale, const uint8_t* codes, size_t stride, size_t n,
                     size_t d, float* acc);

}  // namespace kvsim::reference
