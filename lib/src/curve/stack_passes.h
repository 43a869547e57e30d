// StackPasses: the stack passes of one replay, stepped once per request: an exact pass per block
// size that rows read (the replay's curve rows), and per curve asked for, an exact or sampled
// pass with its histogram. Internal header.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <utility>

#include "curve/curve_builder.h"
#include "curve/stack_pass.h"
#include "kvsim/curve.h"

namespace kvsim {

class StackPasses {
 public:
  explicit StackPasses(bool cache_output) : cache_output_(cache_output) {}

  // The exact pass of `block_size`, for rows.
  void AddRows(uint64_t block_size) { Entry(block_size, std::nullopt); }
  // The passes and histograms the curve of `block_size` needs under `options`.
  void AddCurve(uint64_t block_size, const CurveOptions& options);
  // Steps every pass with the next request.
  void Step(const Request& r);
  // The exact distances of the last request stepped. REQUIRES: AddRows(block_size), then Step.
  const BlockDistances& Latest(uint64_t block_size) const;

  // The curve of `block_size` priced at `bytes_per_token`, not thinned, after the last Step.
  // REQUIRES: AddCurve(block_size, options) with the same options.
  Curve CurveOf(uint64_t block_size, const CurveOptions& options, uint64_t bytes_per_token) const;

 private:
  struct Pass {
    std::unique_ptr<StackPass> pass;
    std::unique_ptr<CurveBuilder> curve;  // when a curve reads it
    const BlockDistances* latest = nullptr;
  };
  using Key = std::pair<uint64_t, double>;  // block size, sample rate (0: exact)
  Pass& Entry(uint64_t block_size, std::optional<double> rate);

  bool cache_output_;
  std::map<Key, Pass> passes_;
  uint64_t requests_ = 0, prompt_tokens_ = 0;
};

}  // namespace kvsim
