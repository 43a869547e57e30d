// Scalar reference of the fp8 and nvfp4 kernels: the definitions every SIMD version is tested
// against (conversions in lowfloat_scalar.h).
#include "scalar_lowfloat.h"

#include <algorithm>
#include <cmath>

#include "lowfloat_scalar.h"

namespace kvsim::reference {
namespace {

constexpr size_t kBlock = 16;  // NVFP4 values per E4M3 scale

float E2M1(const uint8_t* codes, size_t j) {
  return 0.5f * lowfloat::kE2M1Twice[(codes[j / 2] >> (4 * (j & 1))) & 15];
}

// Block b's scale and value codes; `k` = 1 / (6 global), the scale's divisor.
void EncodeBlock(const float* x, float k, float global, uint8_t* codes, uint8_t* scale) {
  float amax = 0.f;
  for (size_t j = 0; j < kBlock; ++j) amax = std::max(amax, std::fabs(x[j]));
  *scale = lowfloat::Encode(amax * k, lowfloat::kE4M3);
  const float sv = lowfloat::E4M3Values()[*scale] * global;
  const float inv = sv > 0.f ? 1.f / sv : 0.f;
  for (size_t j = 0; j < kBlock; j += 2) {
    const uint8_t lo = lowfloat::Encode(x[j] * inv, lowfloat::kE2M1);
    const uint8_t hi = lowfloat::Encode(x[j + 1] * inv, lowfloat::kE2M1);
    codes[j / 2] = static_cast<uint8_t>(lo | (hi << 4));
  }
}

}  // namespace

void F32ToLowFloat(const float* x, size_t n, float inv_scale, LowFloat format, uint8_t* out) {
  const lowfloat::Format& t = lowfloat::Of(format);
  for (size_t i = 0; i < n; ++i) out[i] = lowfloat::Encode(x[i] * inv_scale, t);
}

void LowFloatToF32(const uint8_t* codes, size_t n, LowFloat format, float* out) {
  const lowfloat::Format& t = lowfloat::Of(format);
  for (size_t i = 0; i < n; ++i) out[i] = lowfloat::Decode(codes[i], t);
}

void ScoreFp8(const float* q, const uint8_t* keys, size_t stride, size_t n, size_t d,
              LowFloat format, float* out) {
  const float* value = lowfloat::ValuesOf(format);
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* c = keys + i * stride;
    float s = 0;
    for (size_t j = 0; j < d; ++j) s += q[j] * value[c[j]];
    out[i] = s;
  }
}

void AccumulateFp8(const float* w, float scale, const uint8_t* codes, size_t stride, size_t n,
                   size_t d, LowFloat format, float* acc) {
  const float* value = lowfloat::ValuesOf(format);
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* c = codes + i * stride;
    const float ws = w[i] * scale;
    for (size_t j = 0; j < d; ++j) acc[j] += ws * value[c[j]];
  }
}

void EncodeNvfp4(const float* x, size_t d, float global_scale, uint8_t* out) {
  const float k = 1.f / (6.f * global_scale);
  for (size_t b = 0; b < d / kBlock; ++b) {
    EncodeBlock(x + b * kBlock, k, global_scale, out + b * kBlock / 2, out + d / 2 + b);
  }
}

void ScoreNvfp4(const float* q, const uint8_t* codes, size_t stride, size_t n, size_t d,
                float* out) {
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* c = codes + i * stride;
    float s = 0;
    for (size_t b = 0; b < d / kBlock; ++b) {
      float p = 0;
      for (size_t j = b * kBlock; j < (b + 1) * kBlock; ++j) p += q[j] * E2M1(c, j);
      s += lowfloat::E4M3Values()[c[d / 2 + b]] * p;
    }
    out[i] = s;
  }
}

void AccumulateNvfp4(const float* w, float scale, const uint8_t* codes, size_t stride, size_t n,
                     size_t d, float* acc) {
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* c = codes + i * stride;
    for (size_t b = 0; b < d / kBlock; ++b) {
      const float ws = w[i] * scale * lowfloat::E4M3Values()[c[d / 2 + b]];
      for (size_t j = b * kBlock; j < (b + 1) * kBlock; ++j) acc[j] += ws * E2M1(c, j);
    }
  }
}

}  // namespace kvsim::reference
