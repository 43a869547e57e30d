// Constructors of the indexes, one per file; only the registry calls them. Internal header.
#pragma once

#include <memory>

#include "kvsim/index.h"

namespace kvsim {

std::unique_ptr<Index> NewRadixIndex(const Options& options, Ledger* ledger);
std::unique_ptr<Index> NewBlockTrieIndex(const Options& options, Ledger* ledger);
std::unique_ptr<Index> NewLruBucketsIndex(const Options& options, Ledger* ledger);

}  // namespace kvsim
