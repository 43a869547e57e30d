// What `kvsim codecs --measure` prints: each codec's bytes and errors on random vectors.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kvsim {

struct CodecMeasurement {
  std::string spec;          // as given ("turboquant:key_bits=3")
  std::string tier;          // "hot" or, for two-tier, "cold"
  uint64_t key_bytes = 0;    // per head vector, as encoded
  uint64_t value_bytes = 0;
  double bits_per_channel = 0;  // (key + value bytes) x 8 / (2 d)
  double key_rel_mse = 0;       // E ||k - k~||^2 / ||k||^2
  double value_rel_mse = 0;
  double score_rmse = 0;        // RMSE of <q, k~> - <q, k> for unit q and unit k, times sqrt(d)
  double score_slope = 0;       // error regressed on <q, k>: 0 when unbiased
};

// Encodes `samples` seeded random unit vectors (Gaussian directions) with each codec's cold
// tier (the lossy one). Throws Error on a bad spec.
std::vector<CodecMeasurement> MeasureCodecs(const std::vector<std::string>& specs, uint32_t dim,
                                            uint64_t seed, size_t samples);

// The codec specs `kvsim codecs --measure` uses by default.
std::vector<std::string> DefaultCodecSpecs();

}  // namespace kvsim
