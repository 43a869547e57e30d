// The fixture of the kernel tests: every kernel set this build has and this CPU runs, scalar
// reference first. A kernel test loops over it, so a new instruction set is tested by existing
// tests the day it is dispatched.
#pragma once

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

}  // namespace kvsim::testing
