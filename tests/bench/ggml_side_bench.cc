// kvsim's groupwise q8/q4 kernels (and q8's symmetric layout) beside ggml's q8_0/q4_0 ones, in one binary and one run, in ns
// per 128-dim vector (encode: one vector per call, 1,024 distinct vectors cycled; score: one query
// against 4,096 keys that stay in cache, one call per key for ggml, as its dot products take
// one row). Built only when CMake is given a ggml checkout (-DKVSIM_GGML_DIR=...); nothing of
// ggml is part of kvsim.
//   build/tests/bench/kvsim_ggml_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// Layouts: ggml's q8_0 block is 32 signed codes and one fp16 scale (34 bytes, symmetric);
// kvsim's q8 group is 32 unsigned codes, an fp16 scale and an fp16 minimum (36 bytes), rounded
// outward and checked so every value lies within the stored range; kvsim's q8:mode=symmetric
// ("q8sym" below) is q8_0's block. Before timing, the binary checks that q8sym writes the bytes
// of ggml's reference quantizer on the benchmark's vectors (ggml's SIMD quantizer rounds ties
// to even, its reference away from zero, as kvsim does) and prints how many blocks differ.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "kvsim/kernels.h"

extern "C" {
void quantize_row_q8_0(const float* x, void* y, int64_t k);
void quantize_row_q8_0_ref(const float* x, void* y, int64_t k);
void quantize_row_q4_0(const float* x, void* y, int64_t k);
void ggml_vec_dot_q8_0_q8_0(int n, float* s, size_t bs, const void* vx, size_t bx, const void* vy,
                            size_t by, int nrc);
void ggml_vec_dot_q4_0_q8_0(int n, float* s, size_t bs, const void* vx, size_t bx, const void* vy,
                            size_t by, int nrc);
}

