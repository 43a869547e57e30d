// Scalar reference kernels: the definition every SIMD version is tested against.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "fp16_scalar.h"
#include "kvsim/kernels.h"
#include "scalar_kivi.h"
#include "scalar_lowfloat.h"
#include "scalar_symmetric.h"

namespace kvsim {
namespace {

uint16_t F32ToF16(float f) { return fp16::FromFloat(f); }
float F16ToF32(uint16_t h) { return fp16::ToFloat(h); }

void F32ToF16N(const float* in, uint16_t* out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = F32ToF16(in[i]);
}
void F16ToF32N(const uint16_t* in, float* out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = F16ToF32(in[i]);
}
float DotF32(const float* q, const float* x, size_t n) {
  float s = 0;
  for (size_t i = 0; i < n; ++i) s += q[i] * x[i];
  return s;
}
float DotF16(const float* q, const uint16_t* x, size_t n) {
  float s = 0;
  for (size_t i = 0; i < n; ++i) s += q[i] * F16ToF32(x[i]);
  return s;
}
void AxpyF16(float w, const uint16_t* x, float* acc, size_t n) {
  for (size_t i = 0; i < n; ++i) acc[i] += w * F16ToF32(x[i]);
}
void AxpyF32(float w, const float* x, float* acc, size_t n) {
  for (size_t i = 0; i < n; ++i) acc[i] += w * x[i];
}

void MinMax(const float* x, size_t n, float* mn, float* mx) {
  float a = n ? x[0] : 0.f, b = a;
  for (size_t i = 1; i < n; ++i) {
    a = std::min(a, x[i]);
    b = std::max(b, x[i]);
  }
  *mn = a;
  *mx = b;
}

void Quantize(const float* x, size_t n, float mn, float inv, uint32_t max_code, uint8_t* codes) {
  for (size_t i = 0; i < n; ++i) {
    const float t = std::nearbyint((x[i] - mn) * inv);
    codes[i] = static_cast<uint8_t>(std::clamp(t, 0.f, static_cast<float>(max_code)));
  }
}

void PackNibbles(const uint8_t* codes, size_t n, uint8_t* packed) {
  for (size_t i = 0; i < n; i += 2) {
    packed[i / 2] = static_cast<uint8_t>(codes[i] | (codes[i + 1] << 4));
  }
}

float DotQ8(const float* q, const uint8_t* c, size_t n) {
  float s = 0;
  for (size_t i = 0; i < n; ++i) s += q[i] * static_cast<float>(c[i]);
  return s;
}

float DotQ4(const float* q, const uint8_t* p, size_t n) {
  float s = 0;
  for (size_t i = 0; i < n; ++i) s += q[i] * static_cast<float>((p[i / 2] >> (4 * (i & 1))) & 15);
  return s;
}

void AxpyQ8(float a, float b, const uint8_t* c, float* acc, size_t n) {
  for (size_t i = 0; i < n; ++i) acc[i] += a * static_cast<float>(c[i]) + b;
}

void AxpyQ4(float a, float b, const uint8_t* p, float* acc, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    acc[i] += a * static_cast<float>((p[i / 2] >> (4 * (i & 1))) & 15) + b;
  }
}

void MatVec(const float* m, const float* x, float* y, size_t n) {
  for (size_t r = 0; r < n; ++r) y[r] = DotF32(m + r * n, x, n);
}

void MatVecBatch(const float* m, const float* x, size_t count, float* y, size_t n) {
  for (size_t v = 0; v < count; ++v) MatVec(m, x + v * n, y + v * n, n);
}

void MatVecT(const float* m, const float* x, float* y, size_t n) {
  for (size_t c = 0; c < n; ++c) y[c] = 0;
  for (size_t r = 0; r < n; ++r) AxpyF32(x[r], m + r * n, y, n);
}

void Fwht(float* x, size_t n) {
  for (size_t h = 1; h < n; h *= 2) {
    for (size_t i = 0; i < n; i += 2 * h) {
      for (size_t j = i; j < i + h; ++j) {
        const float a = x[j], b = x[j + h];
        x[j] = a + b;
        x[j + h] = a - b;
      }
    }
  }
}

void Nearest(const float* y, size_t n, const float* bounds, size_t nb, uint8_t* idx) {
  for (size_t i = 0; i < n; ++i) {
    uint32_t k = 0;
    for (size_t j = 0; j < nb; ++j) k += y[i] > bounds[j];
    idx[i] = static_cast<uint8_t>(k);
  }
}

void PackPlanes(const uint8_t* idx, size_t n, uint32_t bits, uint8_t* planes) {
  for (uint32_t k = 0; k < bits; ++k) {
    uint8_t* plane = planes + k * (n / 8);
    for (size_t i = 0; i < n / 8; ++i) {
      uint8_t byte = 0;
      for (size_t j = 0; j < 8; ++j) byte |= static_cast<uint8_t>(((idx[8 * i + j] >> k) & 1) << j);
      plane[i] = byte;
    }
  }
}

void UnpackPlanes(const uint8_t* planes, size_t n, uint32_t bits, uint8_t* idx) {
  for (size_t i = 0; i < n; ++i) {
    uint32_t v = 0;
    for (uint32_t k = 0; k < bits; ++k) v |= ((planes[k * (n / 8) + i / 8] >> (i % 8)) & 1u) << k;
    idx[i] = static_cast<uint8_t>(v);
  }
}

float LutDot(const float* q, const uint8_t* planes, size_t n, uint32_t bits, const float* lut) {
  float s = 0;
  for (size_t i = 0; i < n; ++i) {
    uint32_t v = 0;
    for (uint32_t k = 0; k < bits; ++k) v |= ((planes[k * (n / 8) + i / 8] >> (i % 8)) & 1u) << k;
    s += q[i] * lut[v];
  }
  return s;
}

void LutAxpy(float w, const uint8_t* planes, size_t n, uint32_t bits, const float* lut,
             float* acc) {
  for (size_t i = 0; i < n; ++i) {
    uint32_t v = 0;
    for (uint32_t k = 0; k < bits; ++k) v |= ((planes[k * (n / 8) + i / 8] >> (i % 8)) & 1u) << k;
    acc[i] += w * lut[v];
  }
}

void Signs(const float* x, size_t n, uint8_t* bits) {
  for (size_t i = 0; i < (n + 7) / 8; ++i) bits[i] = 0;
  for (size_t i = 0; i < n; ++i) bits[i / 8] |= static_cast<uint8_t>((x[i] >= 0.f) << (i % 8));
}

float SignDot(const float* q, const uint8_t* bits, size_t n) {
  float s = 0;
  for (size_t i = 0; i < n; ++i) s += ((bits[i / 8] >> (i % 8)) & 1) ? q[i] : -q[i];
  return s;
}

void SignAxpy(float w, const uint8_t* bits, float* acc, size_t n) {
  for (size_t i = 0; i < n; ++i) acc[i] += ((bits[i / 8] >> (i % 8)) & 1) ? w : -w;
}

void Softmax(float* x, size_t n) {
  if (n == 0) return;
  float mx = x[0];
  for (size_t i = 1; i < n; ++i) mx = std::max(mx, x[i]);
  double sum = 0;  // the reference sums in double; SIMD versions keep per-lane float sums
  for (size_t i = 0; i < n; ++i) {
    x[i] = std::exp(x[i] - mx);
    sum += x[i];
  }
  const float inv = static_cast<float>(1.0 / sum);
  for (size_t i = 0; i < n; ++i) x[i] *= inv;
}

double KlDiv(const float* p, const float* q, size_t n) {
  double sum = 0;
  for (size_t i = 0; i < n; ++i) {
    if (p[i] > 0) {
      const double qi = q == nullptr ? 1.0 : std::max(double{q[i]}, 1e-300);
      sum += p[i] * std::log(p[i] / qi);
    }
  }
  return sum;
}

void Hadamard(const float* x, size_t d, float factor, const float* signs, float* y, size_t n) {
  for (size_t i = 0; i < n; ++i) y[i] = i < d ? (x[i] * factor) * signs[i] : 0.f;
  Fwht(y, n);
}

void EncodeGroupwise(const float* x, size_t d, size_t g, uint32_t bits, uint8_t* out) {
  const uint32_t max_code = (1u << bits) - 1;
  const size_t group_bytes = 4 + g * bits / 8;
  uint8_t codes[1024];
  for (size_t k = 0; k < d / g; ++k) {
    const float* v = x + k * g;
    uint8_t* o = out + k * group_bytes;
    float mn, mx, m, inv;
    MinMax(v, g, &mn, &mx);
    fp16::GroupHeader(mn, mx, max_code, o, &m, &inv);
    if (bits == 8) {
      Quantize(v, g, m, inv, max_code, o + 4);
    } else {
      Quantize(v, g, m, inv, max_code, codes);
      if (bits == 4) PackNibbles(codes, g, o + 4);
      else reference::PackSlots(codes, g, bits, o + 4);
    }
  }
}

void ScoreGroupwise(const float* q, const float* qsum, const uint8_t* codes, size_t stride,
                    size_t n, size_t d, size_t g, uint32_t bits, float* out) {
  const size_t group_bytes = 4 + g * bits / 8;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* c = codes + i * stride;
    float s = 0;
    for (size_t k = 0; k < d / g; ++k) {
      const uint8_t* o = c + k * group_bytes;
      const float dot = bits == 8 ? DotQ8(q + k * g, o + 4, g) : DotQ4(q + k * g, o + 4, g);
      s += fp16::Load(o + 2) * qsum[k] + fp16::Load(o) * dot;
    }
    out[i] = s;
  }
}

