// kivi kernels: every kernel set writes the scalar reference's packed codes exactly and sums
// within a stated tolerance of it (fused multiply-adds round once where the reference rounds
// twice), on every group and dimension shape, including ones the SIMD lanes do not tile.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "kernels/fp16_scalar.h"
#include "kernels/scalar_kivi.h"
#include "kvsim/kernels.h"
#include "support/kernel_sets.h"

namespace kvsim {
namespace {

std::vector<uint8_t> RandomCodes(size_t n, uint32_t bits, std::mt19937_64& rng) {
  std::vector<uint8_t> c(n);
  for (auto& v : c) v = static_cast<uint8_t>(rng() & ((1u << bits) - 1));
  return c;
}

TEST_CASE("pack_slots: every kernel set writes the scalar bytes; codes read back in order") {
  std::mt19937_64 rng(1);
  for (const testing::KernelSet& set : testing::KernelSets()) {
    for (uint32_t bits : {2u, 4u}) {
      for (size_t n : {4, 8, 12, 16, 32, 64, 128, 1024}) {
        const auto codes = RandomCodes(n, bits, rng);
        std::vector<uint8_t> a(n * bits / 8), b(a.size());
        ScalarKernels().pack_slots(codes.data(), n, bits, a.data());
        set.kernels->pack_slots(codes.data(), n, bits, b.data());
        CHECK_MESSAGE(a == b, set.name << " bits=" << bits << " n=" << n);
        for (size_t i = 0; i < n; ++i) REQUIRE(reference::SlotCode(a.data(), n, bits, i) == codes[i]);
      }
    }
  }
}

TEST_CASE("axpy_slots: every kernel set within 1e-6 relative of scalar") {
  std::mt19937_64 rng(2);
  for (const testing::KernelSet& set : testing::KernelSets()) {
    for (uint32_t bits : {2u, 4u}) {
      for (size_t n : {4, 8, 16, 20, 32, 64, 128, 256}) {
        const auto codes = RandomCodes(n, bits, rng);
        std::vector<uint8_t> packed(n * bits / 8);
        ScalarKernels().pack_slots(codes.data(), n, bits, packed.data());
        auto a = testing::Gaussian(n, rng), b = a;
        ScalarKernels().axpy_slots(0.37f, -1.25f, packed.data(), n, bits, a.data());
        set.kernels->axpy_slots(0.37f, -1.25f, packed.data(), n, bits, b.data());
        for (size_t i = 0; i < n; ++i) {
          CHECK_MESSAGE(std::fabs(a[i] - b[i]) <= 1e-6f * (std::fabs(a[i]) + 7.f),
                        set.name << " bits=" << bits << " n=" << n << " i=" << i);
        }
      }
    }
  }
}

// n key groups of t tokens and d channels, `stride` bytes apart, with random headers and codes.
std::vector<uint8_t> KiviGroups(size_t n, size_t d, size_t t, uint32_t bits, size_t stride,
                                std::mt19937_64& rng) {
  std::vector<uint8_t> out(n * stride, 0xCD);
  const auto scales = testing::Gaussian(n * d, rng, 0.1f), mins = testing::Gaussian(n * d, rng);
  for (size_t g = 0; g < n; ++g) {
    uint8_t* c = out.data() + g * stride;
    for (size_t ch = 0; ch < d; ++ch) {
      const uint16_t s = fp16::FromFloat(std::fabs(scales[g * d + ch]));
      const uint16_t m = fp16::FromFloat(mins[g * d + ch]);
      std::memcpy(c + 2 * ch, &s, 2);
      std::memcpy(c + 2 * d + 2 * ch, &m, 2);
      const auto codes = RandomCodes(t, bits, rng);
      ScalarKernels().pack_slots(codes.data(), t, bits, c + 4 * d + ch * t * bits / 8);
    }
  }
  return out;
}

TEST_CASE("score_kivi: every kernel set within 1e-5 of the sum of |terms| of scalar") {
  std::mt19937_64 rng(3);
  struct Shape {
    size_t d, t;
  };
  const Shape shapes[] = {{128, 32}, {128, 16}, {64, 64}, {128, 4}, {7, 32}, {1, 8}, {256, 12}};
  for (const testing::KernelSet& set : testing::KernelSets()) {
    for (const Shape& s : shapes) {
      for (uint32_t bits : {2u, 4u}) {
        for (size_t n : {1, 3}) {
          const size_t stride = s.d * (4 + s.t * bits / 8) + 5;
          const auto groups = KiviGroups(n, s.d, s.t, bits, stride, rng);
          const auto q = testing::Gaussian(s.d, rng);
          std::vector<float> a(n * s.t), b(n * s.t);
          ScalarKernels().score_kivi(q.data(), groups.data(), stride, n, s.d, s.t, bits, a.data());
          set.kernels->score_kivi(q.data(), groups.data(), stride, n, s.d, s.t, bits, b.data());
          double terms = 0;  // a bound on every score's sum of |q_c| |min_c + scale_c code|
          for (size_t ch = 0; ch < s.d; ++ch) terms += std::fabs(q[ch]) * 4.0;
          for (size_t i = 0; i < n * s.t; ++i) {
            CHECK_MESSAGE(std::fabs(double(a[i]) - b[i]) <= 1e-5 * terms,
                          set.name << " d=" << s.d << " t=" << s.t << " bits=" << bits << " i=" << i
                                   << ": " << a[i] << " vs " << b[i]);
          }
        }
      }
    }
  }
}

TEST_CASE("score_kivi: the scalar reference is the decoded dot product") {
  std::mt19937_64 rng(4);
  const size_t d = 16, t = 8;
  const auto groups = KiviGroups(1, d, t, 2, d * 6, rng);
  const auto q = testing::Gaussian(d, rng);
  std::vector<float> got(t);
  ScalarKernels().score_kivi(q.data(), groups.data(), d * 6, 1, d, t, 2, got.data());
  for (size_t j = 0; j < t; ++j) {
    double want = 0;
    for (size_t ch = 0; ch < d; ++ch) {
      const float s = fp16::Load(groups.data() + 2 * ch), m = fp16::Load(groups.data() + 2 * d + 2 * ch);
      const uint32_t code = reference::SlotCode(groups.data() + 4 * d + ch * 2, t, 2, j);
      want += double(q[ch]) * (m + s * double(code));
    }
    CHECK(got[j] == doctest::Approx(want).epsilon(1e-5));
  }
}

TEST_CASE("encode_kivi: every kernel set writes the scalar bytes exactly") {
  std::mt19937_64 rng(6);
  for (const testing::KernelSet& set : testing::KernelSets()) {
    for (uint32_t bits : {2u, 4u}) {
      for (size_t t : {4, 8, 12, 32, 64, 128}) {
        for (size_t d : {1, 7, 8, 64, 128, 131}) {
          auto x = testing::Gaussian(t * d, rng);
          for (size_t j = 0; j < t; ++j) x[j * d] *= 40.f;        // an outlier channel
          if (d > 1) for (size_t j = 0; j < t; ++j) x[j * d + 1] = 0.5f;  // a constant one
          const size_t bytes = d * (4 + t * bits / 8);
          std::vector<uint8_t> a(bytes), b(bytes);
          ScalarKernels().encode_kivi(x.data(), t, d, bits, a.data());
          set.kernels->encode_kivi(x.data(), t, d, bits, b.data());
          CHECK_MESSAGE(a == b, set.name << " bits=" << bits << " t=" << t << " d=" << d);
        }
      }
    }
  }
}

TEST_CASE("encode_groupwise 2-bit: every kernel set writes the scalar bytes exactly") {
  std::mt19937_64 rng(5);
  for (const testing::KernelSet& set : testing::KernelSets()) {
    for (size_t g : {4, 8, 16, 32, 64, 128}) {
      const auto x = testing::Gaussian(256, rng);
      const size_t bytes = (256 / g) * (4 + g / 4);
      std::vector<uint8_t> a(bytes), b(bytes);
      ScalarKernels().encode_groupwise(x.data(), 256, g, 2, a.data());
      set.kernels->encode_groupwise(x.data(), 256, g, 2, b.data());
      CHECK_MESSAGE(a == b, set.name << " g=" << g);
    }
  }
}

}  // namespace
}  // namespace kvsim
