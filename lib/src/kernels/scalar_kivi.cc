// Scalar reference of the kivi kernels (see scalar_kivi.h and kvsim/kernels.h).
#include "scalar_kivi.h"

#include <cstring>

#include "fp16_scalar.h"

namespace kvsim::reference {

void PackSlots(const uint8_t* codes, size_t n, uint32_t bits, uint8_t* packed) {
  const size_t m = n * bits / 8;
  std::memset(packed, 0, m);
  for (size_t i = 0; i < n; ++i) {
    packed[i % m] = static_cast<uint8_t>(packed[i % m] | (codes[i] << (bits * (i / m))));
  }
}

void AxpySlots(float a, float b, const uint8_t* packed, size_t n, uint32_t bits, float* acc) {
  for (size_t i = 0; i < n; ++i) {
    acc[i] += a * static_cast<float>(SlotCode(packed, n, bits, i)) + b;
  }
}

// Per group: the query folded into the headers once (a_c = q_c scale_c, base = sum q_c min_c),
// then every channel's codes added to the t scores.
void ScoreKivi(const float* q, const uint8_t* groups, size_t stride, size_t n, size_t d, size_t t,
               uint32_t bits, float* out) {
  const size_t m = t * bits / 8;
  float a[1024];
  for (size_t g = 0; g < n; ++g) {
    const uint8_t* c = groups + g * stride;
    float base = 0;
    for (size_t ch = 0; ch < d; ++ch) {
      a[ch] = q[ch] * fp16::Load(c + 2 * ch);
      base += q[ch] * fp16::Load(c + 2 * d + 2 * ch);
    }
    float* o = out + g * t;
    for (size_t j = 0; j < t; ++j) o[j] = base;
    const uint8_t* codes = c + 4 * d;
    for (size_t ch = 0; ch < d; ++ch) AxpySlots(a[ch], 0.f, codes + ch * m, t, bits, o);
  }
}

}  // namespace kvsim::reference
