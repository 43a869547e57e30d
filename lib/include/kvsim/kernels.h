// SIMD kernels with runtime dispatch.
//
// Every kernel exists as a scalar reference and as xsimd versions compiled per instruction set
// (one translation unit each, with its own flags; never a global -march=native). The best set
// the CPU supports is chosen at start-up; KVSIM_KERNELS=scalar|sse4|avx2|avx512 or --kernels
// forces one (tests compare each against the scalar reference). The name of the set in use is
// printed in every report.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kvsim {

// The minifloats of the fp8 and nvfp4 codecs (lowfloat_scalar.h has the definitions): OCP FP8
// E4M3 (max 448, no infinities) and E5M2 (max 57344), and FP4 E2M1 (max 6). One code per byte
// (E2M1 in the low four bits, sign in bit 3).
enum class LowFloat : uint32_t { kE4M3, kE5M2, kE2M1 };

struct Kernels {
  const char* name;

  // --- fp16 ---
  // IEEE binary16 conversions, round to nearest even.
  void (*f32_to_f16)(const float* in, uint16_t* out, size_t n);
  void (*f16_to_f32)(const uint16_t* in, float* out, size_t n);
  // <q, x> against fp32 and fp16 vectors; acc += w * x.
  float (*dot_f32)(const float* q, const float* x, size_t n);
  float (*dot_f16)(const float* q, const uint16_t* x, size_t n);
  void (*axpy_f16)(float w, const uint16_t* x, float* acc, size_t n);
  void (*axpy_f32)(float w, const float* x, float* acc, size_t n);

  // --- groupwise q8 / q4 (codes are unsigned; q4 packs two per byte, low nibble first) ---
  void (*min_max)(const float* x, size_t n, float* min, float* max);
  // codes[i] = clamp(nearbyint((x[i] - min) * inv_scale), 0, max_code)
  void (*quantize)(const float* x, size_t n, float min, float inv_scale, uint32_t max_code,
                   uint8_t* codes);
  void (*pack_nibbles)(const uint8_t* codes, size_t n, uint8_t* packed);  // REQUIRES: n even
  // sum_i q[i] * code[i] (the caller applies scale and minimum per group)
  float (*dot_q8)(const float* q, const uint8_t* codes, size_t n);
  float (*dot_q4)(const float* q, const uint8_t* packed, size_t n);
  // acc[i] += a * code[i] + b
  void (*axpy_q8)(float a, float b, const uint8_t* codes, float* acc, size_t n);
  void (*axpy_q4)(float a, float b, const uint8_t* packed, float* acc, size_t n);

  // --- TurboQuant: rotation, nearest centroid, bit planes, QJL signs ---
  // y = M x and y = M^T x for a row-major n x n matrix.
  void (*matvec)(const float* m, const float* x, float* y, size_t n);
  void (*matvec_t)(const float* m, const float* x, float* y, size_t n);
  // y[v n ..] = M x[v n ..] for `count` vectors, bit-identical to matvec on each, reading M
  // once per few vectors instead of once per vector.
  void (*matvec_batch)(const float* m, const float* x, size_t count, float* y, size_t n);
  // In-place unnormalized fast Walsh-Hadamard transform. REQUIRES: n a power of two.
  void (*fwht)(float* x, size_t n);
  // y[0..n) = FWHT of t, t[i] = (x[i] * factor) * signs[i] for i < d, 0 beyond (a randomized
  // Hadamard rotation of x * factor in one pass: no store between the scaling and the
  // transform, which would otherwise stall wide loads on narrower stores).
  void (*hadamard)(const float* x, size_t d, float factor, const float* signs, float* y, size_t n);
  // idx[i] = number of the sorted `bounds` below y[i] (the nearest Lloyd-Max centroid).
  void (*nearest)(const float* y, size_t n, const float* bounds, size_t n_bounds, uint8_t* idx);
  // Bit planes: plane k (n/8 bytes) holds bit k of every index. REQUIRES: n % 8 == 0.
  void (*pack_planes)(const uint8_t* idx, size_t n, uint32_t bits, uint8_t* planes);
  void (*unpack_planes)(const uint8_t* planes, size_t n, uint32_t bits, uint8_t* idx);
  // sum_i q[i] * lut[idx_i] and acc[i] += w * lut[idx_i], reading indices from bit planes.
  float (*lut_dot)(const float* q, const uint8_t* planes, size_t n, uint32_t bits,
                   const float* lut);
  void (*lut_axpy)(float w, const uint8_t* planes, size_t n, uint32_t bits, const float* lut,
                   float* acc);
  // Sign bits (bit set: x[i] >= 0), sum_i q[i] * (+-1), acc[i] += w * (+-1).
  void (*signs)(const float* x, size_t n, uint8_t* bits);
  float (*sign_dot)(const float* q, const uint8_t* bits, size_t n);
  void (*sign_axpy)(float w, const uint8_t* bits, float* acc, size_t n);

