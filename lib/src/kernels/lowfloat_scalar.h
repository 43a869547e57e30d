// Scalar definitions of the minifloats (kvsim::LowFloat), shared by the scalar reference and the
// SIMD translation units. Internal header.
//
// The formats, as the OCP 8-bit Floating Point Specification (OFP8, rev. 1.0) and the OCP
// Microscaling Formats (MX) v1.0 specification define them:
//   E4M3: 1 sign, 4 exponent (bias 7), 3 mantissa bits; no infinities; S.1111.111 is NaN; largest
//         448 (0x7e), smallest subnormal 2^-9.
//   E5M2: 1 sign, 5 exponent (bias 15), 2 mantissa bits; IEEE-like: S.11111.00 infinity, other
//         S.11111.xx NaN; largest 57344 (0x7b), smallest subnormal 2^-16.
//   E2M1: 1 sign (bit 3), 2 exponent (bias 1), 1 mantissa bit; no infinities or NaN; values
//         0, 0.5, 1, 1.5, 2, 3, 4, 6 (the element type of NVIDIA's NVFP4).
// Conversion from float rounds to nearest, ties to even. Magnitudes beyond the largest finite
// value, infinities included, saturate to it (the "satfinite" conversion serving engines use for
// KV caches); NaN converts to NaN (E4M3 0x7f, E5M2 0x7e, with the input's sign), and E2M1,
// which has no NaN, gives its largest magnitude. The reference works on integers only, so no
// multiply-add contraction can change its rounding.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "kvsim/kernels.h"

namespace kvsim::lowfloat {
namespace {

struct Format {
  uint32_t man_bits;    // mantissa bits M
  uint32_t bias;
  uint32_t sign_bit;    // 7, or 3 for E2M1
  uint32_t max_code;    // largest finite magnitude's code
  uint32_t nan_code;    // 0: the format has no NaN
  int32_t emin;         // exponent of the smallest normal, 1 - bias
  bool ieee_specials;   // the top exponent holds infinities and NaNs (E5M2)
};

constexpr Format kE4M3 = {3, 7, 7, 0x7e, 0x7f, -6, false};
constexpr Format kE5M2 = {2, 15, 7, 0x7b, 0x7e, -14, true};
constexpr Format kE2M1 = {1, 1, 3, 0x7, 0, 0, false};

inline const Format& Of(LowFloat f) {
  return f == LowFloat::kE4M3 ? kE4M3 : f == LowFloat::kE5M2 ? kE5M2 : kE2M1;
}

inline uint32_t Bits(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  return x;
}

// m / 2^r rounded to nearest even (r >= 1).
inline uint32_t ShiftRoundEven(uint32_t m, uint32_t r) {
  if (r >= 32) return 0;
  const uint32_t q = m >> r, rem = m & ((1u << r) - 1), half = 1u << (r - 1);
  return q + (rem > half || (rem == half && (q & 1u)));
}

inline uint8_t Encode(float f, const Format& t) {
  const uint32_t x = Bits(f), abs = x & 0x7fffffffu;
  const uint32_t sign = (x >> 31) << t.sign_bit;
  if (abs > 0x7f800000u && t.nan_code != 0) return static_cast<uint8_t>(sign | t.nan_code);
  const uint32_t e = abs >> 23;  // biased float exponent
  uint32_t code;
  if (static_cast<int32_t>(e) - 127 < t.emin) {
    // Subnormal in the format: a multiple of the step 2^(emin - M). The float is
    // m 2^(e - 150) (e >= 1; a float subnormal is far below half a step), so the code is
    // m / 2^(150 + emin - M - e).
    if (e == 0) return static_cast<uint8_t>(sign);
    const uint32_t m = (abs & 0x7fffffu) | 0x800000u;
    code = ShiftRoundEven(m, static_cast<uint32_t>(150 + t.emin - static_cast<int32_t>(t.man_bits) -
                                                   static_cast<int32_t>(e)));
  } else if (abs >= 0x7f800000u) {
    code = t.max_code;  // infinity (or NaN without a NaN code)
  } else {
    // Normal: drop 23 - M mantissa bits with rounding (a carry moves into the exponent), then
    // rebias the exponent from 127 to the format's.
    code = ShiftRoundEven(abs, 23 - t.man_bits) - ((127u - t.bias) << t.man_bits);
  }
  return static_cast<uint8_t>(sign | (code < t.max_code ? code : t.max_code));
}

inline float Decode(uint8_t c, const Format& t) {
  const uint32_t abs = c & ((1u << t.sign_bit) - 1);
  const bool negative = (c >> t.sign_bit) & 1u;
  const uint32_t e = abs >> t.man_bits, m = abs & ((1u << t.man_bits) - 1);
  const uint32_t emax_field = (1u << (t.sign_bit - t.man_bits)) - 1;
  float v;
  if (t.ieee_specials && e == emax_field) {
    v = m == 0 ? std::numeric_limits<float>::infinity() : std::numeric_limits<float>::quiet_NaN();
  } else if (!t.ieee_specials && t.nan_code != 0 && abs == t.nan_code) {
    v = std::numeric_limits<float>::quiet_NaN();
  } else if (e == 0) {
    v = std::ldexp(static_cast<float>(m), t.emin - static_cast<int32_t>(t.man_bits));
  } else {
    v = std::ldexp(static_cast<float>(m + (1u << t.man_bits)),
                   static_cast<int32_t>(e) - static_cast<int32_t>(t.bias + t.man_bits));
  }
  return negative ? -v : v;
}

// Decode of every code (256 entries, the byte as index), for the kernels' lookups.
template <LowFloat Fmt>
const float* Values() {
  static const std::array<float, 256> kValues = [] {
    std::array<float, 256> v;
    const Format& t = Of(Fmt);
    for (uint32_t c = 0; c < 256; ++c) v[c] = Decode(static_cast<uint8_t>(c), t);
    return v;
  }();
  return kValues.data();
}
inline const float* E4M3Values() { return Values<LowFloat::kE4M3>(); }
inline const float* ValuesOf(LowFloat f) {
  return f == LowFloat::kE4M3 ? Values<LowFloat::kE4M3>()
         : f == LowFloat::kE5M2 ? Values<LowFloat::kE5M2>() : Values<LowFloat::kE2M1>();
}

// The E2M1 values times two, as signed bytes, by code (a 16-entry byte table for shuffles).
alignas(16) constexpr int8_t kE2M1Twice[16] = {0,  1,  2,  3,  4,  6,  8,  12,
                                               0, -1, -2, -3, -4, -6, -8, -12};

}  // namespace
}  // namespace kvsim::lowfloat
