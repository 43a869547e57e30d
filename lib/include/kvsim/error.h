// kvsim::Error: the one exception type of kvsim's loading and configuration code.
//
// Anything a user can get wrong (a malformed workload, an unknown strategy, an absurd budget)
// throws Error with a message that names the file, line or field, ready to print as is. The CLI
// catches it and exits with code 2. The hot path (match, insert, evict, kernels) never throws.
#pragma once

#include <stdexcept>
#include <string>

namespace kvsim {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace kvsim