namespace {

constexpr int kDim = 128, kVectors = 1024, kKeys = 4096, kGroup = 32;

std::vector<float> Gaussian(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> d;
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

// Bytes per 128-dim vector: ggml q8_0 34 per 32, q4_0 18 per 32; kvsim 4 + 32 x bits / 8 per 32.
size_t GgmlBytes(bool q8) { return (kDim / 32) * (q8 ? 34 : 18); }
size_t KvsimBytes(uint32_t bits) { return (kDim / kGroup) * (4 + kGroup * bits / 8); }

template <class F>
void EncodeLoop(benchmark::State& state, size_t bytes, F encode) {
  const auto x = Gaussian(size_t{kVectors} * kDim, 1);
  std::vector<uint8_t> out(kVectors * bytes);
  size_t i = 0;
  for (auto _ : state) {
    encode(x.data() + (i % kVectors) * kDim, out.data() + (i % kVectors) * bytes);
    ++i;
  }
  benchmark::DoNotOptimize(out.data());
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void GgmlEncode(benchmark::State& state, bool q8) {
  EncodeLoop(state, GgmlBytes(q8), [q8](const float* x, uint8_t* o) {
    q8 ? quantize_row_q8_0(x, o, kDim) : quantize_row_q4_0(x, o, kDim);
  });
}

void KvsimEncode(benchmark::State& state, uint32_t bits) {
  kvsim::ForceKernels("avx2");
  const kvsim::Kernels& k = kvsim::ActiveKernels();
  EncodeLoop(state, KvsimBytes(bits),
             [&](const float* x, uint8_t* o) { k.encode_groupwise(x, kDim, kGroup, bits, o); });
}

// 4,096 keys: 1,024 encoded, repeated.
template <class E>
std::vector<uint8_t> Keys(size_t bytes, E encode) {
  const auto x = Gaussian(size_t{kVectors} * kDim, 2);
  std::vector<uint8_t> keys(kKeys * bytes);
  for (size_t i = 0; i < kKeys; ++i) encode(x.data() + (i % kVectors) * kDim, keys.data() + i * bytes);
  return keys;
}

void GgmlScore(benchmark::State& state, bool q8) {
  const size_t bytes = GgmlBytes(q8);
  const auto keys = Keys(bytes, [q8](const float* x, uint8_t* o) {
    q8 ? quantize_row_q8_0(x, o, kDim) : quantize_row_q4_0(x, o, kDim);
  });
  const auto q = Gaussian(kDim, 3);
  std::vector<uint8_t> q8q(GgmlBytes(true));
  std::vector<float> out(kKeys);
  for (auto _ : state) {
    quantize_row_q8_0(q.data(), q8q.data(), kDim);  // ggml quantizes the query once per call
    for (size_t i = 0; i < kKeys; ++i) {
      const void* key = keys.data() + i * bytes;
      q8 ? ggml_vec_dot_q8_0_q8_0(kDim, &out[i], 0, key, 0, q8q.data(), 0, 1)
         : ggml_vec_dot_q4_0_q8_0(kDim, &out[i], 0, key, 0, q8q.data(), 0, 1);
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kKeys));
}

void KvsimScore(benchmark::State& state, uint32_t bits) {
  kvsim::ForceKernels("avx2");
  const kvsim::Kernels& k = kvsim::ActiveKernels();
  const size_t bytes = KvsimBytes(bits);
  const auto keys = Keys(bytes, [&](const float* x, uint8_t* o) { k.encode_groupwise(x, kDim, kGroup, bits, o); });
  const auto q = Gaussian(kDim, 3);
  std::vector<float> qsum(kDim / kGroup, 0.f), out(kKeys);
  for (size_t j = 0; j < kDim; ++j) qsum[j / kGroup] += q[j];
  for (auto _ : state) {
    k.score_groupwise(q.data(), qsum.data(), keys.data(), bytes, kKeys, kDim, kGroup, bits, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kKeys));
}

// kvsim's symmetric q8 at group 32: q8_0's 34 bytes per 32 values.
size_t SymmetricBytes() { return (kDim / kGroup) * (kGroup + 2); }

void KvsimSymmetricEncode(benchmark::State& state) {
  kvsim::ForceKernels("avx2");
  const kvsim::Kernels& k = kvsim::ActiveKernels();
  EncodeLoop(state, SymmetricBytes(),
             [&](const float* x, uint8_t* o) { k.encode_q8_symmetric(x, kDim, kGroup, o); });
}

void KvsimSymmetricScore(benchmark::State& state) {
  kvsim::ForceKernels("avx2");
  const kvsim::Kernels& k = kvsim::ActiveKernels();
  const size_t bytes = SymmetricBytes();
  const auto keys = Keys(bytes, [&](const float* x, uint8_t* o) { k.encode_q8_symmetric(x, kDim, kGroup, o); });
  const auto q = Gaussian(kDim, 3);
  std::vector<float> out(kKeys);
  for (auto _ : state) {
    k.score_q8_symmetric(q.data(), keys.data(), bytes, kKeys, kDim, kGroup, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kKeys));
}

// Blocks of the encode benchmark's vectors where kvsim's symmetric q8 and ggml's reference (and
// SIMD) q8_0 quantizers write different bytes.
void CompareWithGgml() {
  kvsim::ForceKernels("avx2");
  const kvsim::Kernels& k = kvsim::ActiveKernels();
  const auto x = Gaussian(size_t{kVectors} * kDim, 1);
  std::vector<uint8_t> a(SymmetricBytes()), b(SymmetricBytes()), c(SymmetricBytes());
  size_t ref_differ = 0, simd_differ = 0, blocks = 0;
  for (size_t v = 0; v < kVectors; ++v) {
    k.encode_q8_symmetric(x.data() + v * kDim, kDim, kGroup, a.data());
    quantize_row_q8_0_ref(x.data() + v * kDim, b.data(), kDim);
    quantize_row_q8_0(x.data() + v * kDim, c.data(), kDim);
    for (size_t j = 0; j < kDim / kGroup; ++j, ++blocks) {
      ref_differ += std::memcmp(a.data() + j * 34, b.data() + j * 34, 34) != 0;
      simd_differ += std::memcmp(a.data() + j * 34, c.data() + j * 34, 34) != 0;
    }
  }
  std::printf("q8sym vs ggml q8_0: %zu of %zu blocks differ from quantize_row_q8_0_ref, %zu from "
              "quantize_row_q8_0\n", ref_differ, blocks, simd_differ);
}

}  // namespace

BENCHMARK_CAPTURE(GgmlEncode, q8_0, true);
BENCHMARK_CAPTURE(KvsimEncode, q8, 8u);
BENCHMARK(KvsimSymmetricEncode)->Name("KvsimEncode/q8sym");
BENCHMARK_CAPTURE(GgmlEncode, q4_0, false);
BENCHMARK_CAPTURE(KvsimEncode, q4, 4u);
BENCHMARK_CAPTURE(GgmlScore, q8_0, true);
BENCHMARK_CAPTURE(KvsimScore, q8, 8u);
BENCHMARK(KvsimSymmetricScore)->Name("KvsimScore/q8sym");
BENCHMARK_CAPTURE(GgmlScore, q4_0, false);
BENCHMARK_CAPTURE(KvsimScore, q4, 4u);

int main(int argc, char** argv) {
  CompareWithGgml();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