void EncodeQ8Symmetric(const float* x, size_t d, size_t g, uint8_t* out) {
  for (size_t k = 0; k < d / g; ++k) reference::EncodeQ8SymmetricGroup(x + k * g, g, out + k * (g + 2));
}

float DotS8(const float* q, const uint8_t* c, size_t n) {
  float s = 0;
  for (size_t i = 0; i < n; ++i) s += q[i] * static_cast<float>(static_cast<int8_t>(c[i]));
  return s;
}

void ScoreQ8Symmetric(const float* q, const uint8_t* codes, size_t stride, size_t n, size_t d,
                      size_t g, float* out) {
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* c = codes + i * stride;
    float s = 0;
    for (size_t k = 0; k < d / g; ++k) {
      const uint8_t* o = c + k * (g + 2);
      s += fp16::Load(o) * DotS8(q + k * g, o + 2, g);
    }
    out[i] = s;
  }
}

void AxpyS8(float a, const int8_t* c, float* acc, size_t n) {
  for (size_t i = 0; i < n; ++i) acc[i] += a * static_cast<float>(c[i]);
}

void ScoreF16(const float* q, const uint8_t* keys, size_t stride, size_t n, size_t d,
              float* out) {
  for (size_t i = 0; i < n; ++i) {
    out[i] = DotF16(q, reinterpret_cast<const uint16_t*>(keys + i * stride), d);
  }
}

