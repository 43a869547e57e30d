// SIMD kernels with runtime dispatch.
//
// Every kernel exists as a scalar reference and as xsimd versions compiled per instruction set
// (one translation unit each, with its own flags; never a global -march=native). The best set
// the CPU supports is chosen at start-up; KVSIM_KERNELS=scalar|sse4|avx2|avx512 or --kernels
// forces one (tests compare each against the scalar reference). The name of the set in use is
// printed in every report.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kvsim {

struct Kernels {
  const char* name;
  // IEEE binary16 conversions, round to nearest even.
  void (*f32_to_f16)(const float* in, uint16_t* out, size_t n);
  void (*f16_to_f32)(const uint16_t* in, float* out, size_t n);
  // <q, x> against fp32 and fp16 vectors.
  float (*dot_f32)(const float* q, const float* x, size_t n);
  float (*dot_f16)(const float* q, const uint16_t* x, size_t n);
  // acc += w * x
  void (*axpy_f16)(float w, const uint16_t* x, float* acc, size_t n);
  void (*axpy_f32)(float w, const float* x, float* acc, size_t n);
};

const Kernels& ScalarKernels();
// The kernels in use (the best supported, unless forced).
const Kernels& ActiveKernels();
// Names of the kernel sets this build has and this CPU supports, best last.
std::vector<std::string> AvailableKernels();
// Forces a kernel set by name; throws Error if unknown or unsupported here.
void ForceKernels(const std::string& name);
// Looks up a kernel set by name (for tests); nullptr if unavailable.
const Kernels* FindKernels(const std::string& name);

}  // namespace kvsim
