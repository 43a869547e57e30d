// Every SIMD kernel set equals the scalar reference: codes exactly, floats within a stated
// tolerance, on random data and awkward lengths.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "kvsim/kernels.h"

namespace kvsim {
namespace {

const size_t kLengths[] = {0, 1, 7, 8, 15, 16, 17, 31, 33, 128, 1023, 4096};

std::vector<float> RandomFloats(size_t n, uint64_t seed, float scale = 1.f) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> d(0.f, scale);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

TEST_CASE("fp16 conversion: every kernel set matches the scalar bits, every input") {
  const Kernels& ref = ScalarKernels();
  for (const auto& name : AvailableKernels()) {
    const Kernels& k = *FindKernels(name);
    // All 2^16 halves round trip and convert exactly like the scalar reference.
    std::vector<uint16_t> all(65536);
    for (uint32_t i = 0; i < 65536; ++i) all[i] = static_cast<uint16_t>(i);
    std::vector<float> a(65536), b(65536);
    ref.f16_to_f32(all.data(), a.data(), all.size());
    k.f16_to_f32(all.data(), b.data(), all.size());
    for (size_t i = 0; i < all.size(); ++i) {
      if (std::isnan(a[i])) {
        CHECK(std::isnan(b[i]));
      } else {
        CHECK_MESSAGE(std::memcmp(&a[i], &b[i], 4) == 0, name << " half " << i);
      }
    }
    // Floats across the whole range, including subnormal halves, ties and overflow.
    std::vector<float> in = RandomFloats(1 << 16, 3, 1.f);
    for (size_t i = 0; i < in.size(); ++i) in[i] *= std::ldexp(1.f, static_cast<int>(i % 48) - 30);
    in.insert(in.end(), {0.f, -0.f, 65504.f, 65520.f, 1e-8f, 2.98023224e-8f, 5.96046448e-8f,
                         6.10351562e-5f, INFINITY, -INFINITY});
    std::vector<uint16_t> ha(in.size()), hb(in.size());
    ref.f32_to_f16(in.data(), ha.data(), in.size());
    k.f32_to_f16(in.data(), hb.data(), in.size());
    size_t diff = 0;
    for (size_t i = 0; i < in.size(); ++i) diff += ha[i] != hb[i];
    CHECK_MESSAGE(diff == 0, name);
  }
}

TEST_CASE("fp16 scalar reference: round to nearest even") {
  const Kernels& k = ScalarKernels();
  auto h = [&](float f) {
    uint16_t out;
    k.f32_to_f16(&f, &out, 1);
    return out;
  };
  CHECK(h(1.0f) == 0x3c00);
  CHECK(h(65504.f) == 0x7bff);
  CHECK(h(65520.f) == 0x7c00);               // halfway to 2^16: rounds to even = inf
  CHECK(h(1.0f + 1.0f / 2048) == 0x3c00);     // tie, even stays
  CHECK(h(1.0f + 3.0f / 2048) == 0x3c02);     // tie, odd rounds up
  CHECK(h(5.96046448e-8f) == 0x0001);         // smallest subnormal
  CHECK(h(2.98023224e-8f) == 0x0000);         // half of it: tie to even (0)
  CHECK(h(-2.0f) == 0xc000);
}

TEST_CASE("dot products and axpy: every kernel set within 1e-5 relative of scalar") {
  const Kernels& ref = ScalarKernels();
  for (const auto& name : AvailableKernels()) {
    const Kernels& k = *FindKernels(name);
    for (size_t n : kLengths) {
      const auto q = RandomFloats(n, n + 1), x = RandomFloats(n, n + 2);
      std::vector<uint16_t> xh(n);
      ref.f32_to_f16(x.data(), xh.data(), n);
      double scale = 0;
      for (size_t i = 0; i < n; ++i) scale += std::fabs(q[i] * x[i]);
      const double tol = 1e-5 * (scale + 1e-3);
      CHECK_MESSAGE(std::fabs(k.dot_f32(q.data(), x.data(), n) - ref.dot_f32(q.data(), x.data(), n)) <= tol,
                    name << " n=" << n);
      CHECK_MESSAGE(std::fabs(k.dot_f16(q.data(), xh.data(), n) - ref.dot_f16(q.data(), xh.data(), n)) <= tol,
                    name << " n=" << n);
      std::vector<float> acc1(q), acc2(q);
      ref.axpy_f16(0.37f, xh.data(), acc1.data(), n);
      k.axpy_f16(0.37f, xh.data(), acc2.data(), n);
      for (size_t i = 0; i < n; ++i) CHECK(std::fabs(acc1[i] - acc2[i]) <= 1e-6f * (1 + std::fabs(acc1[i])));
    }
  }
}

TEST_CASE("this CPU's best kernels are in use unless forced") {
  const auto names = AvailableKernels();
  REQUIRE(!names.empty());
  CHECK(names.front() == "scalar");
  CHECK(FindKernels("no-such-isa") == nullptr);
}

}  // namespace
}  // namespace kvsim
