// Index: which tokens are reusable, and which are evicted (SPEC sections 3 and 4).
//
// An index models one serving engine's prefix cache (radix: SGLang, block-trie: vLLM,
// lru-buckets: mlx-lm). It sees tokens and logical time only; every change of what it holds
// goes through the Ledger, which prices it in bytes. The replay loop calls, per request:
//   hit = Match(request, now); Insert(request, sequence, now); while over budget: EvictOne().
// Indexes whose engine evicts inside insert (lru-buckets) do so through the same ledger.
//
// Thread-safety: none; one index belongs to one replay.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "kvsim/ledger.h"
#include "kvsim/options.h"
#include "kvsim/workload.h"

namespace kvsim {

using Tick = uint64_t;

class Index {
 public:
  virtual ~Index() = default;

  // Hit tokens of r's prompt, at most len(prompt) - 1 (0 for an empty prompt); touches what was
  // used with time `now`.
  virtual uint64_t Match(const Request& r, Tick now) = 0;

  // Inserts `sequence` (r's prompt + output, or the prompt only) with time `now`.
  virtual void Insert(const Request& r, TokenSpan sequence, Tick now) = 0;

  // Evicts one unit by the index's policy; false when the index holds nothing evictable.
  virtual bool EvictOne() = 0;
};

// What an index may know beyond its options. Only clairvoyant reference indexes (belady) read
// the workload: they see the whole future, which no serving engine can.
struct IndexContext {
  const Workload* workload = nullptr;
  bool cache_output = true;
};

// Creates the index `name` (a registry entry) with validated options. Throws Error.
// REQUIRES: ledger (and context.workload) outlive the index; Tick = the request's number.
std::unique_ptr<Index> MakeIndex(const std::string& name, const Options& options, Ledger* ledger,
                                 const IndexContext& context = {});

}  // namespace kvsim
