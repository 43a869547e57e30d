// The minifloat conversions of the fp8 and nvfp4 codecs (E4M3, E5M2, E2M1), checked against the
// formats' definitions over every code, every representable value and every rounding tie, in
// every kernel set.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "kvsim/kernels.h"
#include "support/kernel_sets.h"

namespace kvsim {
namespace {

struct Spec {
  LowFloat format;
  const char* name;
  int exp_bits, man_bits, bias;
  uint8_t sign, max_code, nan_code;  // nan_code 0: none
  float max;
};

const Spec kSpecs[] = {
    {LowFloat::kE4M3, "e4m3", 4, 3, 7, 0x80, 0x7e, 0x7f, 448.f},
    {LowFloat::kE5M2, "e5m2", 5, 2, 15, 0x80, 0x7b, 0x7e, 57344.f},
    {LowFloat::kE2M1, "e2m1", 2, 1, 1, 0x08, 0x07, 0, 6.f},
};

// The value of a code, written from the formats' definitions (independently of the kernels).
double Defined(const Spec& s, uint32_t code) {
  const uint32_t abs = code & (s.sign - 1u);
  const double sign = (code & s.sign) ? -1.0 : 1.0;
  const uint32_t e = abs >> s.man_bits, m = abs & ((1u << s.man_bits) - 1);
  const uint32_t top = (1u << s.exp_bits) - 1;
  if (s.format == LowFloat::kE5M2 && e == top) {
    return m == 0 ? sign * std::numeric_limits<double>::infinity() : std::nan("");
  }
  if (s.format == LowFloat::kE4M3 && abs == 0x7f) return std::nan("");
  const double frac = double(m) / double(1u << s.man_bits);
  if (e == 0) return sign * frac * std::pow(2.0, 1 - s.bias);
  return sign * (1.0 + frac) * std::pow(2.0, int(e) - s.bias);
}

uint8_t Code(const Kernels& k, LowFloat f, float x) {
  uint8_t c;
  k.f32_to_lowfloat(&x, 1, 1.f, f, &c);
  return c;
}

TEST_CASE("lowfloat: every code decodes to the format's definition, in every kernel set") {
  for (const Spec& s : kSpecs) {
    const uint32_t codes = 2u * s.sign;
    std::vector<uint8_t> all(codes);
    for (uint32_t c = 0; c < codes; ++c) all[c] = static_cast<uint8_t>(c);
    for (const testing::KernelSet& set : testing::KernelSets()) {
      std::vector<float> out(codes);
      set.kernels->lowfloat_to_f32(all.data(), codes, s.format, out.data());
      for (uint32_t c = 0; c < codes; ++c) {
        const double want = Defined(s, c);
        if (std::isnan(want)) {
          CHECK_MESSAGE(std::isnan(out[c]), set.name << " " << s.name << " code " << c);
        } else {
          CHECK_MESSAGE(double(out[c]) == want, set.name << " " << s.name << " code " << c);
          CHECK(std::signbit(out[c]) == bool(c & s.sign));
        }
      }
    }
  }
  // The landmarks of the specifications.
  const Kernels& r = ScalarKernels();
  auto value = [&](LowFloat f, uint8_t c) {
    float v;
    r.lowfloat_to_f32(&c, 1, f, &v);
    return v;
  };
  CHECK(value(LowFloat::kE4M3, 0x7e) == 448.f);
  CHECK(value(LowFloat::kE4M3, 0x01) == std::ldexp(1.f, -9));
  CHECK(value(LowFloat::kE4M3, 0x08) == std::ldexp(1.f, -6));
  CHECK(std::isnan(value(LowFloat::kE4M3, 0xff)));
  CHECK(value(LowFloat::kE5M2, 0x7b) == 57344.f);
  CHECK(value(LowFloat::kE5M2, 0x01) == std::ldexp(1.f, -16));
  CHECK(value(LowFloat::kE5M2, 0xfc) == -std::numeric_limits<float>::infinity());
  const float e2m1[8] = {0.f, 0.5f, 1.f, 1.5f, 2.f, 3.f, 4.f, 6.f};
  for (uint8_t c = 0; c < 8; ++c) {
    CHECK(value(LowFloat::kE2M1, c) == e2m1[c]);
    CHECK(value(LowFloat::kE2M1, c | 8) == -e2m1[c]);
  }
}

TEST_CASE("lowfloat: every value encodes to its code; ties round to even; beyond the largest saturates") {
  for (const Spec& s : kSpecs) {
    for (const testing::KernelSet& set : testing::KernelSets()) {
      const Kernels& k = *set.kernels;
      INFO(set.name << " " << s.name);
      // Codes 0 .. max_code are the non-negative finite values, in increasing order.
      for (uint32_t c = 0; c <= s.max_code; ++c) {
        const float v = static_cast<float>(Defined(s, c));
        CHECK(Code(k, s.format, v) == c);
        CHECK(Code(k, s.format, -v) == (c | s.sign));
        if (c == s.max_code) break;
        const float next = static_cast<float>(Defined(s, c + 1));
        const float mid = (v + next) / 2;  // exact: a tie
        CHECK_MESSAGE(Code(k, s.format, mid) == ((c & 1) ? c + 1 : c), "tie after code " << c);
        CHECK(Code(k, s.format, -mid) == (((c & 1) ? c + 1 : c) | s.sign));
        CHECK(Code(k, s.format, std::nextafter(mid, 0.f)) == c);
        CHECK(Code(k, s.format, std::nextafter(mid, 1e30f)) == c + 1);
      }
      // Saturation: the next value the exponent would give, huge values and infinities.
      const float step = s.max - static_cast<float>(Defined(s, s.max_code - 1));
      for (float big : {s.max + step / 2, s.max + step, 1e30f, std::numeric_limits<float>::max(),
                        std::numeric_limits<float>::infinity()}) {
        CHECK(Code(k, s.format, big) == s.max_code);
        CHECK(Code(k, s.format, -big) == (s.max_code | s.sign));
      }
      // NaN: the format's NaN; E2M1 has none and saturates.
      const float nan = std::numeric_limits<float>::quiet_NaN();
      CHECK(Code(k, s.format, nan) == (s.nan_code != 0 ? s.nan_code : s.max_code));
      CHECK(Code(k, s.format, -nan) == ((s.nan_code != 0 ? s.nan_code : s.max_code) | s.sign));
      // Below half the smallest subnormal: zero (half itself is a tie to the even zero).
      const float tiny = static_cast<float>(Defined(s, 1));
      CHECK(Code(k, s.format, tiny / 2) == 0);
      CHECK(Code(k, s.format, std::nextafter(tiny / 2, 1.f)) == 1);
      CHECK(Code(k, s.format, std::numeric_limits<float>::denorm_min()) == 0);
      CHECK(Code(k, s.format, -0.f) == s.sign);
    }
  }
}

TEST_CASE("lowfloat: every kernel set writes the scalar codes, any length and scale") {
  std::mt19937_64 rng(81);
  std::normal_distribution<float> normal;
  std::vector<float> x(1 << 15);
  for (size_t i = 0; i < x.size(); ++i) {
    x[i] = normal(rng) * std::ldexp(1.f, static_cast<int>(i % 64) - 40);
  }
  x[5] = std::numeric_limits<float>::infinity();
  x[77] = -std::numeric_limits<float>::quiet_NaN();
  x[1000] = std::numeric_limits<float>::denorm_min();
  for (const Spec& s : kSpecs) {
    for (float inv_scale : {1.f, 1.f / 3.f, 4096.f}) {
      std::vector<uint8_t> want(x.size());
      ScalarKernels().f32_to_lowfloat(x.data(), x.size(), inv_scale, s.format, want.data());
      for (const testing::KernelSet& set : testing::KernelSets()) {
        for (size_t n : {0, 1, 7, 8, 15, 17, 33}) {
          std::vector<uint8_t> got(n + 1, 0xa5);
          set.kernels->f32_to_lowfloat(x.data() + 3, n, inv_scale, s.format, got.data());
          CHECK(std::equal(got.begin(), got.begin() + n, want.begin() + 3));
          CHECK(got[n] == 0xa5);
        }
        std::vector<uint8_t> got(x.size());
        set.kernels->f32_to_lowfloat(x.data(), x.size(), inv_scale, s.format, got.data());
        size_t diff = 0;
        for (size_t i = 0; i < x.size(); ++i) diff += got[i] != want[i];
        CHECK_MESSAGE(diff == 0, set.name << " " << s.name << " inv_scale " << inv_scale);
      }
    }
  }
}

}  // namespace
}  // namespace kvsim
