// Rng: kvsim's one source of randomness. Every random choice (workload generation, the probe's
// samples, synthetic KV, codec rotations) flows from a run's seed through it, so the same seed
// gives the same bytes on every machine and standard library. Not thread-safe; one per user.
#pragma once

#include <cstdint>

namespace kvsim {

// A small, fast, portable PRNG (splitmix64-seeded xoshiro256**).
class Rng {
 public:
  explicit Rng(uint64_t seed);
  uint64_t Next();
  double Uniform();  // [0, 1)
  double Normal();   // standard normal (Box-Muller)

 private:
  uint64_t s_[4];
};

}  // namespace kvsim
