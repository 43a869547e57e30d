// AVX-512 (F, BW, DQ, VL) kernels (compiled with -mavx512f -mavx512bw -mavx512dq -mavx512vl
// -mfma -mf16c). See simd_kernels.inc.
#include "simd_kernels.inc"
#include "isa_kernels.h"

namespace kvsim {
const Kernels* Avx512Kernels() { return simd::Impl<xsimd::avx512bw>::Table("avx512"); }
}  // namespace kvsim
