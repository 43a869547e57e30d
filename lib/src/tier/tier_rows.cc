// Resolving --tier for a row (see tier_rows.h).
#include "tier/tier_rows.h"

#include <cmath>

#include "kvsim/error.h"

namespace kvsim {
namespace {

uint64_t Times(uint64_t v, double times) {
  const double x = std::floor(static_cast<double>(v) * times);
  return x >= 1.8e19 ? UINT64_MAX : static_cast<uint64_t>(x);
}

Budget Capacity(const TierSpec& t, const Budget& gpu, uint64_t working_set, uint64_t fp16) {
  if (!t.times) return ResolveBudget(t.size, working_set, fp16);
  if (!gpu.tokens && !gpu.bytes) {
    throw Error("--tier '" + t.text + "': a multiple of the GPU budget needs a bounded budget, not inf");
  }
  Budget b;
  if (gpu.tokens) b.tokens = Times(*gpu.tokens, *t.times);
  if (gpu.bytes) b.bytes = Times(*gpu.bytes, *t.times);
  return b;
}

// The chunk of the lower tiers: --tier-chunk, else the block of a block index.
uint64_t ChunkOf(const Strategy& s, const RunOptions& options) {
  if (options.tier_chunk > 0) return options.tier_chunk;
  for (const OptionValue& v : s.index_options.values()) {
    if (v.name == "block_size") return static_cast<uint64_t>(v.int_value);
  }
  return kDefaultTierChunk;
}

}  // namespace

std::unique_ptr<TierStack> MakeTierStack(const Strategy& strategy, const Budget& gpu,
                                         uint64_t working_set_tokens, const RunOptions& options,
                                         CodecSet* codecs) {
  if (options.tiers.empty()) return nullptr;
  const uint64_t fp16 = options.model.fp16_bytes_per_token();
  std::vector<LowerTier> tiers;
  for (const TierSpec& t : options.tiers) {
    const bool own = !t.codec.empty();
    const std::string& codec = own ? t.codec : strategy.codec;
    const TokenCost cost = codecs->Cost(codec, own ? t.codec_options : strategy.codec_options,
                                        options.model);
    LowerTier tier;
    tier.capacity = Capacity(t, gpu, working_set_tokens, fp16);
    tier.figures.name = t.name;
    tier.figures.exclusive = t.exclusive;
    tier.figures.bandwidth_gbps = t.bandwidth_gbps;
    tier.figures.codec = codec;
    tier.figures.bytes_per_token = cost.cold_bytes;
    tier.figures.capacity_tokens = tier.capacity.tokens;
    tier.figures.capacity_bytes = tier.capacity.bytes;
    tiers.push_back(std::move(tier));
  }
  return std::make_unique<TierStack>(std::move(tiers), ChunkOf(strategy, options));
}

bool TiersNeedWorkingSet(const std::vector<TierSpec>& tiers) {
  for (const TierSpec& t : tiers) {
    if (!t.times && t.size.kind == BudgetSpec::Kind::kPercent) return true;
  }
  return false;
}

}  // namespace kvsim
