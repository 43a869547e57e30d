// AVX2 + FMA + F16C kernels (compiled with -mavx2 -mfma -mf16c). See simd_kernels.inc.
#include "simd_kernels.inc"
#include "isa_kernels.h"

namespace kvsim {
const Kernels* Avx2Kernels() { return simd::Impl<xsimd::fma3<xsimd::avx2>>::Table("avx2"); }
}  // namespace kvsim
