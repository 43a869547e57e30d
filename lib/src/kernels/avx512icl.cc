// AVX-512 with VBMI, VNNI and GFNI (Ice Lake, Zen 4 and later; compiled with the avx512 flags
// plus -mavx512vbmi -mavx512vnni -mgfni). The same kernels as avx512, except TurboQuant scores,
// which take the integer path of score_kernels.inc. See simd_kernels.inc.
#include "simd_kernels.inc"
#include "isa_kernels.h"

namespace kvsim {
const Kernels* Avx512IclKernels() { return simd::Impl<xsimd::avx512bw>::Table("avx512icl"); }
}  // namespace kvsim
