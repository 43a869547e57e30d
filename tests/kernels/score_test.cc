// Whole-vector score kernels of every kernel set against the scalar reference. The SIMD sets
// score with the query rounded once to int16 (kernels/score_kernels.inc), so they may differ from
// the exact fp32 score by at most (max|q| / 65534) x sum_i |decoded key[i]|, plus float
// rounding; these tests hold them to that bound, on realistic and on adversarial keys.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "kernels/fp16_scalar.h"
#include "kvsim/kernels.h"
#include "support/kernel_sets.h"

namespace kvsim {
namespace {

using testing::Gaussian;

TEST_CASE("score_f16: every kernel set within 1e-5 of the scalar terms") {
  std::mt19937_64 rng(76);
  for (const testing::KernelSet& set : testing::KernelSets()) {
    const std::string& name = set.name;
    const Kernels& k = *set.kernels;
    for (size_t d : {8, 16, 24, 32, 128, 136, 256}) {
      for (size_t n : {1, 4, 5, 37}) {
        const size_t stride = 2 * d + 6;
        std::vector<uint8_t> keys(n * stride);
        for (size_t i = 0; i < n; ++i) {
          const auto x = Gaussian(d, rng, i % 2 ? 30.f : 1.f);
          ScalarKernels().f32_to_f16(x.data(), reinterpret_cast<uint16_t*>(keys.data() + i * stride), d);
        }
        const auto q = Gaussian(d, rng);
        std::vector<float> a(n), b(n);
        ScalarKernels().score_f16(q.data(), keys.data(), stride, n, d, a.data());
        k.score_f16(q.data(), keys.data(), stride, n, d, b.data());
        for (size_t i = 0; i < n; ++i) {
          std::vector<float> x(d);
          ScalarKernels().f16_to_f32(reinterpret_cast<const uint16_t*>(keys.data() + i * stride), x.data(), d);
          double terms = 0;
          for (size_t j = 0; j < d; ++j) terms += std::fabs(q[j] * x[j]);
          CHECK_MESSAGE(std::fabs(double(a[i]) - b[i]) <= 1e-5 * terms + 1e-30,
                        name << " d=" << d << " n=" << n << " key " << i);
        }
      }
    }
  }
}

// Groupwise keys: n vectors encoded by the scalar reference, then every fourth key replaced by
// random codes under random finite headers (codes the encoder would not produce).
std::vector<uint8_t> GroupwiseKeys(size_t n, size_t d, size_t g, uint32_t bits, size_t stride,
                                   std::mt19937_64& rng) {
  std::vector<uint8_t> codes(n * stride, 0xee);
  const size_t group_bytes = 4 + g * bits / 8;
  for (size_t i = 0; i < n; ++i) {
    uint8_t* c = codes.data() + i * stride;
    const auto x = Gaussian(d, rng, i % 3 == 0 ? 100.f : 1.f);
    ScalarKernels().encode_groupwise(x.data(), d, g, bits, c);
    if (i % 4 != 3) continue;
    for (size_t k = 0; k < d / g; ++k) {
      uint8_t* o = c + k * group_bytes;
      for (size_t j = 4; j < group_bytes; ++j) o[j] = static_cast<uint8_t>(rng());
      const uint16_t scale = fp16::FromFloat(std::ldexp(1.f, static_cast<int>(rng() % 20) - 14));
      const uint16_t min = fp16::FromFloat(static_cast<float>(static_cast<int>(rng() % 2001) - 1000));
      std::memcpy(o, &scale, 2);
      std::memcpy(o + 2, &min, 2);
    }
  }
  return codes;
}

// Groupwise encoding: every set writes the scalar reference's bytes (headers and codes) on
// ordinary data and on the edges of fp16: constant groups, ranges beyond +-65504, infinities,
// subnormal ranges, negative zero.
TEST_CASE("encode_groupwise: every kernel set writes the scalar bytes exactly") {
  std::mt19937_64 rng(75);
  const float inf = std::numeric_limits<float>::infinity();
  for (const testing::KernelSet& set : testing::KernelSets()) {
    const std::string& name = set.name;
    const Kernels& k = *set.kernels;
    for (size_t trial = 0; trial < 40; ++trial) {
      for (const auto& shape : {std::pair<size_t, size_t>{128, 32}, {128, 16}, {1024, 16}, {256, 32}, {160, 32}, {512, 64},
                                {96, 32}, {128, 128}, {40, 8}, {6, 2}}) {
        const size_t d = shape.first, g = shape.second;  // clang 14 cannot capture bindings
        auto x = Gaussian(d, rng, std::ldexp(1.f, static_cast<int>(trial % 30) - 20));
        switch (trial % 8) {
          case 1: std::fill(x.begin(), x.begin() + g, 0.37f); break;   // constant group
          case 2: x[0] = 70000.f, x[1] = -1e9f; break;                // beyond fp16
          case 3: x[g / 2] = inf, x[g / 2 + 1] = -inf; break;
          case 4: for (auto& v : x) v *= 1e-6f; break;                // subnormal halves
          case 5: std::fill(x.begin(), x.begin() + g, -0.f); break;
          case 6: x[3] = 65504.f, x[4] = -65504.f; break;
          default: break;
        }
        for (uint32_t bits : {8u, 4u}) {
          const size_t bytes = (d / g) * (4 + g * bits / 8);
          std::vector<uint8_t> a(bytes), b(bytes, 0x5a);
          ScalarKernels().encode_groupwise(x.data(), d, g, bits, a.data());
          k.encode_groupwise(x.data(), d, g, bits, b.data());
          CHECK_MESSAGE(a == b, name << " trial=" << trial << " d=" << d << " g=" << g << " bits=" << bits);
        }
      }
    }
  }
}

// sum_i |q[i] decoded[i]| and sum_i |decoded[i]| of one groupwise key.
void GroupwiseTerms(const float* q, const uint8_t* c, size_t d, size_t g, uint32_t bits,
                    double* terms, double* key_abs) {
  const size_t group_bytes = 4 + g * bits / 8;
  *terms = *key_abs = 0;
  for (size_t k = 0; k < d / g; ++k) {
    const uint8_t* o = c + k * group_bytes;
    const float scale = fp16::Load(o), min = fp16::Load(o + 2);
    for (size_t j = 0; j < g; ++j) {
      const uint32_t code = bits == 8 ? o[4 + j] : (o[4 + j / 2] >> (4 * (j & 1))) & 15u;
      const double v = std::fabs(double(scale) * code + min);
      *terms += std::fabs(q[k * g + j]) * v;
      *key_abs += v;
    }
  }
}

TEST_CASE("score_groupwise: every kernel set within the int16 query bound of scalar") {
  std::mt19937_64 rng(77);
  struct Shape {
    size_t d, g;
  };
  const Shape shapes[] = {{128, 32}, {64, 32}, {256, 32}, {96, 32}, {128, 64}, {1024, 128},
                          {128, 16}, {40, 8},  {6, 2},    {128, 128}};
  for (const testing::KernelSet& set : testing::KernelSets()) {
    const std::string& name = set.name;
    const Kernels& k = *set.kernels;
    for (const Shape& s : shapes) {
      for (uint32_t bits : {8u, 4u}) {
        for (size_t n : {1, 3, 4, 5, 37}) {
          const size_t stride = (s.d / s.g) * (4 + s.g * bits / 8) + 3;
          const auto codes = GroupwiseKeys(n, s.d, s.g, bits, stride, rng);
          auto q = Gaussian(s.d, rng);
          if (n == 5) q[s.d / 2] = 40.f;  // one large coordinate sets the int16 scale
          std::vector<float> qsum(s.d / s.g, 0.f);
          float qmax = 0;
          for (size_t j = 0; j < s.d; ++j) {
            qsum[j / s.g] += q[j];
            qmax = std::max(qmax, std::fabs(q[j]));
          }
          std::vector<float> a(n), b(n);
          ScalarKernels().score_groupwise(q.data(), qsum.data(), codes.data(), stride, n, s.d, s.g,
                                          bits, a.data());
          k.score_groupwise(q.data(), qsum.data(), codes.data(), stride, n, s.d, s.g, bits,
                            b.data());
          for (size_t i = 0; i < n; ++i) {
            double terms, key_abs;
            GroupwiseTerms(q.data(), codes.data() + i * stride, s.d, s.g, bits, &terms, &key_abs);
            for (float v : qsum) terms += std::fabs(v) * 1000;  // the minimums' products
            const double bound = qmax / 65534.0 * key_abs + 2e-6 * terms;
            CHECK_MESSAGE(std::fabs(double(a[i]) - b[i]) <= bound,
                          name << " d=" << s.d << " g=" << s.g << " bits=" << bits << " n=" << n
                               << " key " << i << ": " << a[i] << " vs " << b[i]);
          }
        }
      }
    }
  }
}

TEST_CASE("score_groupwise: zero and non-finite queries behave as the scalar reference") {
  std::mt19937_64 rng(78);
  const size_t d = 128, g = 32, n = 9;
  for (const testing::KernelSet& set : testing::KernelSets()) {
    const std::string& name = set.name;
    const Kernels& k = *set.kernels;
    for (uint32_t bits : {8u, 4u}) {
      const size_t stride = (d / g) * (4 + g * bits / 8);
      const auto codes = GroupwiseKeys(n, d, g, bits, stride, rng);
      std::vector<float> q(d, 0.f), qsum(d / g, 0.f), out(n, 1.f);
      k.score_groupwise(q.data(), qsum.data(), codes.data(), stride, n, d, g, bits, out.data());
      for (float v : out) CHECK(v == 0.f);
      q[5] = std::numeric_limits<float>::quiet_NaN();
      qsum[0] = q[5];
      k.score_groupwise(q.data(), qsum.data(), codes.data(), stride, n, d, g, bits, out.data());
      for (float v : out) CHECK_MESSAGE(std::isnan(v), name);
      q[5] = std::numeric_limits<float>::infinity();
      qsum[0] = q[5];
      std::vector<float> ref(n);
      ScalarKernels().score_groupwise(q.data(), qsum.data(), codes.data(), stride, n, d, g, bits,
                                      ref.data());
      k.score_groupwise(q.data(), qsum.data(), codes.data(), stride, n, d, g, bits, out.data());
      for (size_t i = 0; i < n; ++i) {
        CHECK_MESSAGE((std::isnan(ref[i]) ? std::isnan(out[i]) : ref[i] == out[i]), name);
      }
    }
  }
}

// Symmetric q8 keys: n vectors encoded by the scalar reference, then every fourth key's codes
// replaced by random bytes (-128 included, which the encoder never writes) under random finite
// scales.
std::vector<uint8_t> SymmetricKeys(size_t n, size_t d, size_t g, size_t stride,
                                   std::mt19937_64& rng) {
  std::vector<uint8_t> codes(n * stride, 0xee);
  for (size_t i = 0; i < n; ++i) {
    uint8_t* c = codes.data() + i * stride;
    const auto x = Gaussian(d, rng, i % 3 == 0 ? 100.f : 1.f);
    ScalarKernels().encode_q8_symmetric(x.data(), d, g, c);
    if (i % 4 != 3) continue;
    for (size_t k = 0; k < d / g; ++k) {
      uint8_t* o = c + k * (g + 2);
      for (size_t j = 2; j < g + 2; ++j) o[j] = static_cast<uint8_t>(rng());
      const uint16_t scale = fp16::FromFloat(std::ldexp(1.f, static_cast<int>(rng() % 20) - 14));
      std::memcpy(o, &scale, 2);
    }
  }
  return codes;
}

// Symmetric q8 encoding: every set writes the scalar reference's bytes on ordinary data, on
// rounding ties (x / scale = k + 1/2) and on the edges: zero groups of either sign, scales
// beyond fp16, infinities, NaN, subnormal halves and groups so small that 1 / scale overflows.
TEST_CASE("encode_q8_symmetric: every kernel set writes the scalar bytes exactly") {
  std::mt19937_64 rng(79);
  const float inf = std::numeric_limits<float>::infinity();
  for (const testing::KernelSet& set : testing::KernelSets()) {
    const std::string& name = set.name;
    const Kernels& k = *set.kernels;
    for (size_t trial = 0; trial < 60; ++trial) {
      for (const auto& shape : {std::pair<size_t, size_t>{128, 32}, {128, 16}, {1024, 16}, {256, 32}, {160, 32}, {512, 64},
                                {96, 32}, {128, 128}, {40, 8}, {6, 2}, {15, 3}}) {
        const size_t d = shape.first, g = shape.second;  // clang 14 cannot capture bindings
        auto x = Gaussian(d, rng, std::ldexp(1.f, static_cast<int>(trial % 30) - 20));
        switch (trial % 12) {
          case 1: std::fill(x.begin(), x.begin() + g, 0.f); break;     // zero group
          case 2: x[0] = 70000.f * 127, x[1] = -1e30f; break;        // scale beyond fp16
          case 3: x[g / 2] = inf, x[g / 2 + 1] = -inf; break;
          case 4: for (auto& v : x) v *= 1e-6f; break;                 // subnormal halves
          case 5: std::fill(x.begin(), x.begin() + g, -0.f); break;
          case 6: x[g - 1] = std::numeric_limits<float>::quiet_NaN(); break;
          case 7: for (size_t j = 0; j < g; ++j) x[j] *= 1e-38f; break;  // 1 / scale overflows
          case 8:  // ties: amax 127 x 2^e makes the scale 2^e, and values (k + 1/2) 2^e
          case 9: {
            const float unit = std::ldexp(1.f, static_cast<int>(trial % 7) - 3);
            for (size_t j = 0; j < d; ++j) {
              const int c = static_cast<int>(rng() % 254) - 127;
              x[j] = (static_cast<float>(c) + (j % 2 ? 0.5f : 0.f)) * unit;
              if (std::fabs(x[j]) > 127 * unit) x[j] = 126.5f * unit;
            }
            for (size_t grp = 0; grp < d / g; ++grp) x[grp * g] = (grp % 2 ? -127.f : 127.f) * unit;
            break;
          }
          case 10: x[0] = -std::fabs(x[0]) - 1e3f; break;             // the amax is negative
          default: break;
        }
        const size_t bytes = (d / g) * (g + 2);
        std::vector<uint8_t> a(bytes), b(bytes, 0x5a);
        ScalarKernels().encode_q8_symmetric(x.data(), d, g, a.data());
        k.encode_q8_symmetric(x.data(), d, g, b.data());
        CHECK_MESSAGE(a == b, name << " trial=" << trial << " d=" << d << " g=" << g);
      }
    }
  }
}

// The q8_0 block, written here from its definition and independently of the kernels: per 32
// values amax = max |x|, the scale d = amax / 127 in fp32 and its inverse 1 / d (0 if d is 0);
// each code is x times the inverse rounded to nearest, ties away from zero; d is stored as the
// nearest binary16 (ties to even). Inputs: finite, d below 65504.
uint16_t NearestHalf(float f) {
  if (f == 0) return 0;
  int e;
  std::frexp(f, &e);  // f = m 2^e, m in [1/2, 1)
  const int exp = e - 1;
  if (exp < -14) return static_cast<uint16_t>(std::nearbyint(std::ldexp(double(f), 24)));  // subnormal
  double mant = std::nearbyint(std::ldexp(double(f), 10 - exp));  // 1024..2048
  int biased = exp + 15;
  if (mant == 2048) mant = 1024, ++biased;
  return static_cast<uint16_t>((biased << 10) | (static_cast<int>(mant) - 1024));
}

std::vector<uint8_t> Q8_0Blocks(const std::vector<float>& x) {
  std::vector<uint8_t> out;
  for (size_t b = 0; b < x.size() / 32; ++b) {
    const float* v = x.data() + 32 * b;
    float amax = 0;
    for (size_t j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(v[j]));
    const float d = amax / 127;
    const float id = d != 0 ? 1 / d : 0;
    const uint16_t h = NearestHalf(d);
    out.push_back(static_cast<uint8_t>(h & 0xff));
    out.push_back(static_cast<uint8_t>(h >> 8));
    for (size_t j = 0; j < 32; ++j) {
      const double t = double(v[j] * id);
      const int c = t >= 0 ? static_cast<int>(std::floor(t + 0.5)) : -static_cast<int>(std::floor(-t + 0.5));
      out.push_back(static_cast<uint8_t>(static_cast<int8_t>(c)));
    }
  }
  return out;
}

TEST_CASE("q8 symmetric at group 32 writes the q8_0 block of its definition, every kernel set") {
  std::mt19937_64 rng(80);
  for (const testing::KernelSet& set : testing::KernelSets()) {
    const std::string& name = set.name;
    const Kernels& k = *set.kernels;
    size_t ties = 0;
    for (size_t trial = 0; trial < 200; ++trial) {
      const size_t d = trial % 3 == 0 ? 256 : 128;
      auto x = Gaussian(d, rng, std::ldexp(1.f, static_cast<int>(trial % 24) - 12));
      const float unit = std::ldexp(1.f, static_cast<int>(trial % 9) - 4);
      switch (trial % 6) {
        case 1: std::fill(x.begin() + 32, x.begin() + 64, 0.f); break;   // a zero block
        case 2: std::fill(x.begin(), x.begin() + 32, -0.f); break;
        case 3:  // ties: scale `unit`, values (k + 1/2) unit, amax 127 unit, negative in block 1
          for (size_t j = 0; j < d; ++j) {
            x[j] = (static_cast<float>(static_cast<int>(rng() % 253) - 126) + 0.5f) * unit;
          }
          for (size_t b = 0; b < d / 32; ++b) x[32 * b + 5] = (b % 2 ? -127.f : 127.f) * unit;
          break;
        case 4: x[7] = -40.f * std::fabs(x[9]) - 1.f; break;   // block 0's amax is negative
        case 5: x[40] = 127.f * (1 + 1.f / 2048); break;       // the scale 1 + 2^-11, a half tie
        default: break;
      }
      for (float v : x) {
        const float t = std::fabs(v) / unit;
        ties += trial % 6 == 3 && t != std::floor(t);
      }
      const auto want = Q8_0Blocks(x);
      std::vector<uint8_t> got(want.size(), 0x5a);
      k.encode_q8_symmetric(x.data(), d, 32, got.data());
      CHECK_MESSAGE(got == want, name << " trial=" << trial);
    }
    CHECK(ties > 1000);  // the tie cases really hold ties
  }
}

// sum_i |q[i] decoded[i]| and sum_i |decoded[i]| of one symmetric q8 key.
void SymmetricTerms(const float* q, const uint8_t* c, size_t d, size_t g, double* terms,
                    double* key_abs) {
  *terms = *key_abs = 0;
  for (size_t k = 0; k < d / g; ++k) {
    const uint8_t* o = c + k * (g + 2);
    const float scale = fp16::Load(o);
    for (size_t j = 0; j < g; ++j) {
      const double v = std::fabs(double(scale) * static_cast<int8_t>(o[2 + j]));
      *terms += std::fabs(q[k * g + j]) * v;
      *key_abs += v;
    }
  }
}

TEST_CASE("score_q8_symmetric: every kernel set within the int16 query bound of scalar") {
  std::mt19937_64 rng(81);
  struct Shape {
    size_t d, g;
  };
  const Shape shapes[] = {{128, 32}, {64, 32}, {256, 32}, {96, 32}, {128, 64}, {1024, 128},
                          {128, 16}, {40, 8},  {6, 2},    {128, 128}, {15, 3}};
  for (const testing::KernelSet& set : testing::KernelSets()) {
    const std::string& name = set.name;
    const Kernels& k = *set.kernels;
    for (const Shape& s : shapes) {
      for (size_t n : {1, 3, 4, 5, 37}) {
        const size_t stride = (s.d / s.g) * (s.g + 2) + 3;
        const auto codes = SymmetricKeys(n, s.d, s.g, stride, rng);
        auto q = Gaussian(s.d, rng);
        if (n == 5) q[s.d / 2] = 40.f;  // one large coordinate sets the int16 scale
        float qmax = 0;
        for (float v : q) qmax = std::max(qmax, std::fabs(v));
        std::vector<float> a(n), b(n);
        ScalarKernels().score_q8_symmetric(q.data(), codes.data(), stride, n, s.d, s.g, a.data());
        k.score_q8_symmetric(q.data(), codes.data(), stride, n, s.d, s.g, b.data());
        for (size_t i = 0; i < n; ++i) {
          double terms, key_abs;
          SymmetricTerms(q.data(), codes.data() + i * stride, s.d, s.g, &terms, &key_abs);
          const double bound = qmax / 65534.0 * key_abs + 2e-6 * terms;
          CHECK_MESSAGE(std::fabs(double(a[i]) - b[i]) <= bound,
                        name << " d=" << s.d << " g=" << s.g << " n=" << n << " key " << i
                             << ": " << a[i] << " vs " << b[i]);
        }
      }
    }
  }
}

TEST_CASE("score_q8_symmetric: zero and non-finite queries behave as the scalar reference") {
  std::mt19937_64 rng(82);
  const size_t d = 128, g = 32, n = 9, stride = (d / g) * (g + 2);
  for (const testing::KernelSet& set : testing::KernelSets()) {
    const std::string& name = set.name;
    const Kernels& k = *set.kernels;
    const auto codes = SymmetricKeys(n, d, g, stride, rng);
    std::vector<float> q(d, 0.f), out(n, 1.f);
    k.score_q8_symmetric(q.data(), codes.data(), stride, n, d, g, out.data());
    for (float v : out) CHECK(v == 0.f);
    q[5] = std::numeric_limits<float>::quiet_NaN();
    k.score_q8_symmetric(q.data(), codes.data(), stride, n, d, g, out.data());
    for (float v : out) CHECK_MESSAGE(std::isnan(v), name);
    q[5] = std::numeric_limits<float>::infinity();
    std::vector<float> ref(n);
    ScalarKernels().score_q8_symmetric(q.data(), codes.data(), stride, n, d, g, ref.data());
    k.score_q8_symmetric(q.data(), codes.data(), stride, n, d, g, out.data());
    for (size_t i = 0; i < n; ++i) {
      CHECK_MESSAGE((std::isnan(ref[i]) ? std::isnan(out[i]) : ref[i] == out[i]), name);
    }
  }
}

// TurboQuant keys [fp16 norm][bits planes][signs][fp16 gamma] from random bytes (finite norms
// and gammas), scored against random queries, sometimes with one dominant coordinate. The
// integer path (avx512icl) rounds q, the codebook and sq to 15 bits:
// |error| <= |norm| (sum_i (|q_i| ls + |lut_i| ys + ys ls / 2) / 2 + |gamma c| d ss / 2).
TEST_CASE("score_turboquant: every kernel set within the integer rounding bound of scalar") {
  std::mt19937_64 rng(79);
  for (const testing::KernelSet& set : testing::KernelSets()) {
    const std::string& name = set.name;
    const Kernels& k = *set.kernels;
    for (size_t d : {64, 128, 192, 256, 8, 136}) {
      for (uint32_t bits = 0; bits <= 4; ++bits) {
        for (bool qjl : {false, true}) {
          if (bits == 0 && !qjl) continue;
          for (size_t n : {1, 4, 37}) {
            const size_t stride = 2 + bits * d / 8 + (qjl ? d / 8 + 2 : 0) + 1;
            std::vector<uint8_t> codes(stride * n);
            for (auto& b : codes) b = static_cast<uint8_t>(rng());
            for (size_t i = 0; i < n; ++i) {  // norms and gammas in [0.5, 2), either sign
              uint8_t* c = codes.data() + i * stride;
              c[1] = static_cast<uint8_t>(0x38 + (c[1] & 0x83));
              if (qjl) c[stride - 2] = static_cast<uint8_t>(0x38 + (c[stride - 2] & 0x83));
            }
            auto lut = Gaussian(size_t{1} << bits, rng, 0.1f);
            std::sort(lut.begin(), lut.end());
            auto q = Gaussian(d, rng, 0.09f), sq = Gaussian(d, rng);
            if (n == 4) q[d / 3] = 2.f, sq[d / 2] = -9.f;
            const float c = 0.0098f;
            std::vector<float> a(n), b(n);
            ScalarKernels().score_turboquant(q.data(), qjl ? sq.data() : nullptr, codes.data(),
                                             stride, n, d, bits, lut.data(), c, a.data());
            k.score_turboquant(q.data(), qjl ? sq.data() : nullptr, codes.data(), stride, n, d,
                               bits, lut.data(), c, b.data());
            float ys = 0, ls = 0, ss = 0;
            for (float v : q) ys = std::max(ys, std::fabs(v) / 16383);
            for (float v : lut) ls = std::max(ls, std::fabs(v) / 16383);
            for (float v : sq) ss = std::max(ss, std::fabs(v) / 16383);
            for (size_t i = 0; i < n; ++i) {
              const uint8_t* key = codes.data() + i * stride;
              std::vector<uint8_t> idx(d, 0);
              if (bits > 0) ScalarKernels().unpack_planes(key + 2, d, bits, idx.data());
              const double norm = std::fabs(fp16::Load(key));
              const double gamma = qjl ? std::fabs(fp16::Load(key + stride - 3)) * c : 0;
              double err = 0, terms = 0;
              for (size_t j = 0; j < d; ++j) {
                const double l = bits > 0 ? std::fabs(lut[idx[j]]) : 0;
                err += bits > 0 ? (std::fabs(q[j]) * ls + l * ys + ys * ls / 2) / 2 : 0;
                err += gamma * ss / 2;
                terms += std::fabs(q[j]) * l + gamma * std::fabs(sq[j]);
              }
              const double bound = norm * (err + 1e-5 * terms);
              CHECK_MESSAGE(std::fabs(double(a[i]) - b[i]) <= bound,
                            name << " d=" << d << " bits=" << bits << " qjl=" << qjl << " n=" << n
                                 << " key " << i << ": " << a[i] << " vs " << b[i]);
            }
          }
        }
      }
    }
  }
}

TEST_CASE("score_turboquant: zero and non-finite queries behave as the scalar reference") {
  std::mt19937_64 rng(80);
  const size_t d = 128, n = 6;
  for (const testing::KernelSet& set : testing::KernelSets()) {
    const std::string& name = set.name;
    const Kernels& k = *set.kernels;
    for (bool qjl : {false, true}) {
      const uint32_t bits = 3;
      const size_t stride = 2 + bits * d / 8 + (qjl ? d / 8 + 2 : 0);
      std::vector<uint8_t> codes(stride * n);
      for (auto& b : codes) b = static_cast<uint8_t>(rng());
      for (size_t i = 0; i < n; ++i) {
        codes[i * stride + 1] = 0x3c;
        if (qjl) codes[i * stride + stride - 1] = 0x3c;
      }
      const float lut[8] = {-.2f, -.13f, -.07f, -.02f, .02f, .07f, .13f, .2f};
      std::vector<float> q(d, 0.f), sq(d, 0.f), out(n, 1.f), ref(n);
      k.score_turboquant(q.data(), qjl ? sq.data() : nullptr, codes.data(), stride, n, d, bits,
                         lut, 0.01f, out.data());
      for (float v : out) CHECK_MESSAGE(v == 0.f, name);
      q[7] = std::numeric_limits<float>::quiet_NaN();
      k.score_turboquant(q.data(), qjl ? sq.data() : nullptr, codes.data(), stride, n, d, bits,
                         lut, 0.01f, out.data());
      for (float v : out) CHECK_MESSAGE(std::isnan(v), name);
    }
  }
}

// Nearest-centroid bit planes: every set writes the scalar reference's bytes, including for
// values exactly on a boundary (which count as below it) and beyond the outer boundaries.
TEST_CASE("quantize_planes: every kernel set writes the scalar planes exactly") {
  std::mt19937_64 rng(81);
  for (const testing::KernelSet& set : testing::KernelSets()) {
    const std::string& name = set.name;
    const Kernels& k = *set.kernels;
    for (uint32_t bits = 1; bits <= 8; ++bits) {
      auto bounds = Gaussian((size_t{1} << bits) - 1, rng, 0.1f);
      std::sort(bounds.begin(), bounds.end());
      for (size_t n : {8, 16, 24, 64, 128, 136, 256}) {
        auto y = Gaussian(n, rng, 0.12f);
        for (size_t i = 0; i < n; i += 5) y[i] = bounds[rng() % bounds.size()];
        y[1] = 5.f;
        y[2] = -5.f;
        std::vector<uint8_t> a(bits * n / 8), b(bits * n / 8, 0xa5);
        ScalarKernels().quantize_planes(y.data(), n, bounds.data(), bits, a.data());
        k.quantize_planes(y.data(), n, bounds.data(), bits, b.data());
        CHECK_MESSAGE(a == b, name << " bits=" << bits << " n=" << n);
      }
    }
  }
}

}  // namespace
}  // namespace kvsim
