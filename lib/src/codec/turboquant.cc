// turboquant: Zandieh, Daliri, Hadian, Mirrokni, "TurboQuant: online vector quantization with
// near-optimal distortion rate" (arXiv 2504.19874), as notes/quantization.md sets it out.
//
// Per vector: store ||x|| (fp16), rotate u = x / ||x|| randomly (y = P u), quantize each
// coordinate of y with the Lloyd-Max codebook of the exact coordinate density, and pack the
// indices as bit planes (plane k holds bit k of every index, so any bit width unpacks with the
// same SIMD mask arithmetic). mse mode: b bits. prod mode: b-1 bits of codebook plus one bit of
// QJL on the rotated residual r = y - c[idx] (signs of S r for a seeded Gaussian S, and ||r|| as
// fp16), which makes inner products unbiased:
//   <q, x> ~ ||x|| (<P q, c[idx]> + ||r|| sqrt(pi/2) / D <S P q, sign(S r)>).
// Scores rotate the query once per call and then read codes through the LUT kernels; value sums
// accumulate in the rotated domain and rotate back once per call.
//
// Outlier channels (the paper's mixed precision, section 4.3): `outlier_channels` channels get
// their own TurboQuant instance with `outlier_bits`, the rest another. Which channels: the first
// ones until Calibrate() picks those with the largest mean square.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "codecs.h"
#include "kvsim/error.h"
#include "kvsim/kernels.h"
#include "lloyd_max.h"
#include "rotation.h"

namespace kvsim {
namespace {

constexpr size_t kMaxDim = 2048;  // rotated dimension limit (head_dim <= 1024, padded)

uint16_t ToF16(float f) {
  uint16_t h;
  ScalarKernels().f32_to_f16(&f, &h, 1);
  return h;
}
float FromF16(const uint8_t* p) {
  uint16_t h;
  std::memcpy(&h, p, 2);
  float f;
  ScalarKernels().f16_to_f32(&h, &f, 1);
  return f;
}

bool UseHadamard(const std::string& rotation, size_t d) {
  return rotation == "hadamard" || (rotation == "auto" && (d & (d - 1)) == 0);
}

// One TurboQuant instance over a vector of `d` coordinates.
class Part {
 public:
  Part(size_t d, uint32_t bits, bool prod, const std::string& rotation, uint64_t seed)
      : d_(d),
        mse_bits_(prod ? bits - 1 : bits),
        qjl_(prod),
        rot_(UseHadamard(rotation, d) ? NewHadamardRotation(d, seed) : NewDenseRotation(d, seed)),
        big_d_(rot_->out_dim()) {
    if (mse_bits_ > 0) book_ = &LloydMaxCodebook(static_cast<uint32_t>(big_d_), mse_bits_);
    if (qjl_) s_ = GaussianMatrix(big_d_, big_d_, seed ^ 0x51a7e5u);
    qjl_scale_ = static_cast<float>(std::sqrt(M_PI / 2) / static_cast<double>(big_d_));
  }

  size_t bytes() const { return 2 + mse_bits_ * big_d_ / 8 + (qjl_ ? big_d_ / 8 + 2 : 0); }

  void Encode(const float* x, uint8_t* out) const {
    float r[kMaxDim], sr[kMaxDim];
    EncodeMse(x, out, r);
    if (qjl_) {
      ActiveKernels().matvec(s_.data(), r, sr, big_d_);
      WriteSigns(sr, out);
    }
  }

  // Encode for n vectors; the QJL products S r of eight vectors at a time read S once.
  void EncodeBatch(const float* x, size_t n, uint8_t* out, size_t stride) const {
    constexpr size_t kGroup = 8;
    std::vector<float> r(kGroup * big_d_), sr(kGroup * big_d_);
    for (size_t i0 = 0; i0 < n; i0 += kGroup) {
      const size_t g = std::min(kGroup, n - i0);
      for (size_t v = 0; v < g; ++v) EncodeMse(x + (i0 + v) * d_, out + (i0 + v) * stride, &r[v * big_d_]);
      if (!qjl_) continue;
      ActiveKernels().matvec_batch(s_.data(), r.data(), g, sr.data(), big_d_);
      for (size_t v = 0; v < g; ++v) WriteSigns(&sr[v * big_d_], out + (i0 + v) * stride);
    }
  }

