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
  auto bytes = [&](const VectorCodec& c) {
    std::vector<float> x(c.dim());
    for (auto& v : x) v = normal(rng);
    std::vector<uint8_t> out(c.max_encoded_bytes());
    return static_cast<uint64_t>(c.Encode(x.data(), out.data()));
  };
  const uint64_t per = model.vectors_per_token() / 2;  // K and V each: layers x kv_heads
  TokenCost cost;
  cost.hot_bytes = per * (bytes(codec.key(Tier::kHot)) + bytes(codec.value(Tier::kHot)));
  cost.cold_bytes = per * (bytes(codec.key(Tier::kCold)) + bytes(codec.value(Tier::kCold)));
  cost.tail = codec.tail();
  return cost;
}

}  // namespace kvsim