void QuantizePlanes(const float* y, size_t n, const float* bounds, uint32_t bits,
                    uint8_t* planes) {
  uint8_t idx[4096];
  Nearest(y, n, bounds, (size_t{1} << bits) - 1, idx);
  PackPlanes(idx, n, bits, planes);
}

void ScoreTurboQuant(const float* q, const float* sq, const uint8_t* codes, size_t stride,
                     size_t n, size_t d, uint32_t bits, const float* lut, float qjl_scale,
                     float* out) {
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* c = codes + i * stride;
    float s = bits ? LutDot(q, c + 2, d, bits, lut) : 0.f;
    if (sq != nullptr) {
      const uint8_t* sg = c + 2 + bits * d / 8;
      s += fp16::Load(sg + d / 8) * qjl_scale * SignDot(sq, sg, d);
    }
    out[i] = fp16::Load(c) * s;
  }
}

void AccumulateTurboQuant(const float* w, const uint8_t* codes, size_t stride, size_t n, size_t d,
                          uint32_t bits, const float* lut, float qjl_scale, float* y, float* z) {
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* c = codes + i * stride;
    const float wn = w[i] * fp16::Load(c);
    if (bits) LutAxpy(wn, c + 2, d, bits, lut, y);
    if (z != nullptr) {
      const uint8_t* sg = c + 2 + bits * d / 8;
      SignAxpy(wn * fp16::Load(sg + d / 8) * qjl_scale, sg, z, d);
    }
  }
}

}  // namespace