  // --- attention ---
  // In place: x = softmax(x) (max-subtracted).
  void (*softmax)(float* x, size_t n);
  // KL(p || q) = sum over p[i] > 0 of p[i] log(p[i] / max(q[i], 1e-300)), in double;
  // q == nullptr: q[i] = 1 (then the sum is sum p log p, minus the entropy).
  double (*kl_div)(const float* p, const float* q, size_t n);

  // --- whole-vector codec kernels (the hot paths; built from the kernels above) ---
  // out[i] = <q, key_i> for n fp16 keys of d values, `stride` bytes apart.
  void (*score_f16)(const float* q, const uint8_t* keys, size_t stride, size_t n, size_t d,
                    float* out);
  // Groupwise encode of d values in groups of g: per group [fp16 scale][fp16 min][codes]
  // (bits 8: one per byte; 4: two per byte, low nibble first; 2: packed by slot, see pack_slots).
  void (*encode_groupwise)(const float* x, size_t d, size_t g, uint32_t bits, uint8_t* out);
  // out[i] = sum_groups (min * qsum[group] + scale * <q_group, codes_group>), n vectors.
  void (*score_groupwise)(const float* q, const float* qsum, const uint8_t* codes, size_t stride,
                          size_t n, size_t d, size_t g, uint32_t bits, float* out);
  // Symmetric q8 (q8:mode=symmetric) of d values in groups of g: per group [fp16 scale][g int8
  // codes, two's complement]. amax = the largest |x| of the group (NaN ignored); the scale is
  // amax / 127 in fp32, stored rounded to nearest even in fp16 (saturating at 65504); the codes
  // are x times 1 / (the fp32 scale) (0 for a zero scale), rounded to nearest with ties away from
  // zero, clamped to [-127, 127]; NaN gives 0. At g = 32 this is ggml's q8_0 block.
  void (*encode_q8_symmetric)(const float* x, size_t d, size_t g, uint8_t* out);
  // out[i] = sum_groups scale * <q_group, codes_group> for n symmetric q8 vectors.
  void (*score_q8_symmetric)(const float* q, const uint8_t* codes, size_t stride, size_t n,
                             size_t d, size_t g, float* out);
  // acc[i] += a * code[i] for n int8 codes (one symmetric q8 group).
  void (*axpy_s8)(float a, const int8_t* codes, float* acc, size_t n);
  // Nearest centroid of each y (2^bits - 1 sorted bounds), written as bit planes.
  void (*quantize_planes)(const float* y, size_t n, const float* bounds, uint32_t bits,
                          uint8_t* planes);
  // TurboQuant layout [fp16 norm][bits planes][signs, fp16 gamma if sq]: out[i] =
  // norm_i (<q, lut[idx_i]> + gamma_i qjl_scale <sq, signs_i>); sq == nullptr: no QJL part.
  void (*score_turboquant)(const float* q, const float* sq, const uint8_t* codes, size_t stride,
                           size_t n, size_t d, uint32_t bits, const float* lut, float qjl_scale,
                           float* out);
  // The same layout, summed with weights: y += sum_i w_i norm_i lut[idx_i] and
  // z += sum_i w_i norm_i gamma_i qjl_scale signs_i (z == nullptr: no QJL part), both in the
  // rotated domain; the caller rotates back once.
  void (*accumulate_turboquant)(const float* w, const uint8_t* codes, size_t stride, size_t n,
                                size_t d, uint32_t bits, const float* lut, float qjl_scale,
                                float* y, float* z);

