// Model profiles (docs/contract.md, "Models"). Prefill throughputs are per GPU (H100-class, bf16), used only
// to turn saved prefill tokens into GPU-seconds; override them with --prefill-tps.
#include "kvsim/model.h"

#include "kvsim/error.h"
#include "kvsim/suggest.h"

namespace kvsim {

const std::vector<ModelProfile>& ModelProfiles() {
  static const std::vector<ModelProfile> kProfiles = {
      // name, layers, KV heads, head dim, prefill tokens/s per GPU, parameters, query heads
      {"llama-3-8b", 32, 8, 128, 20000, 8.03e9, 32},
      {"llama-3-70b", 80, 8, 128, 2500, 70.6e9, 64},
      {"qwen3-8b", 36, 8, 128, 18000, 8.19e9, 32},
      {"mistral-7b", 32, 8, 128, 22000, 7.24e9, 32},
  };
  return kProfiles;
}

ModelProfile FindModel(const std::string& name) {
  std::string known;
  std::vector<std::string> names;
  for (const auto& m : ModelProfiles()) {
    if (m.name == name) return m;
    known += (known.empty() ? "" : ", ") + m.name;
    names.push_back(m.name);
  }
  throw Error("unknown model '" + name + "'" + DidYouMean(name, names) + " (known: " + known +
              "; or give --layers, --kv-heads and --head-dim)");
}

void ValidateModel(const ModelProfile& m) {
  auto check = [](const char* what, uint32_t v, uint32_t max) {
    if (v < 1 || v > max) {
      throw Error(std::string("--") + what + " must be in 1.." + std::to_string(max) + ", got " +
                  std::to_string(v));
    }
  };
  check("layers", m.layers, 4096);
  check("kv-heads", m.kv_heads, 4096);
  check("head-dim", m.head_dim, 1024);
}

}  // namespace kvsim
