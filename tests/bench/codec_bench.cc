// Codec kernels: ns per 128-dim vector to encode, and per key to score a query, for every kernel
// set this machine has (scalar reference included), in one run.
//   build/tests/bench/kvsim_codec_bench --benchmark_filter=Score
// Score/hot scores 4,096 keys that stay in cache; Score/dram scores 1M keys (68-256 MB), read from
// DRAM. ReadBandwidth measures this core's streaming read bandwidth in the same run, the floor
// for the DRAM rows.
#include <benchmark/benchmark.h>

#include <cstring>
#include <random>

#include "kvsim/codec.h"
#include "kvsim/kernels.h"
#include "kvsim/strategy.h"

namespace kvsim {
namespace {

constexpr uint32_t kDim = 128;

std::unique_ptr<KvCodec> Make(const std::string& spec) {
  const Strategy s = ParseStrategy("radix+" + spec);
  return MakeCodec(s.codec, s.codec_options, kDim, 42);
}

std::vector<float> Random(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> d;
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

// 1024 random vectors and room for their codes, under the given kernels.
struct EncodeInput {
  EncodeInput(const std::string& kernels, const std::string& spec) {
    ForceKernels(kernels);
    codec = Make(spec);
    c = &codec->key(Tier::kHot);
    stride = c->max_encoded_bytes();
    out.resize(n * stride);
  }
  static constexpr size_t n = 1024;
  std::unique_ptr<KvCodec> codec;
  const VectorCodec* c;
  size_t stride;
  std::vector<float> x = Random(n * kDim, 1);
  std::vector<uint8_t> out;
};

// One vector per call, as a cache inserting one token does.
void Encode(benchmark::State& state, const std::string& kernels, const std::string& spec) {
  EncodeInput in(kernels, spec);
  size_t i = 0;
  for (auto _ : state) {
    in.c->Encode(in.x.data() + (i % in.n) * kDim, in.out.data() + (i % in.n) * in.stride);
    ++i;
  }
  benchmark::DoNotOptimize(in.out.data());
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

// A whole context at once, as the attention probe does (VectorCodec::EncodeBatch):
// TurboQuant's QJL stage then reads its d x d matrix once per eight vectors.
void EncodeBatch(benchmark::State& state, const std::string& kernels, const std::string& spec) {
  EncodeInput in(kernels, spec);
  for (auto _ : state) {
    in.c->EncodeBatch(in.x.data(), in.n, in.out.data(), in.stride);
    benchmark::DoNotOptimize(in.out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * in.n));
}

void Score(benchmark::State& state, const std::string& kernels, const std::string& spec,
           size_t keys) {
  ForceKernels(kernels);
  const auto codec = Make(spec);
  const VectorCodec& c = codec->key(Tier::kHot);
  const size_t stride = c.max_encoded_bytes();
  std::vector<uint8_t> codes(keys * stride);
  const size_t distinct = 1024;  // encode a few, copy them around: fast setup, same bytes
  const auto x = Random(distinct * kDim, 2);
  for (size_t i = 0; i < distinct; ++i) c.Encode(x.data() + i * kDim, codes.data() + i * stride);
  for (size_t i = distinct; i < keys; ++i) {
    std::memcpy(codes.data() + i * stride, codes.data() + (i % distinct) * stride, stride);
  }
  const auto q = Random(kDim, 3);
  std::vector<float> out(keys);
  for (auto _ : state) {
    c.Score(q.data(), codes.data(), stride, keys, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * keys));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * keys * stride));
}

void ReadBandwidth(benchmark::State& state) {
  const size_t n = size_t{256} << 20;
  std::vector<uint64_t> buf(n / 8, 1);
  for (auto _ : state) {
    uint64_t s = 0;
    for (size_t i = 0; i < buf.size(); i += 8) {
      s += buf[i] ^ buf[i + 1] ^ buf[i + 2] ^ buf[i + 3] ^ buf[i + 4] ^ buf[i + 5] ^ buf[i + 6] ^
           buf[i + 7];
    }
    benchmark::DoNotOptimize(s);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * n));
}

// fp8 next to fp16 (same layout idea, half the bytes) and nvfp4 next to q4 (4-bit codes, block
// scales) in the same run.
const char* kCodecs[] = {"fp16", "fp8", "fp8:format=e5m2", "q8", "q4", "nvfp4",
                         "turboquant:key_mode=mse,rotation=hadamard",
                         "turboquant:rotation=hadamard", "turboquant:key_mode=mse,rotation=dense",
                         "turboquant:rotation=dense"};

}  // namespace
}  // namespace kvsim

int main(int argc, char** argv) {
  using namespace kvsim;
  for (const auto& k : AvailableKernels()) {
    for (const char* c : kCodecs) {
      benchmark::RegisterBenchmark(("Encode/" + k + "/" + c).c_str(),
                                   [k, c](benchmark::State& s) { Encode(s, k, c); });
      benchmark::RegisterBenchmark(("EncodeBatch/" + k + "/" + c).c_str(),
                                   [k, c](benchmark::State& s) { EncodeBatch(s, k, c); });
      benchmark::RegisterBenchmark(("Score/hot/" + k + "/" + c).c_str(),
                                   [k, c](benchmark::State& s) { Score(s, k, c, 4096); });
      benchmark::RegisterBenchmark(("Score/dram/" + k + "/" + c).c_str(),
                                   [k, c](benchmark::State& s) { Score(s, k, c, 1 << 20); })
          ->Unit(benchmark::kMillisecond);
    }
  }
  benchmark::RegisterBenchmark("ReadBandwidth", ReadBandwidth)->Unit(benchmark::kMillisecond);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
