// The lower memory tiers of one row, below its GPU cache (see kvsim/memory_tiers.h). Internal
// header.
//
// Per request, the row calls: hit = Extend(seq, prompt_len, gpu_hit) after the index's Match;
// Written() after its Insert; the index tells its evictions (EvictionSink) while the row evicts;
// then Settle() brings every tier within capacity and Sample() records the peaks.
#pragma once

#include <cstdint>
#include <vector>

#include "kvsim/index.h"
#include "kvsim/memory_tiers.h"
#include "tier/chunk_store.h"

namespace kvsim {

// One tier of a row, resolved: its capacity and the bytes of its stored format.
struct LowerTier {
  TierFigures figures;  // what is known before the replay: name, mode, capacity, codec
  Budget capacity;
};

class TierStack final : public EvictionSink {
 public:
  // REQUIRES: chunk_tokens >= 1; tiers in order below the GPU.
  TierStack(std::vector<LowerTier> tiers, uint64_t chunk_tokens);

  // The prompt hit of a request whose sequence (as the GPU tier will insert it) is `seq`: the
  // GPU tier's hit continued chunk by chunk with chunks held below, each counted (and loaded)
  // from the highest tier that holds it. At most prompt_len - 1 tokens.
  uint64_t Extend(TokenSpan seq, uint64_t prompt_len, uint64_t gpu_hit);
  // The GPU tier now holds the sequence Extend was given: inclusive tiers take a copy of every
  // chunk of it, exclusive tiers drop theirs.
  void Written();
  // A GPU eviction: an exclusive first tier keeps the chunks it ends.
  void Evicted(TokenSpan prefix, uint64_t begin) override;
  // Evicts from each tier, top down, until within capacity; an exclusive tier below keeps what
  // the tier above it evicts.
  void Settle();
  void Sample();

  std::vector<TierFigures> Figures() const;
  // Every pair of tiers that moved bytes, GPU first, in tier order.
  std::vector<TierMove> Moves() const;
  // Prompt tokens served from lower tiers so far.
  uint64_t lower_hit_tokens() const;

 private:
  struct Level {
    TierFigures figures;
    ChunkStore store;
  };
  // Puts `k` into level i (demoted from `from`, -1 for the GPU), counting the bytes if new.
  void Put(size_t i, int from, const ChunkKey& k);
  uint64_t& Moved(int from, int to) { return moved_[(from + 1) * (levels_.size() + 1) + (to + 1)]; }
  uint64_t MovedBytes(int from, int to) const {
    return moved_[(from + 1) * (levels_.size() + 1) + (to + 1)];
  }

  uint64_t c_;
  std::vector<Level> levels_;
  std::vector<uint64_t> moved_;  // (from + 1, to + 1), -1 being the GPU
  std::vector<ChunkKey> keys_;   // of the sequence of the current request
  std::vector<ChunkKey> scratch_;
};

}  // namespace kvsim
