// Every SIMD kernel set equals the scalar reference: codes exactly, floats within a stated
// tolerance, on random data and awkward lengths.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "kvsim/kernels.h"
#include "support/kernel_sets.h"

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
  for (const testing::KernelSet& set : testing::KernelSets()) {
    const std::string& name = set.name;
    const Kernels& k = *set.kernels;
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
  for (const testing::KernelSet& set : testing::KernelSets()) {
    const std::string& name = set.name;
    const Kernels& k = *set.kernels;
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

namespace kvsim {
namespace {

std::vector<uint8_t> RandomCodes(size_t n, uint32_t max, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint8_t> v(n);
  for (auto& c : v) c = static_cast<uint8_t>(rng() % (max + 1));
  return v;
}

bool Near(float a, float b, double scale, double rel = 1e-5) {
  return std::fabs(double(a) - double(b)) <= rel * (scale + 1e-3);
}

TEST_CASE("groupwise kernels: codes exact, sums within 1e-5 relative") {
  const Kernels& ref = ScalarKernels();
  for (const testing::KernelSet& set : testing::KernelSets()) {
    const std::string& name = set.name;
    const Kernels& k = *set.kernels;
    for (size_t n : kLengths) {
      const auto x = RandomFloats(n, 11 + n, 3.f);
      float a0, a1, b0, b1;
      ref.min_max(x.data(), n, &a0, &a1);
      k.min_max(x.data(), n, &b0, &b1);
      if (n > 0) {
        CHECK(a0 == b0);
        CHECK(a1 == b1);
      }
      for (uint32_t max_code : {15u, 255u}) {
        std::vector<uint8_t> c1(n), c2(n);
        ref.quantize(x.data(), n, -2.5f, max_code / 5.f, max_code, c1.data());
        k.quantize(x.data(), n, -2.5f, max_code / 5.f, max_code, c2.data());
        CHECK_MESSAGE(c1 == c2, name << " n=" << n);
      }
      const auto q = RandomFloats(n, 7 + n);
      const auto c8 = RandomCodes(n, 255, n);
      double scale = 0;
      for (size_t i = 0; i < n; ++i) scale += std::fabs(q[i]) * 255;
      CHECK(Near(k.dot_q8(q.data(), c8.data(), n), ref.dot_q8(q.data(), c8.data(), n), scale));
      const size_t even = n & ~size_t{1};
      const auto c4 = RandomCodes(even, 15, n + 1);
      std::vector<uint8_t> p1(even / 2), p2(even / 2);
      ref.pack_nibbles(c4.data(), even, p1.data());
      k.pack_nibbles(c4.data(), even, p2.data());
      CHECK(p1 == p2);
      CHECK(Near(k.dot_q4(q.data(), p1.data(), even), ref.dot_q4(q.data(), p1.data(), even), scale));
      std::vector<float> acc1(q), acc2(q);
      // Tolerances scale with the terms, not the result (which may cancel to near zero).
      ref.axpy_q8(0.3f, -0.1f, c8.data(), acc1.data(), n);
      k.axpy_q8(0.3f, -0.1f, c8.data(), acc2.data(), n);
      for (size_t i = 0; i < n; ++i) CHECK(Near(acc1[i], acc2[i], std::fabs(q[i]) + 0.3 * 255 + 0.1, 1e-6));
      acc1 = acc2 = q;
      // Symmetric q8's accumulate: int8 codes (all 256 byte values) times one scale.
      const int8_t* s8 = reinterpret_cast<const int8_t*>(c8.data());
      ref.axpy_s8(-0.7f, s8, acc1.data(), n);
      k.axpy_s8(-0.7f, s8, acc2.data(), n);
      for (size_t i = 0; i < n; ++i) CHECK(Near(acc1[i], acc2[i], std::fabs(q[i]) + 0.7 * 128, 1e-6));
      acc1 = acc2 = q;
      ref.axpy_q4(0.3f, -0.1f, p1.data(), acc1.data(), even);
      k.axpy_q4(0.3f, -0.1f, p1.data(), acc2.data(), even);
      for (size_t i = 0; i < even; ++i) CHECK(Near(acc1[i], acc2[i], std::fabs(q[i]) + 0.3 * 15 + 0.1, 1e-6));
    }
  }
}

TEST_CASE("TurboQuant kernels: rotation, nearest centroid, bit planes, LUT and sign sums") {
  const Kernels& ref = ScalarKernels();
  const float bounds[15] = {-1.4f, -1.1f, -.8f, -.6f, -.4f, -.2f, -.1f, 0.f,
                            .1f,   .2f,   .4f,  .6f,  .8f,  1.1f, 1.4f};
  for (const testing::KernelSet& set : testing::KernelSets()) {
    const std::string& name = set.name;
    const Kernels& k = *set.kernels;
    for (size_t n : {size_t{8}, size_t{16}, size_t{24}, size_t{64}, size_t{128}, size_t{256}}) {
      const auto x = RandomFloats(n, 100 + n), q = RandomFloats(n, 200 + n);
      // Walsh-Hadamard: the same butterflies in the same order, so bit-exact.
      if ((n & (n - 1)) == 0) {
        std::vector<float> h1(x), h2(x);
        ref.fwht(h1.data(), n);
        k.fwht(h2.data(), n);
        CHECK_MESSAGE(h1 == h2, name << " fwht n=" << n);
        // The fused randomized Hadamard, with padding (d < n) and without: bit-exact too.
        const auto s = RandomFloats(n, 400 + n);
        for (size_t d : {n, n - n / 4 - 1, size_t{1}}) {
          std::vector<float> g1(n, 9.f), g2(n, 9.f);
          ref.hadamard(x.data(), d, 0.37f, s.data(), g1.data(), n);
          k.hadamard(x.data(), d, 0.37f, s.data(), g2.data(), n);
          CHECK_MESSAGE(g1 == g2, name << " hadamard n=" << n << " d=" << d);
        }
      }
      const auto m = RandomFloats(n * n, 300 + n);
      std::vector<float> y1(n), y2(n);
      for (auto fn : {&Kernels::matvec, &Kernels::matvec_t}) {
        (ref.*fn)(m.data(), x.data(), y1.data(), n);
        (k.*fn)(m.data(), x.data(), y2.data(), n);
        for (size_t i = 0; i < n; ++i) CHECK(Near(y1[i], y2[i], 3.0 * std::sqrt(double(n)), 1e-5));
      }
      for (uint32_t bits = 1; bits <= 8; ++bits) {
        const size_t nb = std::min<size_t>((1u << bits) - 1, 15);
        std::vector<uint8_t> i1(n), i2(n);
        ref.nearest(x.data(), n, bounds, nb, i1.data());
        k.nearest(x.data(), n, bounds, nb, i2.data());
        CHECK(i1 == i2);
        const auto idx = RandomCodes(n, (1u << bits) - 1, bits + n);
        std::vector<uint8_t> pl1(bits * n / 8), pl2(bits * n / 8), back(n);
        ref.pack_planes(idx.data(), n, bits, pl1.data());
        k.pack_planes(idx.data(), n, bits, pl2.data());
        CHECK(pl1 == pl2);
        k.unpack_planes(pl1.data(), n, bits, back.data());
        CHECK(back == idx);
        std::vector<float> lut = RandomFloats(size_t{1} << bits, bits);
        double scale = 0;
        for (size_t i = 0; i < n; ++i) scale += std::fabs(q[i] * lut[idx[i]]);
        CHECK_MESSAGE(Near(k.lut_dot(q.data(), pl1.data(), n, bits, lut.data()),
                           ref.lut_dot(q.data(), pl1.data(), n, bits, lut.data()), scale),
                      name << " lut_dot n=" << n << " bits=" << bits);
        std::vector<float> a1(q), a2(q);
        ref.lut_axpy(0.7f, pl1.data(), n, bits, lut.data(), a1.data());
        k.lut_axpy(0.7f, pl1.data(), n, bits, lut.data(), a2.data());
        for (size_t i = 0; i < n; ++i) {
          CHECK(Near(a1[i], a2[i], std::fabs(q[i]) + 0.7 * std::fabs(lut[idx[i]]), 1e-6));
        }
      }
      std::vector<uint8_t> s1(n / 8), s2(n / 8);
      ref.signs(x.data(), n, s1.data());
      k.signs(x.data(), n, s2.data());
      CHECK(s1 == s2);
      double scale = 0;
      for (float v : q) scale += std::fabs(v);
      CHECK(Near(k.sign_dot(q.data(), s1.data(), n), ref.sign_dot(q.data(), s1.data(), n), scale));
      std::vector<float> a1(q), a2(q);
      ref.sign_axpy(0.25f, s1.data(), a1.data(), n);
      k.sign_axpy(0.25f, s1.data(), a2.data(), n);
      CHECK(a1 == a2);
    }
  }
}

// The scalar reference sums in double; SIMD lanes sum in float, and xsimd's exp is within a few
// ulp of std::exp: 4e-6 relative covers both at n = 4096.
TEST_CASE("softmax: every kernel set within 4e-6 relative of scalar, sums to 1") {
  const Kernels& ref = ScalarKernels();
  for (const testing::KernelSet& set : testing::KernelSets()) {
    const std::string& name = set.name;
    const Kernels& k = *set.kernels;
    for (size_t n : kLengths) {
      if (n == 0) continue;
      auto x = RandomFloats(n, 500 + n, 4.f);
      std::vector<float> a(x), b(x);
      ref.softmax(a.data(), n);
      k.softmax(b.data(), n);
      double sum = 0;
      for (size_t i = 0; i < n; ++i) {
        CHECK_MESSAGE(std::fabs(a[i] - b[i]) <= 4e-6 * a[i] + 1e-12, name << " n=" << n);
        sum += b[i];
      }
      CHECK(std::fabs(sum - 1) < 1e-5);
    }
  }
}

// KL divergence: xsimd's double log is within a few ulp of std::log, so every set agrees with
// the scalar reference to 1e-12 relative; p == q gives exactly 0; zero weights are skipped and
// vanishing q is floored, never NaN or infinity.
TEST_CASE("kl_div: every kernel set within 1e-12 of scalar; exact zero for p == q") {
  const Kernels& ref = ScalarKernels();
  for (const testing::KernelSet& set : testing::KernelSets()) {
    const std::string& name = set.name;
    const Kernels& k = *set.kernels;
    for (size_t n : kLengths) {
      auto p = RandomFloats(n, 900 + n, 3.f), q = RandomFloats(n, 950 + n, 3.f);
      ref.softmax(p.data(), n);
      ref.softmax(q.data(), n);
      if (n > 3) {
        p[1] = 0;  // skipped
        q[2] = 0;  // floored at 1e-300
      }
      const double a = ref.kl_div(p.data(), q.data(), n), b = k.kl_div(p.data(), q.data(), n);
      CHECK_MESSAGE(std::fabs(a - b) <= 1e-12 * std::fabs(a) + 1e-15, name << " n=" << n);
      CHECK(std::isfinite(b));
      CHECK(k.kl_div(p.data(), p.data(), n) == 0.0);
      const double h = ref.kl_div(p.data(), nullptr, n);
      CHECK(std::fabs(k.kl_div(p.data(), nullptr, n) - h) <= 1e-12 * std::fabs(h) + 1e-15);
      CHECK(h <= 1e-12);  // sum p log p = -entropy
    }
  }
}

// The fused TurboQuant kernels over whole encoded vectors ([fp16 norm][bit planes][signs]
// [fp16 gamma]) with random bytes: every set within 1e-5 of the scalar reference (scaled by the
// sum of absolute terms), for dimensions that fill whole registers, leave a remainder, or fall
// back to the scalar path, with and without the QJL part.
TEST_CASE("fused TurboQuant score and accumulate: every kernel set near scalar") {
  const Kernels& ref = ScalarKernels();
  std::mt19937_64 rng(31);
  const float lut16[16] = {-2.7f, -2.1f, -1.6f, -1.2f, -0.9f, -0.6f, -0.35f, -0.1f,
                           0.1f,  0.35f, 0.6f,  0.9f,  1.2f,  1.6f,  2.1f,  2.7f};
  for (const testing::KernelSet& set : testing::KernelSets()) {
    const std::string& name = set.name;
    const Kernels& k = *set.kernels;
    for (size_t d : {8, 16, 24, 32, 64, 128, 136, 256}) {
      for (uint32_t bits = 0; bits <= 4; ++bits) {
        for (bool qjl : {false, true}) {
          if (bits == 0 && !qjl) continue;
          const size_t stride = 2 + bits * d / 8 + (qjl ? d / 8 + 2 : 0), n = 37;
          std::vector<uint8_t> codes(stride * n);
          for (auto& b : codes) b = static_cast<uint8_t>(rng());
          for (size_t i = 0; i < n; ++i) {  // finite fp16 norms and gammas in [0.5, 2)
            uint8_t* c = codes.data() + i * stride;
            c[1] = static_cast<uint8_t>(0x38 + (c[1] & 3));
            if (qjl) codes[i * stride + stride - 1] = static_cast<uint8_t>(0x38 + (c[stride - 1] & 3));
          }
          // A LUT with 2^bits entries, values from the 4-bit table.
          std::vector<float> lut(size_t{1} << bits);
          for (size_t i = 0; i < lut.size(); ++i) lut[i] = lut16[i * 16 / lut.size()];
          const auto q = RandomFloats(d, d + bits), sq = RandomFloats(d, 7 * d + bits);
          const auto w = RandomFloats(n, 3 * d + bits);
          std::vector<float> s1(n), s2(n);
          ref.score_turboquant(q.data(), qjl ? sq.data() : nullptr, codes.data(), stride, n, d,
                               bits, lut.data(), 0.3f, s1.data());
          k.score_turboquant(q.data(), qjl ? sq.data() : nullptr, codes.data(), stride, n, d,
                             bits, lut.data(), 0.3f, s2.data());
          double qabs = 0;
          for (size_t j = 0; j < d; ++j) qabs += std::fabs(q[j]) * 2.7 + std::fabs(sq[j]) * 0.3 * 2;
          for (size_t i = 0; i < n; ++i) {
            CHECK_MESSAGE(Near(s1[i], s2[i], 4 * qabs), name << " d=" << d << " bits=" << bits);
          }
          std::vector<float> y1(d, 0.5f), y2(y1), z1(d, -0.25f), z2(z1);
          ref.accumulate_turboquant(w.data(), codes.data(), stride, n, d, bits, lut.data(), 0.3f,
                                    y1.data(), qjl ? z1.data() : nullptr);
          k.accumulate_turboquant(w.data(), codes.data(), stride, n, d, bits, lut.data(), 0.3f,
                                  y2.data(), qjl ? z2.data() : nullptr);
          double wabs = 1;
          for (float v : w) wabs += std::fabs(v) * 2 * 2.7 * 2;
          for (size_t j = 0; j < d; ++j) {
            CHECK_MESSAGE(Near(y1[j], y2[j], wabs), name << " y d=" << d << " bits=" << bits);
            CHECK_MESSAGE(Near(z1[j], z2[j], wabs), name << " z d=" << d << " bits=" << bits);
          }
        }
      }
    }
  }
}

TEST_CASE("matvec_batch is bit-identical to matvec on each vector, every kernel set") {
  for (const testing::KernelSet& set : testing::KernelSets()) {
    const std::string& name = set.name;
    const Kernels& k = *set.kernels;
    for (size_t n : {8, 16, 24, 64, 128, 130}) {
      const auto m = RandomFloats(n * n, n), x = RandomFloats(n * 11, n + 1);
      for (size_t count : {1, 2, 3, 4, 5, 8, 11}) {
        std::vector<float> one(count * n), batch(count * n);
        for (size_t v = 0; v < count; ++v) k.matvec(m.data(), x.data() + v * n, one.data() + v * n, n);
        k.matvec_batch(m.data(), x.data(), count, batch.data(), n);
        CHECK_MESSAGE(one == batch, name << " n=" << n << " count=" << count);
      }
    }
  }
}

}  // namespace
}  // namespace kvsim
