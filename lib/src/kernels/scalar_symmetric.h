// Scalar reference of one symmetric q8 group (Kernels::encode_q8_symmetric), shared with the
// SIMD translation units, which fall back on it for the groups their fast form declines.
// Internal header.
#pragma once

#include <cstddef>
#include <cstdint>

namespace kvsim::reference {

// g values into [fp16 scale][g int8 codes] (the rule of Kernels::encode_q8_symmetric).
void EncodeQ8SymmetricGroup(const float* v, size_t g, uint8_t* out);

}  // namespace kvsim::reference
