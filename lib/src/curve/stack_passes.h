// StackPasses: one exact stack pass per block size, stepped once per request and read by every
// row of that block size (the replay's curve rows). Internal header.
#pragma once

#include <cstdint>
#include <map>
#include <memory>

#include "curve/stack_pass.h"

namespace kvsim {

class StackPasses {
 public:
  explicit StackPasses(bool cache_output) : cache_output_(cache_output) {}

  // A pass for `block_size` (once; later calls find it).
  void Add(uint64_t block_size) {
    auto& pass = passes_[block_size];
    if (!pass.pass) pass.pass = std::make_unique<StackPass>(block_size, cache_output_);
  }
  // Steps every pass with the next request.
  void Step(const Request& r) {
    for (auto& [b, p] : passes_) p.latest = &p.pass->Step(r);
  }
  // The distances of the last request stepped. REQUIRES: Add(block_size), then Step.
  const BlockDistances& Latest(uint64_t block_size) const { return *passes_.at(block_size).latest; }

 private:
  struct Entry {
    std::unique_ptr<StackPass> pass;
    const BlockDistances* latest = nullptr;
  };
  bool cache_output_;
  std::map<uint64_t, Entry> passes_;
};

}  // namespace kvsim
