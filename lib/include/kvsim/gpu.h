// GPU profiles for the serving step-time model (kvsim serve): what one accelerator computes and
// moves per second, and how much memory it has. The README gives each figure's source.
#pragma once

#include <string>
#include <vector>

namespace kvsim {

struct GpuProfile {
  std::string name;
  double bf16_flops = 0;        // peak dense bf16 tensor FLOP/s (no sparsity)
  double memory_bandwidth = 0;  // bytes/s
  double memory_bytes = 0;      // device memory
};

const std::vector<GpuProfile>& GpuProfiles();

// Finds a profile by name; throws Error listing the known names.
GpuProfile FindGpu(const std::string& name);

}  // namespace kvsim
