// Random rotations for TurboQuant. Internal header.
//
// dense:    a Haar-random orthogonal matrix: QR (modified Gram-Schmidt, double precision) of a
//           seeded Gaussian matrix. Gram-Schmidt gives R a positive diagonal, which is the sign
//           fix the notes ask for (without it Q is not uniformly distributed). O(d^2) per vector.
// hadamard: random signs, then a fast Walsh-Hadamard transform scaled by 1/sqrt(D), O(D log D);
//           D is d rounded up to a power of two (the vector is zero-padded).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace kvsim {

class Rotation {
 public:
  virtual ~Rotation() = default;
  size_t in_dim() const { return d_; }
  size_t out_dim() const { return out_; }
  // y[0..out_dim) = P [x; 0]
  virtual void Apply(const float* x, float* y) const = 0;
  // x[0..in_dim) = first in_dim coordinates of P^T y
  virtual void ApplyT(const float* y, float* x) const = 0;
  // Apply to x * factor, bit for bit: u = x * factor, then Apply(u).
  virtual void ApplyScaled(const float* x, float factor, float* y) const;

 protected:
  Rotation(size_t d, size_t out) : d_(d), out_(out) {}
  size_t d_, out_;
};

std::unique_ptr<Rotation> NewDenseRotation(size_t d, uint64_t seed);
std::unique_ptr<Rotation> NewHadamardRotation(size_t d, uint64_t seed);

// A seeded d x d matrix of i.i.d. N(0, 1) entries, row-major (QJL's S).
std::vector<float> GaussianMatrix(size_t rows, size_t cols, uint64_t seed);

}  // namespace kvsim
