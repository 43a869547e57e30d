// Per-instruction-set kernel tables, each defined in its own translation unit compiled with its
// own flags (simd_kernels.inc instantiated for one xsimd architecture). Internal header.
#pragma once

#include "kvsim/kernels.h"

namespace kvsim {

const Kernels* Sse4Kernels();
const Kernels* Avx2Kernels();
const Kernels* Avx512Kernels();
const Kernels* Avx512IclKernels();

}  // namespace kvsim
