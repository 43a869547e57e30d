// Dense (Haar) and randomized Hadamard rotations (see rotation.h).
#include "rotation.h"

#include <cmath>

#include "kvsim/rng.h"
#include "kvsim/kernels.h"

namespace kvsim {
namespace {

class DenseRotation final : public Rotation {
 public:
  DenseRotation(size_t d, uint64_t seed) : Rotation(d, d), p_(d * d) {
    Rng rng(seed);
    std::vector<double> a(d * d);
    for (auto& v : a) v = rng.Normal();
    // Modified Gram-Schmidt on the rows of a: row i of Q is orthonormal to rows < i.
    for (size_t i = 0; i < d; ++i) {
      double* r = &a[i * d];
      for (size_t j = 0; j < i; ++j) {
        const double* q = &a[j * d];
        double dot = 0;
        for (size_t k = 0; k < d; ++k) dot += r[k] * q[k];
        for (size_t k = 0; k < d; ++k) r[k] -= dot * q[k];
      }
      double norm = 0;
      for (size_t k = 0; k < d; ++k) norm += r[k] * r[k];
      norm = std::sqrt(norm);
      for (size_t k = 0; k < d; ++k) r[k] /= norm;
    }
    for (size_t i = 0; i < d * d; ++i) p_[i] = static_cast<float>(a[i]);
  }
  void Apply(const float* x, float* y) const override { ActiveKernels().matvec(p_.data(), x, y, d_); }
  void ApplyT(const float* y, float* x) const override {
    ActiveKernels().matvec_t(p_.data(), y, x, d_);
  }

 private:
  std::vector<float> p_;
};

}  // namespace

void Rotation::ApplyScaled(const float* x, float factor, float* y) const {
  float u[2048];  // in_dim <= 2048 (head_dim <= 1024)
  for (size_t i = 0; i < d_; ++i) u[i] = x[i] * factor;
  Apply(u, y);
}

namespace {

size_t NextPow2(size_t d) {
  size_t p = 1;
  while (p < d) p *= 2;
  return p;
}

class HadamardRotation final : public Rotation {
 public:
  HadamardRotation(size_t d, uint64_t seed)
      : Rotation(d, NextPow2(d)), signs_(out_), scale_(1.f / std::sqrt(static_cast<float>(out_))) {
    Rng rng(seed);
    for (auto& s : signs_) s = (rng.Next() >> 63) ? -1.f : 1.f;
    scaled_signs_.resize(out_);
    for (size_t i = 0; i < out_; ++i) scaled_signs_[i] = signs_[i] * scale_;  // exact: +-scale
  }
  // (x s) scale == x (s scale) bit for bit, s being +-1.
  void Apply(const float* x, float* y) const override { ApplyScaled(x, 1.f, y); }
  void ApplyScaled(const float* x, float factor, float* y) const override {
    ActiveKernels().hadamard(x, d_, factor, scaled_signs_.data(), y, out_);
  }
  void ApplyT(const float* y, float* x) const override {
    // H is symmetric and (H / sqrt(D))^2 = I: P^T = D_signs H / sqrt(D).
    std::vector<float> t(y, y + out_);
    ActiveKernels().fwht(t.data(), out_);
    for (size_t i = 0; i < d_; ++i) x[i] = t[i] * signs_[i] * scale_;
  }

 private:
  std::vector<float> signs_, scaled_signs_;
  float scale_;
};

}  // namespace

std::unique_ptr<Rotation> NewDenseRotation(size_t d, uint64_t seed) {
  return std::make_unique<DenseRotation>(d, seed);
}
std::unique_ptr<Rotation> NewHadamardRotation(size_t d, uint64_t seed) {
  return std::make_unique<HadamardRotation>(d, seed);
}

std::vector<float> GaussianMatrix(size_t rows, size_t cols, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> m(rows * cols);
  for (auto& v : m) v = static_cast<float>(rng.Normal());
  return m;
}

}  // namespace kvsim
