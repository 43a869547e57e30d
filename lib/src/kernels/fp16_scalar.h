// Scalar binary16 conversions (round to nearest even) and the groupwise header rule, shared by
// the scalar reference and the SIMD translation units so both compute identical bytes.
// Internal header.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

#if defined(__F16C__)
#include <immintrin.h>
#endif

namespace kvsim::fp16 {
// Internal linkage: translation units compiled with F16C use the instruction, the others the
// bit-exact software conversion; both round to nearest even, so they agree on every input.
namespace {

inline uint16_t FromFloat(float f) {
#if defined(__F16C__)
  return static_cast<uint16_t>(_cvtss_sh(f, _MM_FROUND_TO_NEAREST_INT));
#endif
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint32_t sign = (x >> 16) & 0x8000u;
  const uint32_t abs = x & 0x7fffffffu;
  if (abs >= 0x7f800000u) {  // inf or NaN
    return static_cast<uint16_t>(sign | 0x7c00u | (abs > 0x7f800000u ? 0x200u : 0u));
  }
  if (abs >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // rounds to inf
  if (abs < 0x38800000u) {  // subnormal or zero in fp16
    if (abs < 0x33000000u) return static_cast<uint16_t>(sign);  // at most half the smallest
    // value = m * 2^(e-150); the fp16 subnormal unit is 2^-24, so code = m * 2^(e-126):
    // drop s = 126 - e bits (14..24), rounding to nearest even.
    const uint32_t e = abs >> 23;
    const uint32_t m = (abs & 0x7fffffu) | 0x800000u;
    const uint32_t s = 126 - e;
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

inline float ToFloat(uint16_t h) {
#if defined(__F16C__)
  return _cvtsh_ss(h);
#endif
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

inline float Load(const uint8_t* p) {
  uint16_t h;
  std::memcpy(&h, p, 2);
  return ToFloat(h);
}

// The next half toward -inf / +inf of a finite half (sign-magnitude ordering).
inline uint16_t Down(uint16_t h) {
  if (h == 0x0000) return 0x8001;
  return (h & 0x8000) ? static_cast<uint16_t>(h + 1) : static_cast<uint16_t>(h - 1);
}
inline uint16_t Up(uint16_t h) {
  if (h == 0x8000) return 0x0001;
  return (h & 0x8000) ? static_cast<uint16_t>(h - 1) : static_cast<uint16_t>(h + 1);
}

// a x b rounded on its own: where FMA exists GCC fuses a multiply into a later add
// (-ffp-contract=fast), which would make the SIMD translation units round the header's
// coverage test differently from the scalar reference.
inline float Product(float a, float b) {
  float p = a * b;
#if defined(__GNUC__) && defined(__x86_64__)
  __asm__("" : "+x"(p));
#endif
  return p;
}

// Groupwise header for a group with minimum mn and maximum mx: the minimum rounded down and the
// scale rounded up to fp16, so [min, min + scale x max_code] covers the group and every value
// decodes within half a step. Writes [scale][min] and returns (min, 1 / scale or 0).
inline void GroupHeader(float mn, float mx, uint32_t max_code, uint8_t* out, float* min,
                        float* inv_scale) {
  constexpr float kMax = 65504.f;
  mn = std::clamp(mn, -kMax, kMax);
  mx = std::clamp(mx, -kMax, kMax);
  uint16_t mh = FromFloat(mn);
  float m = ToFloat(mh);
  if (m > mn) m = ToFloat(mh = Down(mh));
  uint16_t sh = FromFloat((mx - m) / static_cast<float>(max_code));
  float s = ToFloat(sh);
  if (m + Product(s, static_cast<float>(max_code)) < mx) s = ToFloat(sh = Up(sh));
  std::memcpy(out, &sh, 2);
  std::memcpy(out + 2, &mh, 2);
  *min = m;
  *inv_scale = s > 0 ? 1.f / s : 0.f;
}

}  // namespace
}  // namespace kvsim::fp16
