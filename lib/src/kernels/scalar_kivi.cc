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

void EncodeKiviChannels(const float* x, size_t t, size_t d, uint32_t bits, size_t from, size_t to,
                        uint8_t* out) {
  const Kernels& k = ScalarKernels();
  const uint32_t max_code = (1u << bits) - 1;
  float column[1024];
  uint8_t codes[1024], header[4];
  for (size_t c = from; c < to; ++c) {
    for (size_t j = 0; j < t; ++j) column[j] = x[j * d + c];
    float mn, mx, m, inv;
    k.min_max(column, t, &mn, &mx);
    fp16::GroupHeader(mn, mx, max_code, header, &m, &inv);
    std::memcpy(out + 2 * c, header, 2);              // scale
    std::memcpy(out + 2 * d + 2 * c, header + 2, 2);  // minimum
    k.quantize(column, t, m, inv, max_code, codes);
    PackSlots(codes, t, bits, out + 4 * d + c * (t * bits / 8));
  }
}

void EncodeKivi(const float* x, size_t t, size_t d, uint32_t bits, uint8_t* out) {
  EncodeKiviChannels(x, t, d, bits, 0, d, out);
}

}  // namespace kvsim::reference
