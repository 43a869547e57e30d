// GPU profiles (see kvsim/gpu.h); the README's "Serving model" section gives the datasheet of each.
#include "kvsim/gpu.h"

#include "kvsim/error.h"
#include "kvsim/suggest.h"

namespace kvsim {

const std::vector<GpuProfile>& GpuProfiles() {
  static const std::vector<GpuProfile> kProfiles = {
      // name, dense bf16 FLOP/s, memory bandwidth (B/s), memory (B)
      {"h100", 989.4e12, 3.35e12, 80e9},  // H100 SXM5 80GB
      {"h200", 989.4e12, 4.8e12, 141e9},  // H200 SXM 141GB
      {"a100", 312e12, 2.039e12, 80e9},   // A100 SXM4 80GB
      {"l40s", 362.05e12, 864e9, 48e9},   // L40S 48GB
  };
  return kProfiles;
}

GpuProfile FindGpu(const std::string& name) {
  std::vector<std::string> names;
  std::string known;
  for (const auto& g : GpuProfiles()) {
    if (g.name == name) return g;
    names.push_back(g.name);
    known += (known.empty() ? "" : ", ") + g.name;
  }
  throw Error("--gpu: unknown GPU '" + name + "'" + DidYouMean(name, names) + " (known: " + known + ")");
}

}  // namespace kvsim
