// Model profiles (docs/contract.md, "Models"): the shape of the KV a token costs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kvsim {

struct ModelProfile {
  std::string name;
  uint32_t layers = 0;
  uint32_t kv_heads = 0;
  uint32_t head_dim = 0;
  double prefill_tokens_per_second = 0;  // per GPU, for compute-savings reports
  // For the serving step-time model (kvsim serve): weights and attention shape. 0 when unknown
  // (custom dimensions), and then serve needs --prefill-tps and --decode-tps.
  double parameters = 0;        // total parameter count
  uint32_t attention_heads = 0;  // query heads per layer

  // Vectors per token: one K and one V per layer and KV head.
  uint64_t vectors_per_token() const { return uint64_t{2} * layers * kv_heads; }
  uint64_t fp16_bytes_per_token() const { return vectors_per_token() * head_dim * 2; }
};

const std::vector<ModelProfile>& ModelProfiles();

// Finds a profile by name; throws Error listing the known names.
ModelProfile FindModel(const std::string& name);

// Checks custom dimensions (each in [1, 4096], head_dim in [1, 1024]); throws Error.
void ValidateModel(const ModelProfile& model);

}  // namespace kvsim
