// VectorCodec defaults (decode, then the fp32 kernels) and byte measurement.
#include "kvsim/codec.h"

#include <cmath>
#include <random>
#include <vector>

#include "kvsim/kernels.h"

namespace kvsim {

void VectorCodec::EncodeBatch(const float* x, size_t n, uint8_t* out, size_t stride) const {
  for (size_t i = 0; i < n; ++i) Encode(x + i * dim(), out + i * stride);
}

void GroupCodec::EncodeGroups(const float* x, size_t groups, uint8_t* out, size_t stride) const {
  for (size_t g = 0; g < groups; ++g) {
    EncodeGroup(x + g * tokens_per_group() * dim(), out + g * stride);
  }
}

void VectorCodec::Score(const float* q, const uint8_t* codes, size_t stride, size_t n,
                        float* out) const {
  std::vector<float> x(dim());
  const Kernels& k = ActiveKernels();
  for (size_t i = 0; i < n; ++i) {
    Decode(codes + i * stride, x.data());
    out[i] = k.dot_f32(q, x.data(), dim());
  }
}

void VectorCodec::Accumulate(const float* w, const uint8_t* codes, size_t stride, size_t n,
                             float* acc) const {
  std::vector<float> x(dim());
  const Kernels& k = ActiveKernels();
  for (size_t i = 0; i < n; ++i) {
    Decode(codes + i * stride, x.data());
    k.axpy_f32(w[i], x.data(), acc, dim());
  }
}

TokenCost MeasureTokenCost(const KvCodec& codec, const ModelProfile& model, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.f, 1.f);
  const uint64_t per = model.vectors_per_token() / 2;  // K and V each: layers x kv_heads
  // Bytes per token of K and V of every head: one group's bytes over its tokens, rounded up.
  auto bytes = [&](const GroupCodec& k, const GroupCodec& v) {
    uint64_t sum = 0;
    for (const GroupCodec* c : {&k, &v}) {
      std::vector<float> x(c->tokens_per_group() * c->dim());
      for (auto& e : x) e = normal(rng);
      std::vector<uint8_t> out(c->max_group_bytes());
      const uint64_t tokens = c->tokens_per_group();
      sum += (per * c->EncodeGroup(x.data(), out.data()) + tokens - 1) / tokens;
    }
    return sum;
  };
  TokenCost cost;
  cost.hot_bytes = bytes(codec.keys(Tier::kHot), codec.values(Tier::kHot));
  cost.cold_bytes = bytes(codec.keys(Tier::kCold), codec.values(Tier::kCold));
  cost.hot = codec.hot_rule();
  return cost;
}

}  // namespace kvsim
