// The lower memory tiers of one row, below its GPU cache (see kvsim/memory_tiers.h). Internal
// header.
//
// Per request, `kvsim run`'s row calls: hit = Extend(seq, prompt_len, gpu_hit) after the index's
// Match; Written(seq) after its Insert; the index tells its evictions (EvictionSink) while the
// row evicts; then Settle() brings every tier within capacity and Sample() records the peaks.
// `kvsim serve` splits Extend: Find what lies below, decide what to load, then Load it.
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

// The chunks of a prompt found below the GPU tier, in order: runs of one tier each.
struct TierRun {
  size_t tier = 0;
  uint64_t begin = 0, end = 0;  // prompt positions
};
using TierFind = std::vector<TierRun>;

class TierStack final : public EvictionSink {
 public:
  // REQUIRES: chunk_tokens >= 1; tiers in order below the GPU.
  TierStack(std::vector<LowerTier> tiers, uint64_t chunk_tokens);

  // The prompt hit of a request whose sequence (as the GPU tier will insert it) is `seq`: the
  // GPU tier's hit continued chunk by chunk with chunks held below, each counted (and loaded)
  // from the highest tier that holds it. At most prompt_len - 1 tokens.
  uint64_t Extend(TokenSpan seq, uint64_t prompt_len, uint64_t gpu_hit);
  // What Extend would load, touching nothing.
  TierFind Find(TokenSpan seq, uint64_t prompt_len, uint64_t gpu_hit);
  // Counts the runs (a prefix of a Find) as bytes loaded into the GPU tier and, with
  // `count_hits`, as hits (a request readmitted after a preemption loads again, but its hit
  // counted once).
  void Load(const TierFind& runs, bool count_hits = true);
  // The GPU tier now holds `seq`: inclusive tiers take a copy of every chunk of it, exclusive
  // tiers drop theirs.
  void Written(TokenSpan seq);
  // Bytes per token and bandwidth of tier i.
  const TierFigures& tier(size_t i) const { return levels_[i].figures; }
  TierFigures& tier(size_t i) { return levels_[i].figures; }
  size_t size() const { return levels_.size(); }
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
  // Keys of the full chunks of `seq` in keys_. With `reuse`, when seq starts with the span the
  // last Find keyed (the same request, nothing keyed since), those keys are extended.
  void KeysOf(TokenSpan seq, bool reuse);

  std::vector<ChunkKey> keys_;   // of keyed_
  TokenSpan keyed_;
  std::vector<ChunkKey> scratch_;  // keys of evicted_
  std::vector<Token> evicted_;      // the last prefix told by the GPU index
};

}  // namespace kvsim
