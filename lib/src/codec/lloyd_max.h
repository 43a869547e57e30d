// Lloyd-Max scalar codebooks for the coordinates of a uniformly random unit vector in dimension
// d (TurboQuant, Zandieh et al. 2025, section 3). A coordinate has density
//   f(t) = Gamma(d/2) / (sqrt(pi) Gamma((d-1)/2)) (1 - t^2)^((d-3)/2),  t in [-1, 1],
// close to N(0, 1/d). The 2^b centroids are computed at start-up for the exact density by the
// Lloyd iteration (boundaries = midpoints, centroids = conditional means), not pasted from a
// table. Internal header.
#pragma once

#include <cstdint>
#include <vector>

namespace kvsim {

struct Codebook {
  std::vector<float> centroids;   // 2^bits, ascending
  std::vector<float> boundaries;  // 2^bits - 1 midpoints, ascending
  double coordinate_mse = 0;      // E[(t - c(t))^2] under f: the distortion per coordinate
};

// Cached and thread-safe. REQUIRES: 2 <= d <= 65536, 1 <= bits <= 8.
const Codebook& LloydMaxCodebook(uint32_t d, uint32_t bits);

}  // namespace kvsim