 private:
  // Norm, rotation and codebook indices; in prod mode also the residual r (into `r`) and its
  // norm gamma, leaving only the signs of S r to write.
  void EncodeMse(const float* x, uint8_t* out, float* r) const {
    const Kernels& k = ActiveKernels();
    float y[kMaxDim];
    const float norm = std::sqrt(k.dot_f32(x, x, d_));
    const uint16_t nh = ToF16(norm);
    std::memcpy(out, &nh, 2);
    const float inv = norm > 0 ? 1.f / norm : 0.f;
    rot_->ApplyScaled(x, inv, y);
    uint8_t* p = out + 2;
    if (mse_bits_ > 0) {
      k.quantize_planes(y, big_d_, book_->boundaries.data(), mse_bits_, p);
      p += mse_bits_ * big_d_ / 8;
    }
    if (qjl_) {
      if (mse_bits_ > 0) {
        uint8_t idx[kMaxDim];
        k.unpack_planes(out + 2, big_d_, mse_bits_, idx);
        for (size_t i = 0; i < big_d_; ++i) r[i] = y[i] - book_->centroids[idx[i]];
      } else {
        std::memcpy(r, y, big_d_ * sizeof(float));
      }
      const uint16_t gh = ToF16(std::sqrt(k.dot_f32(r, r, big_d_)));
      std::memcpy(p + big_d_ / 8, &gh, 2);
    }
  }

  void WriteSigns(const float* sr, uint8_t* out) const {
    ActiveKernels().signs(sr, big_d_, out + 2 + mse_bits_ * big_d_ / 8);
  }

 public:

  // Rotated-domain reconstruction of u (before scaling by the norm) into y.
  void DecodeRotated(const uint8_t* in, float* y) const {
    const Kernels& k = ActiveKernels();
    std::fill(y, y + big_d_, 0.f);
    const uint8_t* p = in + 2;
    if (mse_bits_ > 0) {
      k.lut_axpy(1.f, p, big_d_, mse_bits_, book_->centroids.data(), y);
      p += mse_bits_ * big_d_ / 8;
    }
    if (qjl_) {
      // QJL dequantization: r~ = ||r|| sqrt(pi/2) / D S^T sign(S r).
      std::vector<float> z(big_d_, 0.f), st(big_d_);
      k.sign_axpy(FromF16(p + big_d_ / 8) * qjl_scale_, p, z.data(), big_d_);
      k.matvec_t(s_.data(), z.data(), st.data(), big_d_);
      for (size_t i = 0; i < big_d_; ++i) y[i] += st[i];
    }
  }

  void Decode(const uint8_t* in, float* x) const {
    std::vector<float> y(big_d_);
    DecodeRotated(in, y.data());
    rot_->ApplyT(y.data(), x);
    const float norm = FromF16(in);
    for (size_t i = 0; i < d_; ++i) x[i] *= norm;
  }

  // out[i] += <q, x~_i>.
  void Score(const float* q, const uint8_t* codes, size_t stride, size_t n, float* out) const {
    const Kernels& k = ActiveKernels();
    float pq[kMaxDim], spq[kMaxDim];
    rot_->Apply(q, pq);
    if (qjl_) k.matvec(s_.data(), pq, spq, big_d_);
    std::vector<float> part(n);
    k.score_turboquant(pq, qjl_ ? spq : nullptr, codes, stride, n, big_d_, mse_bits_,
                       mse_bits_ ? book_->centroids.data() : nullptr, qjl_scale_, part.data());
    for (size_t i = 0; i < n; ++i) out[i] += part[i];
  }

  // acc += sum_i w[i] x~_i.
  void Accumulate(const float* w, const uint8_t* codes, size_t stride, size_t n, float* acc) const {
    const Kernels& k = ActiveKernels();
    std::vector<float> y(big_d_, 0.f), z(big_d_, 0.f), x(d_);
    k.accumulate_turboquant(w, codes, stride, n, big_d_, mse_bits_,
                            mse_bits_ ? book_->centroids.data() : nullptr, qjl_scale_, y.data(),
                            qjl_ ? z.data() : nullptr);
    if (qjl_) {
      std::vector<float> st(big_d_);
      k.matvec_t(s_.data(), z.data(), st.data(), big_d_);
      for (size_t i = 0; i < big_d_; ++i) y[i] += st[i];
    }
    rot_->ApplyT(y.data(), x.data());
    for (size_t i = 0; i < d_; ++i) acc[i] += x[i];
  }

 private:
  size_t d_;
  uint32_t mse_bits_;
  bool qjl_;
  std::unique_ptr<Rotation> rot_;
  size_t big_d_;
  const Codebook* book_ = nullptr;
  std::vector<float> s_;
  float qjl_scale_;
};

class TurboQuantCodec final : public VectorCodec {
 public:
  TurboQuantCodec(const TurboQuantOptions& o, size_t d) : o_(o), d_(d) {
    const uint32_t k = o.outlier_channels;
    const uint32_t kb = o.outlier_bits ? o.outlier_bits : o.bits + 1;
    channels_.resize(d);
    std::iota(channels_.begin(), channels_.end(), 0);
    if (k > 0) {
      parts_.push_back({k, std::make_unique<Part>(k, kb, o.prod, o.rotation, o.seed * 2 + 1)});
    }
    parts_.push_back({d - k, std::make_unique<Part>(d - k, o.bits, o.prod, o.rotation, o.seed * 2)});
  }

