// Limits that protect the machine from absurd input (docs/contract.md, "Bad input": rejected as bad input, exit 2).
//
// Every reader checks sizes before it allocates: a file that claims 10^12 tokens, nests JSON
// 100,000 deep or holds a 2 GB line fails with an Error naming the limit and the flag that
// raises it, instead of exhausting memory or the stack. Defaults fit every real workload we
// know of with a wide margin (Mooncake's longest line is 16 KB; 2^29 token ids are 2 GiB).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kvsim {

struct InputLimits {
  uint64_t max_tokens = uint64_t{1} << 29;        // token ids one workload holds (--max-tokens)
  uint64_t max_line_bytes = uint64_t{64} << 20;   // one JSONL line (--max-line-bytes)
  uint64_t max_json_bytes = uint64_t{1} << 30;    // a JSON document read whole (--max-json-bytes)
  int max_json_depth = 64;                        // nesting of arrays and objects (fixed)
};

// Reads a whole file that must not exceed `max_bytes`. Throws Error naming `path`, the limit
// and `remedy` ("raise it with --max-json-bytes").
std::string ReadFileCapped(const std::string& path, uint64_t max_bytes, const char* remedy);

// Throws Error ("PATH: line L: JSON nested deeper than N levels") if arrays and objects in
// `text` nest deeper than `max_depth`. Linear; strings (with escapes) are skipped. Run before
// parsing so no parser or printer ever recurses that deep.
void CheckJsonDepth(std::string_view text, int max_depth, const std::string& path,
                    uint64_t first_line = 1);

}  // namespace kvsim