  // --- fp8 / nvfp4 (minifloat codes; see LowFloat) ---
  // out[i] = the code of x[i] * inv_scale, rounded to nearest even; magnitudes beyond the
  // format's largest (infinities included) saturate to it; NaN gives NaN (E2M1, which has
  // none: the largest magnitude).
  void (*f32_to_lowfloat)(const float* x, size_t n, float inv_scale, LowFloat format,
                          uint8_t* out);
  void (*lowfloat_to_f32)(const uint8_t* codes, size_t n, LowFloat format, float* out);
  // fp8 keys of d codes (E4M3 or E5M2), `stride` bytes apart: out[i] = sum_j q[j] value(code_ij),
  // before the per-tensor scale.
  void (*score_fp8)(const float* q, const uint8_t* keys, size_t stride, size_t n, size_t d,
                    LowFloat format, float* out);
  // acc[j] += sum_i (w[i] scale) value(code_ij).
  void (*accumulate_fp8)(const float* w, float scale, const uint8_t* codes, size_t stride,
                         size_t n, size_t d, LowFloat format, float* acc);
  // NVFP4 of d values (REQUIRES: d % 16 == 0, global_scale > 0 and finite): d/2 bytes of E2M1
  // codes (two per byte, the even-indexed value in the low nibble), then d/16 E4M3 block
  // scales. Block b's scale is E4M3(amax_b / (6 global_scale)); its values are
  // E2M1(x / (scale_b global_scale)) (all zero when the scale is zero).
  void (*encode_nvfp4)(const float* x, size_t d, float global_scale, uint8_t* out);
  // out[i] = sum_b scale_b sum_(j in b) q[j] E2M1(code_ij), before the global scale.
  void (*score_nvfp4)(const float* q, const uint8_t* codes, size_t stride, size_t n, size_t d,
                      float* out);
  // acc[j] += sum_i (w[i] scale) scale_ib E2M1(code_ij).
  void (*accumulate_nvfp4)(const float* w, float scale, const uint8_t* codes, size_t stride,
                           size_t n, size_t d, float* acc);

  // --- kivi (2- or 4-bit codes packed by slot) ---
  // n codes of `bits` (2 or 4) in m = n bits / 8 bytes: code i in byte i % m at bit
  // bits (i / m), so shifting the m bytes by bits k gives codes k m .. k m + m - 1 in order
  // (SIMD unpacks a slot with one shift and mask). REQUIRES: n bits % 8 == 0, codes < 2^bits.
  void (*pack_slots)(const uint8_t* codes, size_t n, uint32_t bits, uint8_t* packed);
  // acc[i] += a * code_i + b for the n codes packed by slot.
  void (*axpy_slots)(float a, float b, const uint8_t* packed, size_t n, uint32_t bits,
                     float* acc);
  // kivi key groups of t tokens and d channels (REQUIRES: d <= 1024), `stride` bytes apart:
  // d fp16 scales, d fp16 minimums, then per channel its t codes packed by slot. For the n
  // groups: out[g t + j] = sum_c q[c] (min_c + scale_c code_cj).
  void (*score_kivi)(const float* q, const uint8_t* groups, size_t stride, size_t n, size_t d,
                     size_t t, uint32_t bits, float* out);
  // One kivi key group from x[j d + c] (t tokens, d channels; REQUIRES: t bits % 8 == 0): per
  // channel its t values' minimum and maximum, fp16::GroupHeader's rounding, codes as
  // `quantize` computes them, packed by slot.
  void (*encode_kivi)(const float* x, size_t t, size_t d, uint32_t bits, uint8_t* out);
};

const Kernels& ScalarKernels();
// The kernels in use (the best supported, unless forced).
const Kernels& ActiveKernels();
// Names of the kernel sets this build has and this CPU supports, best last.
std::vector<std::string> AvailableKernels();
// Forces a kernel set by name; throws Error if unknown or unsupported here.
void ForceKernels(const std::string& name);
// Looks up a kernel set by name (for tests); nullptr if unavailable.
const Kernels* FindKernels(const std::string& name);

}  // namespace kvsim
