// Codec kernels: ns per 128-dim vector to encode, and per key to score a query, for every kernel
// set this machine has (scalar reference included), in one run. Each codec's lossy tier (kivi's
// quantized keys: groups of 32 tokens, encoded and scored a group at a time).
//   build/tests/bench/kvsim_codec_bench --benchmark_filter=Score
// Score/hot scores 4,096 keys that stay in cache; Score/dram scores 1M keys (68-256 MB), read from
// DRAM. ReadBandwidth measures this core's streaming read bandwidth in the same run, the floor
// for the DRAM rows.
#include <benchmark/benchmark.h>

#include <cmath>
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

// The keys of the codec's lossy tier.
const GroupCodec& Keys(const KvCodec& codec) {
  return codec.keys(codec.hot_rule().tiered() ? Tier::kCold : Tier::kHot);
}

std::vector<float> Random(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> d;
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

// 1024 random vectors (whole groups of them) and room for their codes, under the given kernels.
struct EncodeInput {
  EncodeInput(const std::string& kernels, const std::string& spec) {
    ForceKernels(kernels);
    codec = Make(spec);
    c = &Keys(*codec);
    groups = 1024 / c->tokens_per_group();
    stride = c->max_group_bytes();
    out.resize(groups * stride);
  }
  std::unique_ptr<KvCodec> codec;
  const GroupCodec* c;
  size_t groups, stride;
  std::vector<float> x = Random(1024 * kDim, 1);
  std::vector<uint8_t> out;
};

// One group per call (one vector for per-token codecs), as a cache inserting tokens does.
void Encode(benchmark::State& state, const std::string& kernels, const std::string& spec) {
  EncodeInput in(kernels, spec);
  const size_t group = in.c->tokens_per_group() * kDim;
  size_t i = 0;
  for (auto _ : state) {
    in.c->EncodeGroup(in.x.data() + (i % in.groups) * group, in.out.data() + (i % in.groups) * in.stride);
    ++i;
  }
  benchmark::DoNotOptimize(in.out.data());
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * in.c->tokens_per_group()));
}

// A whole context at once, as the attention probe does (GroupCodec::EncodeGroups):
// TurboQuant's QJL stage then reads its d x d matrix once per eight vectors.
void EncodeBatch(benchmark::State& state, const std::string& kernels, const std::string& spec) {
  EncodeInput in(kernels, spec);
  for (auto _ : state) {
    in.c->EncodeGroups(in.x.data(), in.groups, in.out.data(), in.stride);
    benchmark::DoNotOptimize(in.out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * in.groups * in.c->tokens_per_group()));
}

void Score(benchmark::State& state, const std::string& kernels, const std::string& spec,
           size_t keys) {
  ForceKernels(kernels);
  const auto codec = Make(spec);
  const GroupCodec& c = Keys(*codec);
  const size_t tpg = c.tokens_per_group(), groups = keys / tpg, stride = c.max_group_bytes();
  std::vector<uint8_t> codes(groups * stride);
  const size_t distinct = 1024 / tpg;  // encode a few, copy them around: fast setup, same bytes
  const auto x = Random(1024 * kDim, 2);
  for (size_t g = 0; g < distinct; ++g) {
    c.EncodeGroup(x.data() + g * tpg * kDim, codes.data() + g * stride);
  }
  for (size_t g = distinct; g < groups; ++g) {
    std::memcpy(codes.data() + g * stride, codes.data() + (g % distinct) * stride, stride);
  }
  const auto q = Random(kDim, 3);
  std::vector<float> out(groups * tpg);
  for (auto _ : state) {
    c.ScoreGroups(q.data(), codes.data(), stride, groups, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * groups * tpg));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * groups * stride));
}

// The values' side of attention: acc += sum_i w_i v~_i over n value vectors that stay in cache
// (the codec's lossy tier), in ns per vector.
void Accumulate(benchmark::State& state, const std::string& kernels, const std::string& spec,
                size_t values) {
  ForceKernels(kernels);
  const auto codec = Make(spec);
  const GroupCodec& c = codec->values(codec->hot_rule().tiered() ? Tier::kCold : Tier::kHot);
  const size_t tpg = c.tokens_per_group(), groups = values / tpg, stride = c.max_group_bytes();
  std::vector<uint8_t> codes(groups * stride);
  const size_t distinct = 1024 / tpg;
  const auto x = Random(1024 * kDim, 4);
  for (size_t g = 0; g < distinct; ++g) {
    c.EncodeGroup(x.data() + g * tpg * kDim, codes.data() + g * stride);
  }
  for (size_t g = distinct; g < groups; ++g) {
    std::memcpy(codes.data() + g * stride, codes.data() + (g % distinct) * stride, stride);
  }
  auto w = Random(groups * tpg, 5);
  for (auto& v : w) v = std::fabs(v) / static_cast<float>(groups * tpg);
  std::vector<float> acc(kDim, 0.f);
  for (auto _ : state) {
    c.AccumulateGroups(w.data(), codes.data(), stride, groups, acc.data());
    benchmark::DoNotOptimize(acc.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * groups * tpg));
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

// fp8 next to fp16 (same layout idea, half the bytes), q8's symmetric layout (ggml's q8_0) next to
// its asymmetric one, nvfp4 and kivi next to q4 (4-bit codes, block scales; kivi's keys per
// channel over 32 tokens) in the same run.
const char* kCodecs[] = {"fp16", "fp8", "fp8:format=e5m2", "q8", "q8:mode=symmetric", "q4", "nvfp4", "kivi", "kivi:bits=4",
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
      benchmark::RegisterBenchmark(("Accumulate/hot/" + k + "/" + c).c_str(),
                                   [k, c](benchmark::State& s) { Accumulate(s, k, c, 4096); });
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