  std::string name() const override { return "turboquant"; }
  size_t dim() const override { return d_; }
  size_t max_encoded_bytes() const override {
    size_t b = 0;
    for (const auto& p : parts_) b += p.part->bytes();
    return b;
  }

  size_t Encode(const float* x, uint8_t* out) const override {
    if (parts_.size() == 1) {  // no outlier split: channels are in order
      parts_[0].part->Encode(x, out);
      return parts_[0].part->bytes();
    }
    float sub[kMaxDim];
    size_t off = 0, at = 0;
    for (const auto& p : parts_) {
      for (size_t i = 0; i < p.dim; ++i) sub[i] = x[channels_[off + i]];
      p.part->Encode(sub, out + at);
      off += p.dim;
      at += p.part->bytes();
    }
    return at;
  }

  void EncodeBatch(const float* x, size_t n, uint8_t* out, size_t stride) const override {
    if (parts_.size() == 1) return parts_[0].part->EncodeBatch(x, n, out, stride);
    constexpr size_t kChunk = 64;
    std::vector<float> sub(kChunk * d_);
    for (size_t i0 = 0; i0 < n; i0 += kChunk) {
      const size_t g = std::min(kChunk, n - i0);
      size_t off = 0, at = 0;
      for (const auto& p : parts_) {
        for (size_t v = 0; v < g; ++v) {
          for (size_t i = 0; i < p.dim; ++i) sub[v * p.dim + i] = x[(i0 + v) * d_ + channels_[off + i]];
        }
        p.part->EncodeBatch(sub.data(), g, out + i0 * stride + at, stride);
        off += p.dim;
        at += p.part->bytes();
      }
    }
  }

  void Decode(const uint8_t* in, float* out) const override {
    std::vector<float> sub(d_);
    size_t off = 0, at = 0;
    for (const auto& p : parts_) {
      p.part->Decode(in + at, sub.data());
      for (size_t i = 0; i < p.dim; ++i) out[channels_[off + i]] = sub[i];
      off += p.dim;
      at += p.part->bytes();
    }
  }

  void Score(const float* q, const uint8_t* codes, size_t stride, size_t n,
             float* out) const override {
    std::fill(out, out + n, 0.f);
    if (parts_.size() == 1) return parts_[0].part->Score(q, codes, stride, n, out);
    std::vector<float> sub(d_);
    size_t off = 0, at = 0;
    for (const auto& p : parts_) {
      for (size_t i = 0; i < p.dim; ++i) sub[i] = q[channels_[off + i]];
      p.part->Score(sub.data(), codes + at, stride, n, out);
      off += p.dim;
      at += p.part->bytes();
    }
  }

  void Accumulate(const float* w, const uint8_t* codes, size_t stride, size_t n,
                  float* acc) const override {
    if (parts_.size() == 1) return parts_[0].part->Accumulate(w, codes, stride, n, acc);
    std::vector<float> sub(d_);
    size_t off = 0, at = 0;
    for (const auto& p : parts_) {
      std::fill(sub.begin(), sub.end(), 0.f);
      p.part->Accumulate(w, codes + at, stride, n, sub.data());
      for (size_t i = 0; i < p.dim; ++i) acc[channels_[off + i]] += sub[i];
      off += p.dim;
      at += p.part->bytes();
    }
  }

  void Calibrate(const float* vectors, size_t n) override {
    if (o_.outlier_channels == 0 || n == 0) return;
    std::vector<double> ms(d_, 0);
    for (size_t v = 0; v < n; ++v) {
      for (size_t i = 0; i < d_; ++i) ms[i] += double(vectors[v * d_ + i]) * vectors[v * d_ + i];
    }
    std::vector<uint32_t> order(d_);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return ms[a] > ms[b]; });
    const size_t k = o_.outlier_channels;
    std::sort(order.begin(), order.begin() + static_cast<long>(k));
    std::sort(order.begin() + static_cast<long>(k), order.end());
    channels_ = order;
  }

 private:
  struct Slot {
    size_t dim;
    std::unique_ptr<Part> part;
  };
  TurboQuantOptions o_;
  size_t d_;
  std::vector<uint32_t> channels_;  // parts' channels, in order: outliers first
  std::vector<Slot> parts_;
};

}  // namespace

std::unique_ptr<VectorCodec> NewTurboQuantCodec(const TurboQuantOptions& o, size_t dim) {
  if (dim % 8 != 0) throw Error("turboquant needs head_dim divisible by 8, got " + std::to_string(dim));
  if (o.outlier_channels >= dim || o.outlier_channels % 8 != 0) {
    throw Error("outlier_channels must be a multiple of 8 below head_dim " + std::to_string(dim) +
                ", got " + std::to_string(o.outlier_channels));
  }
  if (o.bits < 1 || o.bits > 8 || (o.outlier_bits > 8)) throw Error("turboquant bits must be in 1..8");
  return std::make_unique<TurboQuantCodec>(o, dim);
}

}  // namespace kvsim
