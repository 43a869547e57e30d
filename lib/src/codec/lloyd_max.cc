// Lloyd-Max codebooks on the exact coordinate density (see lloyd_max.h).
//
// The density is tabulated on a fine grid of [-1, 1] (mass and first moment accumulated with the
// trapezoid rule in double precision), so each Lloyd step reads conditional means from prefix
// sums by interpolation. The iteration stops when no centroid moves by more than 1e-13.
#include "lloyd_max.h"

#include <cmath>
#include <map>
#include <memory>
#include <mutex>

namespace kvsim {
namespace {

class Density {
 public:
  explicit Density(uint32_t d) {
    // Most of the mass lies within a few standard deviations (1/sqrt(d)); the grid spans the
    // whole support but is dense enough there.
    const size_t n = 400001;
    t_.resize(n);
    mass_.assign(n, 0);
    moment_.assign(n, 0);
    moment2_.assign(n, 0);
    std::vector<double> f(n);
    const double e = (static_cast<double>(d) - 3) / 2;
    for (size_t i = 0; i < n; ++i) {
      t_[i] = -1 + 2.0 * static_cast<double>(i) / static_cast<double>(n - 1);
      const double one = 1 - t_[i] * t_[i];
      f[i] = one <= 0 ? (e < 0 ? 0 : (e == 0 ? 1 : 0)) : std::exp(e * std::log(one));
    }
    for (size_t i = 1; i < n; ++i) {
      const double h = t_[i] - t_[i - 1];
      mass_[i] = mass_[i - 1] + h * (f[i] + f[i - 1]) / 2;
      moment_[i] = moment_[i - 1] + h * (f[i] * t_[i] + f[i - 1] * t_[i - 1]) / 2;
      moment2_[i] = moment2_[i - 1] + h * (f[i] * t_[i] * t_[i] + f[i - 1] * t_[i - 1] * t_[i - 1]) / 2;
    }
    const double total = mass_.back();
    for (size_t i = 0; i < n; ++i) {
      mass_[i] /= total;
      moment_[i] /= total;
      moment2_[i] /= total;
    }
  }

  // Cumulative mass, first and second moments at x (linear interpolation on the grid).
  void At(double x, double* m0, double* m1, double* m2) const {
    if (x <= -1) {
      *m0 = *m1 = *m2 = 0;
      return;
    }
    if (x >= 1) {
      *m0 = mass_.back();
      *m1 = moment_.back();
      *m2 = moment2_.back();
      return;
    }
    const double pos = (x + 1) / 2 * static_cast<double>(t_.size() - 1);
    const size_t i = static_cast<size_t>(pos);
    const double a = pos - static_cast<double>(i);
    auto lerp = [&](const std::vector<double>& v) { return v[i] + a * (v[i + 1] - v[i]); };
    *m0 = lerp(mass_);
    *m1 = lerp(moment_);
    *m2 = lerp(moment2_);
  }

 private:
  std::vector<double> t_, mass_, moment_, moment2_;
};

Codebook Build(uint32_t d, uint32_t bits) {
  const Density density(d);
  const size_t k = size_t{1} << bits;
  std::vector<double> c(k), b(k - 1);
  const double sigma = 1.0 / std::sqrt(static_cast<double>(d));
  for (size_t i = 0; i < k; ++i) {
    c[i] = sigma * 3.0 * (2.0 * (static_cast<double>(i) + 0.5) / static_cast<double>(k) - 1);
  }
  for (int iter = 0; iter < 100000; ++iter) {
    for (size_t i = 0; i + 1 < k; ++i) b[i] = (c[i] + c[i + 1]) / 2;
    double moved = 0;
    for (size_t i = 0; i < k; ++i) {
      double lo0, lo1, lo2, hi0, hi1, hi2;
      density.At(i == 0 ? -1 : b[i - 1], &lo0, &lo1, &lo2);
      density.At(i + 1 == k ? 1 : b[i], &hi0, &hi1, &hi2);
      const double mass = hi0 - lo0;
      if (mass <= 0) continue;
      const double next = (hi1 - lo1) / mass;
      moved = std::max(moved, std::fabs(next - c[i]));
      c[i] = next;
    }
    if (moved < 1e-13) break;
  }
  Codebook book;
  double mse = 0;
  for (size_t i = 0; i < k; ++i) {
    double lo0, lo1, lo2, hi0, hi1, hi2;
    density.At(i == 0 ? -1 : b[i - 1], &lo0, &lo1, &lo2);
    density.At(i + 1 == k ? 1 : b[i], &hi0, &hi1, &hi2);
    // E[(t - c)^2] over the cell = m2 - 2 c m1 + c^2 m0
    mse += (hi2 - lo2) - 2 * c[i] * (hi1 - lo1) + c[i] * c[i] * (hi0 - lo0);
    book.centroids.push_back(static_cast<float>(c[i]));
  }
  for (double x : b) book.boundaries.push_back(static_cast<float>(x));
  book.coordinate_mse = mse;
  return book;
}

}  // namespace

const Codebook& LloydMaxCodebook(uint32_t d, uint32_t bits) {
  static std::mutex mu;
  static std::map<std::pair<uint32_t, uint32_t>, std::unique_ptr<Codebook>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = cache[{d, bits}];
  if (!slot) slot = std::make_unique<Codebook>(Build(d, bits));
  return *slot;
}

}  // namespace kvsim
