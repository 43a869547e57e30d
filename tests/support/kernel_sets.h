// The fixture of the kernel tests: every kernel set this build has and this CPU runs, scalar
// reference first. A kernel test loops over it, so a new instruction set is tested by existing
// tests the day it is dispatched.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "kvsim/kernels.h"

namespace kvsim::testing {

struct KernelSet {
  std::string name;
  const Kernels* kernels;
};

inline std::vector<KernelSet> KernelSets() {
  std::vector<KernelSet> sets;
  for (const auto& name : AvailableKernels()) sets.push_back({name, FindKernels(name)});
  return sets;
}

// n values drawn from N(0, scale^2).
inline std::vector<float> Gaussian(size_t n, std::mt19937_64& rng, float scale = 1.f) {
  std::normal_distribution<float> d(0.f, scale);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

}  // namespace kvsim::testing
