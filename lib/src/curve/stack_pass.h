// StackPass: one pass of a workload through the block-trie's eviction order, giving for every
// request the LRU stack distance of each of its blocks (docs/contract.md, "Hit-rate curves").
//
// The block-trie evicts least recently used first and, among blocks a request used together, the
// deepest first; so a block is always used after its children, and the cache of C blocks after
// any request is exactly the C blocks with the smallest stack distance (Mattson's inclusion
// property). A request's match at capacity C is then the count of its prompt blocks whose
// distance, taken before the request, is at most C; its insert adds the rest of its sequence's
// blocks, and eviction trims the cache back to C. Distances along a sequence strictly increase,
// and once a block was never seen (LruStack::kCold) neither was any deeper one.
//
// A sampled pass tracks only the blocks SampledBlocks selects (SHARDS), by prefix hash: the
// distances are among sampled blocks, to be scaled by 1 / rate. Internal header.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "curve/block_ids.h"
#include "curve/lru_stack.h"
#include "kvsim/workload.h"

namespace kvsim {

struct BlockDistances {
  // The stack distances of the sequence's full blocks (sampled ones only, when sampling),
  // shallow to deep, before the request touched them.
  std::span<const uint64_t> distances;
  size_t prompt = 0;          // how many of them a match may hit (the first ones)
  uint64_t prompt_blocks = 0;  // full blocks a match may hit, sampled or not
  bool first_sampled = false;  // the first prompt block is among `distances`
};

class StackPass {
 public:
  // Exact when `sample_rate` is nullopt; else sampled at that rate in (0, 1].
  StackPass(uint64_t block_size, bool cache_output, std::optional<double> sample_rate = {});

  // The request's block distances; then the request touches its blocks, deepest first.
  // The span stays valid until the next call.
  const BlockDistances& Step(const Request& r);
  uint64_t block_size() const { return b_; }
  // Blocks seen (sampled ones, when sampling).
  uint64_t blocks() const { return stack_.size(); }

 private:
  void Exact(const Token* seq, size_t full);
  void Sampled(const Token* seq, size_t full, size_t prompt_full);

  const uint64_t b_;
  const bool cache_output_;
  std::unique_ptr<BlockChain> chain_;      // exact
  std::unique_ptr<SampledBlocks> sample_;  // sampled
  LruStack stack_;
  std::vector<uint32_t> ids_;
  std::vector<uint64_t> distances_;
  BlockDistances out_;
};

}  // namespace kvsim
