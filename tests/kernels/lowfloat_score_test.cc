// fp8 and nvfp4 kernels: every kernel set encodes the scalar bytes exactly and scores and sums
// within a stated bound of the scalar reference, on random codes and awkward sizes.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>

#include "kvsim/kernels.h"
#include "support/kernel_sets.h"

namespace kvsim {
namespace {

using testing::Gaussian;

bool IsNan(LowFloat f, uint8_t c) {
  return f == LowFloat::kE4M3 ? (c & 0x7f) == 0x7f : (c & 0x7c) == 0x7c;  // E5M2: inf too
}

// n random keys of d codes, stride apart: any finite code.
std::vector<uint8_t> Fp8Keys(size_t n, size_t d, size_t stride, LowFloat f, std::mt19937_64& rng) {
  std::vector<uint8_t> codes(n * stride, 0x5a);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < d; ++j) {
      uint8_t c;
      do c = static_cast<uint8_t>(rng());
      while (IsNan(f, c));
      codes[i * stride + j] = c;
    }
  }
  return codes;
}

std::vector<float> Values(const uint8_t* c, size_t n, LowFloat f) {
  std::vector<float> v(n);
  ScalarKernels().lowfloat_to_f32(c, n, f, v.data());
  return v;
}

// Queries of ordinary size and far outside it (E4M3 scores from the float bits of the codes,
// with the query scaled by 2^64, for queries within 2^-60..2^60 and by binary16 otherwise).
TEST_CASE("score_fp8 and accumulate_fp8: every kernel set within 1e-5 of the scalar terms") {
  std::mt19937_64 rng(91);
  for (const testing::KernelSet& set : testing::KernelSets()) {
    const Kernels& k = *set.kernels;
    for (LowFloat f : {LowFloat::kE4M3, LowFloat::kE5M2}) {
      for (size_t d : {1, 7, 16, 17, 64, 128, 200, 256}) {
        for (size_t n : {1, 3, 4, 5, 37}) {
          for (float size : {1.f, 0x1p-59f, 0x1p-75f, 0x1p58f, 0x1p70f}) {
            const size_t stride = d + 3;
            const auto codes = Fp8Keys(n, d, stride, f, rng);
            auto q = Gaussian(d, rng);
            for (auto& x : q) x *= size;
            const auto w = Gaussian(n, rng);
            const float scale = 0.0123f;
            std::vector<float> a(n), b(n), acc_a(d, 0.5f), acc_b(d, 0.5f), mass(d, 0.f);
            ScalarKernels().score_fp8(q.data(), codes.data(), stride, n, d, f, a.data());
            k.score_fp8(q.data(), codes.data(), stride, n, d, f, b.data());
            ScalarKernels().accumulate_fp8(w.data(), scale, codes.data(), stride, n, d, f,
                                           acc_a.data());
            k.accumulate_fp8(w.data(), scale, codes.data(), stride, n, d, f, acc_b.data());
            for (size_t i = 0; i < n; ++i) {
              const auto v = Values(codes.data() + i * stride, d, f);
              double terms = 0;
              for (size_t j = 0; j < d; ++j) {
                terms += std::fabs(double(q[j]) * v[j]);
                mass[j] += std::fabs(w[i] * scale * v[j]);
              }
              CHECK_MESSAGE(std::fabs(double(a[i]) - b[i]) <= 1e-5 * terms + 1e-30,
                            set.name << " d=" << d << " n=" << n << " key " << i);
            }
            for (size_t j = 0; j < d; ++j) {
              CHECK_MESSAGE(std::fabs(double(acc_a[j]) - acc_b[j]) <= 1e-5 * (mass[j] + 0.5),
                            set.name << " d=" << d << " n=" << n << " j " << j);
            }
          }
        }
      }
    }
  }
}

// Key i holds one code at position i and zeros elsewhere, so its score is one product, exact in
// float: every finite code at every position of every chunk reads as its value, sign and
// subnormals included, and meets the query element of its own position.
TEST_CASE("score_fp8: every finite code at every position scores its exact value") {
  for (const testing::KernelSet& set : testing::KernelSets()) {
    for (LowFloat f : {LowFloat::kE4M3, LowFloat::kE5M2}) {
      for (size_t d : {16, 32, 48, 128}) {
        std::vector<float> q(d);
        for (size_t j = 0; j < d; ++j) q[j] = 1.f + static_cast<float>(j) / 256.f;
        for (int code = 0; code < 256; ++code) {
          const auto c = static_cast<uint8_t>(code);
          if (IsNan(f, c)) continue;
          std::vector<uint8_t> keys(d * d, 0);
          for (size_t i = 0; i < d; ++i) keys[i * d + i] = c;
          float v;
          ScalarKernels().lowfloat_to_f32(&c, 1, f, &v);
          std::vector<float> out(d);
          set.kernels->score_fp8(q.data(), keys.data(), d, d, d, f, out.data());
          for (size_t i = 0; i < d; ++i) {
            CHECK_MESSAGE(out[i] == v * q[i], set.name << " d=" << d << " code " << code
                                                      << " at " << i << ": " << out[i]);
          }
        }
      }
    }
  }
}

