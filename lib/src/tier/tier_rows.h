// The lower tiers of one row, resolved from RunOptions::tiers for its strategy and GPU budget.
// Internal header.
#pragma once

#include <memory>

#include "kvsim/codec_set.h"
#include "kvsim/replay.h"
#include "tier/tier_stack.h"

namespace kvsim {

// nullptr when the run has no tiers. Throws Error when a tier's size cannot be resolved (a
// multiple of an unbounded GPU budget) or its codec is bad.
std::unique_ptr<TierStack> MakeTierStack(const Strategy& strategy, const Budget& gpu,
                                         uint64_t working_set_tokens, const RunOptions& options,
                                         CodecSet* codecs);

// Whether any tier's size is a share of the working set.
bool TiersNeedWorkingSet(const std::vector<TierSpec>& tiers);

}  // namespace kvsim
