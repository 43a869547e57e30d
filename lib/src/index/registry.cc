// The index registry: one row per index. Adding an index is one file plus one row here.
#include <cstdint>

#include "indexes.h"
#include "kvsim/error.h"
#include "kvsim/strategy.h"

namespace kvsim {
namespace {

using Type = OptionSpec::Type;

struct IndexRow {
  RegistryEntry entry;
  std::unique_ptr<Index> (*make)(const Options&, Ledger*, const IndexContext&);
};

const std::vector<IndexRow>& Rows() {
  static const std::vector<IndexRow> kRows = {
      {{"radix",
        "token-level radix tree, LRU leaf eviction (SGLang RadixAttention)",
        {}},
       [](const Options& o, Ledger* l, const IndexContext&) { return NewRadixIndex(o, l); }},
      {{"block-trie",
        "full token blocks chained by hash, LRU over blocks, deepest first on ties (vLLM "
        "automatic prefix caching)",
        {{"block_size", Type::kInt, 16, 1, 1 << 20, {}, "tokens per block"}}},
       [](const Options& o, Ledger* l, const IndexContext&) { return NewBlockTrieIndex(o, l); }},
      {{"lru-buckets",
        "whole-sequence entries, exact/shorter/longer reuse, assistant/user/system LRU buckets "
        "(mlx-lm LRUPromptCache)",
        {{"max_entries", Type::kInt, 10, 1, 1000000, {}, "entries kept (mlx-lm --prompt-cache-size)"}}},
       [](const Options& o, Ledger* l, const IndexContext&) { return NewLruBucketsIndex(o, l); }},
      {{"belady",
        "clairvoyant reference: full blocks, evicts the block whose next use lies furthest in "
        "the future, deepest first on ties (an upper bound for block-level LRU policies)",
        {{"block_size", Type::kInt, 16, 1, 1 << 20, {}, "tokens per block"}}},
       NewBeladyIndex},
  };
  return kRows;
}

}  // namespace

const std::vector<RegistryEntry>& IndexEntries() {
  static const std::vector<RegistryEntry> kEntries = [] {
    std::vector<RegistryEntry> v;
    for (const auto& row : Rows()) v.push_back(row.entry);
    return v;
  }();
  return kEntries;
}

std::shared_ptr<const void> WorkloadMemo::Get(
    const std::string& key, const std::function<std::shared_ptr<const void>()>& make) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = made_[key];
  if (!slot) slot = make();
  return slot;
}

std::unique_ptr<Index> MakeIndex(const std::string& name, const Options& options, Ledger* ledger,
                                 const IndexContext& context) {
  for (const auto& row : Rows()) {
    if (row.entry.name == name) return row.make(options, ledger, context);
  }
  throw Error("unknown index '" + name + "'");
}

}  // namespace kvsim
