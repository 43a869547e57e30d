// Scalar reference kernels: the definition every SIMD version is tested against.
#include <cstring>

#include "kvsim/kernels.h"

namespace kvsim {
namespace {

uint16_t F32ToF16(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint32_t sign = (x >> 16) & 0x8000u;
  const uint32_t abs = x & 0x7fffffffu;
  if (abs >= 0x7f800000u) {  // inf or NaN
    return static_cast<uint16_t>(sign | 0x7c00u | (abs > 0x7f800000u ? 0x200u : 0u));
  }
  if (abs >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // rounds to inf
  if (abs < 0x38800000u) {  // subnormal or zero in fp16
    if (abs < 0x33000000u) return static_cast<uint16_t>(sign);  // below half the smallest
    const uint32_t e = abs >> 23;
    const uint32_t m = (abs & 0x7fffffu) | 0x800000u;
    const uint32_t shift = 126 - e;  // 14 + (112 - e) ... see below
    // value = m * 2^(e-150); fp16 subnormal unit = 2^-24 -> code = m * 2^(e-126)
    const uint32_t s = shift;  // bits to drop: 126 - e, in [14, 24]
    uint32_t code = m >> s;
    const uint32_t rem = m & ((1u << s) - 1);
    const uint32_t half = 1u << (s - 1);
    if (rem > half || (rem == half && (code & 1))) ++code;
    return static_cast<uint16_t>(sign | code);
  }
  uint32_t r = abs - 0x38000000u;  // rebias exponent 127 -> 15
  const uint32_t rem = r & 0x1fffu;
  r >>= 13;
  if (rem > 0x1000u || (rem == 0x1000u && (r & 1))) ++r;  // may carry into the exponent: fine
  return static_cast<uint16_t>(sign | r);
}

float F16ToF32(uint16_t h) {
  const uint32_t sign = (uint32_t{h} & 0x8000u) << 16;
  const uint32_t e = (h >> 10) & 0x1f;
  const uint32_t m = h & 0x3ffu;
  uint32_t x;
  if (e == 0x1f) {
    x = sign | 0x7f800000u | (m << 13);
  } else if (e != 0) {
    x = sign | ((e + 112) << 23) | (m << 13);
  } else if (m == 0) {
    x = sign;
  } else {  // subnormal: m * 2^-24
    float f = static_cast<float>(m) * (1.0f / 16777216.0f);
    std::memcpy(&x, &f, 4);
    x |= sign;
  }
  float f;
  std::memcpy(&f, &x, 4);
  return f;
}

void F32ToF16N(const float* in, uint16_t* out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = F32ToF16(in[i]);
}
void F16ToF32N(const uint16_t* in, float* out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = F16ToF32(in[i]);
}
float DotF32(const float* q, const float* x, size_t n) {
  float s = 0;
  for (size_t i = 0; i < n; ++i) s += q[i] * x[i];
  return s;
}
float DotF16(const float* q, const uint16_t* x, size_t n) {
  float s = 0;
  for (size_t i = 0; i < n; ++i) s += q[i] * F16ToF32(x[i]);
  return s;
}
void AxpyF16(float w, const uint16_t* x, float* acc, size_t n) {
  for (size_t i = 0; i < n; ++i) acc[i] += w * F16ToF32(x[i]);
}
void AxpyF32(float w, const float* x, float* acc, size_t n) {
  for (size_t i = 0; i < n; ++i) acc[i] += w * x[i];
}

}  // namespace

const Kernels& ScalarKernels() {
  static const Kernels k = {"scalar", F32ToF16N, F16ToF32N, DotF32, DotF16, AxpyF16, AxpyF32};
  return k;
}

}  // namespace kvsim
