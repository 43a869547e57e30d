// The common shape of a Mooncake trace line, read without building a JSON document. Internal
// header.
//
// Accepted: one object with exactly the four fields "timestamp", "input_length",
// "output_length" and "hash_ids", each once, in any order, keys without escapes, values unsigned
// integers of at most 18 digits without leading zeros, fraction or exponent (hash_ids an array
// of them), JSON whitespace between tokens. Every line this accepts is valid JSON that the JSON
// parser reads to the same values; any other line is left to the JSON parser (and its messages).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace kvsim {

struct MooncakeFields {
  uint64_t timestamp = 0;  // ms
  uint64_t input_length = 0;
  uint64_t output_length = 0;
  std::vector<uint64_t> hash_ids;
};

// True when `line` has the shape above; then `out` holds its fields.
bool ScanMooncakeLine(std::string_view line, MooncakeFields* out);

}  // namespace kvsim
