// SSE4.2 kernels (compiled with -msse4.2). See simd_kernels.inc.
#include "simd_kernels.inc"
#include "isa_kernels.h"

namespace kvsim {
const Kernels* Sse4Kernels() { return simd::Impl<xsimd::sse4_2>::Table("sse4"); }
}  // namespace kvsim