namespace reference {

void EncodeQ8SymmetricGroup(const float* v, size_t g, uint8_t* out) {
  float amax = 0.f;
  for (size_t i = 0; i < g; ++i) {
    const float a = std::fabs(v[i]);
    if (a > amax) amax = a;  // false for NaN: NaN is ignored
  }
  const float d = amax / 127.f;
  const float id = d > 0.f ? 1.f / d : 0.f;  // the codes use the fp32 scale, not the stored half
  const uint16_t h = fp16::FromFloat(std::min(d, 65504.f));
  std::memcpy(out, &h, 2);
  for (size_t i = 0; i < g; ++i) {
    const float t = v[i] * id;  // NaN for a NaN value, or an infinity times a zero inverse
    const float c = std::isnan(t) ? 0.f : std::clamp(std::round(t), -127.f, 127.f);
    out[2 + i] = static_cast<uint8_t>(static_cast<int8_t>(c));
  }
}

}  // namespace reference

const Kernels& ScalarKernels() {
  static const Kernels k = {
      .name = "scalar",
      .f32_to_f16 = F32ToF16N,
      .f16_to_f32 = F16ToF32N,
      .dot_f32 = DotF32,
      .dot_f16 = DotF16,
      .axpy_f16 = AxpyF16,
      .axpy_f32 = AxpyF32,
      .min_max = MinMax,
      .quantize = Quantize,
      .pack_nibbles = PackNibbles,
      .dot_q8 = DotQ8,
      .dot_q4 = DotQ4,
      .axpy_q8 = AxpyQ8,
      .axpy_q4 = AxpyQ4,
      .matvec = MatVec,
      .matvec_t = MatVecT,
      .matvec_batch = MatVecBatch,
      .fwht = Fwht,
      .hadamard = Hadamard,
      .nearest = Nearest,
      .pack_planes = PackPlanes,
      .unpack_planes = UnpackPlanes,
      .lut_dot = LutDot,
      .lut_axpy = LutAxpy,
      .signs = Signs,
      .sign_dot = SignDot,
      .sign_axpy = SignAxpy,
      .softmax = Softmax,
      .kl_div = KlDiv,
      .score_f16 = ScoreF16,
      .encode_groupwise = EncodeGroupwise,
      .score_groupwise = ScoreGroupwise,
      .encode_q8_symmetric = EncodeQ8Symmetric,
      .score_q8_symmetric = ScoreQ8Symmetric,
      .axpy_s8 = AxpyS8,
      .quantize_planes = QuantizePlanes,
      .score_turboquant = ScoreTurboQuant,
      .accumulate_turboquant = AccumulateTurboQuant,
      .f32_to_lowfloat = reference::F32ToLowFloat,
      .lowfloat_to_f32 = reference::LowFloatToF32,
      .score_fp8 = reference::ScoreFp8,
      .accumulate_fp8 = reference::AccumulateFp8,
      .encode_nvfp4 = reference::EncodeNvfp4,
      .score_nvfp4 = reference::ScoreNvfp4,
      .accumulate_nvfp4 = reference::AccumulateNvfp4,
      .pack_slots = reference::PackSlots,
      .axpy_slots = reference::AxpySlots,
      .score_kivi = reference::ScoreKivi,
      .encode_kivi = reference::EncodeKivi};
  return k;
}

}  // namespace kvsim