TEST_CASE("encode_nvfp4: every kernel set writes the scalar bytes exactly") {
  std::mt19937_64 rng(93);
  for (const testing::KernelSet& set : testing::KernelSets()) {
    for (size_t trial = 0; trial < 60; ++trial) {
      for (size_t d : {16, 32, 48, 128, 1024}) {
        auto x = Gaussian(d, rng, std::ldexp(1.f, static_cast<int>(trial % 40) - 20));
        switch (trial % 6) {
          case 1:
            std::fill(x.begin(), x.begin() + 16, 0.f);
            break;  // a zero block
          case 2:
            std::fill(x.begin(), x.begin() + 16, -0.f);
            break;
          case 3:
            x[1] = 1e30f, x[2] = -3e29f;
            break;  // scale saturates
          case 4:
            std::fill(x.begin(), x.begin() + 16, 0.75f);
            break;  // E2M1 ties
          default:
            break;
        }
        for (float global : {1.f, 1e-3f, 37.5f, 1e-7f}) {
          const size_t bytes = d / 2 + d / 16;
          std::vector<uint8_t> a(bytes + 1, 0x5a), b(bytes + 1, 0x5a);
          ScalarKernels().encode_nvfp4(x.data(), d, global, a.data());
          set.kernels->encode_nvfp4(x.data(), d, global, b.data());
          CHECK_MESSAGE(a == b,
                        set.name << " trial=" << trial << " d=" << d << " global=" << global);
        }
      }
    }
  }
}

// |value| of every code of an nvfp4 key, scale included (before the global scale).
std::vector<double> Nvfp4Abs(const uint8_t* c, size_t d) {
  std::vector<double> v(d);
  for (size_t j = 0; j < d; ++j) {
    const uint8_t scale = c[d / 2 + j / 16], code = (c[j / 2] >> (4 * (j & 1))) & 15;
    float s, e;
    ScalarKernels().lowfloat_to_f32(&scale, 1, LowFloat::kE4M3, &s);
    ScalarKernels().lowfloat_to_f32(&code, 1, LowFloat::kE2M1, &e);
    v[j] = std::fabs(double(s) * e);
  }
  return v;
}

TEST_CASE("score_nvfp4 and accumulate_nvfp4: every kernel set within the int16 query bound") {
  std::mt19937_64 rng(95);
  for (const testing::KernelSet& set : testing::KernelSets()) {
    const Kernels& k = *set.kernels;
    for (size_t d : {16, 48, 128, 256, 1024}) {
      for (size_t n : {1, 3, 4, 5, 37}) {
        const size_t bytes = d / 2 + d / 16, stride = bytes + 5;
        std::vector<uint8_t> codes(n * stride);
        for (auto& c : codes) c = static_cast<uint8_t>(rng());
        for (size_t i = 0; i < n; ++i) {
          for (size_t b = 0; b < d / 16; ++b) {
            uint8_t& s = codes[i * stride + d / 2 + b];
            if ((s & 0x7f) == 0x7f) s = 0x40;  // no NaN scales
          }
        }
        auto q = Gaussian(d, rng);
        if (n == 5) q[d / 2] = 40.f;  // one large coordinate sets the int16 scale
        float qmax = 0;
        for (float v : q) qmax = std::max(qmax, std::fabs(v));
        const auto w = Gaussian(n, rng);
        std::vector<float> a(n), b(n), acc_a(d, 0.f), acc_b(d, 0.f), mass(d, 0.f);
        ScalarKernels().score_nvfp4(q.data(), codes.data(), stride, n, d, a.data());
        k.score_nvfp4(q.data(), codes.data(), stride, n, d, b.data());
        ScalarKernels().accumulate_nvfp4(w.data(), 0.3f, codes.data(), stride, n, d, acc_a.data());
        k.accumulate_nvfp4(w.data(), 0.3f, codes.data(), stride, n, d, acc_b.data());
        for (size_t i = 0; i < n; ++i) {
          const auto v = Nvfp4Abs(codes.data() + i * stride, d);
          double terms = 0, key_abs = 0;
          for (size_t j = 0; j < d; ++j) {
            terms += std::fabs(q[j]) * v[j];
            key_abs += v[j];
            mass[j] += std::fabs(w[i] * 0.3f) * v[j];
          }
          const double bound = qmax / 65534.0 * key_abs + 2e-6 * terms;
          CHECK_MESSAGE(std::fabs(double(a[i]) - b[i]) <= bound,
                        set.name << " d=" << d << " n=" << n << " key " << i << ": " << a[i]
                                 << " vs " << b[i]);
        }
        for (size_t j = 0; j < d; ++j) {
          CHECK_MESSAGE(std::fabs(double(acc_a[j]) - acc_b[j]) <= 1e-5 * mass[j] + 1e-30,
                        set.name << " d=" << d << " n=" << n << " j " << j);
        }
      }
    }
  }
}

TEST_CASE("score_nvfp4: zero and non-finite queries behave as the scalar reference") {
  std::mt19937_64 rng(97);
  const size_t d = 128, n = 6, stride = d / 2 + d / 16;
  std::vector<uint8_t> codes(n * stride);
  std::vector<float> x = Gaussian(n * d, rng);
  for (size_t i = 0; i < n; ++i)
    ScalarKernels().encode_nvfp4(x.data() + i * d, d, 1.f, codes.data() + i * stride);
  for (const testing::KernelSet& set : testing::KernelSets()) {
    std::vector<float> q(d, 0.f), a(n), b(n);
    set.kernels->score_nvfp4(q.data(), codes.data(), stride, n, d, b.data());
    for (float v : b) CHECK(v == 0.f);
    q[3] = std::numeric_limits<float>::infinity();
    ScalarKernels().score_nvfp4(q.data(), codes.data(), stride, n, d, a.data());
    set.kernels->score_nvfp4(q.data(), codes.data(), stride, n, d, b.data());
    for (size_t i = 0; i < n; ++i) {
      CHECK(std::isnan(a[i]) == std::isnan(b[i]));
      if (!std::isnan(a[i])) CHECK(a[i] == b[i]);
    }
  }
}

}  // namespace
}  // namespace kvsim
