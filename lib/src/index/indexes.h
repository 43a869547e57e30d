// Constructors of the indexes, one per file; only the registry calls them. Internal header.
#pragma once

#include <memory>

#include "kvsim/index.h"

namespace kvsim {

std::unique_ptr<Index> NewRadixIndex(const Options& options, Ledger* ledger);
std::unique_ptr<Index> NewBlockTrieIndex(const Options& options, Ledger* ledger);
std::unique_ptr<Index> NewLruBucketsIndex(const Options& options, Ledger* ledger);
std::unique_ptr<Index> NewBeladyIndex(const Options& options, Ledger* ledger,
                                      const IndexContext& context);
class SpilledFuture;
// belady over a future on disk (belady_spilled.cc). REQUIRES: context.in_order's calls.
std::unique_ptr<Index> NewSpilledBeladyIndex(Ledger* ledger,
                                             std::shared_ptr<const SpilledFuture> future);

// mlx-lm's bucket balancing: which bucket (0 assistant, 1 user, 2 system) a pop takes from,
// given the bucket sizes. -1 when all are empty.
int LruBucketsPopChoice(uint64_t assistant, uint64_t user, uint64_t system);

}  // namespace kvsim
