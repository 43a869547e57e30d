// Index: which tokens are reusable, and which are evicted.
//
// An index models one serving engine's prefix cache (radix: SGLang, block-trie: vLLM,
// lru-buckets: mlx-lm, belady: the clairvoyant reference). It sees tokens, logical time and pins
// only; every change of what it holds goes through the Ledger (with a Writer handle), which
// prices it in bytes. An index never knows bytes, codecs or tiers.
//
// The replay calls, per request r:  hit = Match(r, now); Insert(r, sequence, now);
// then EvictOne() while the ledger is over budget. Indexes whose engine evicts inside insert
// (lru-buckets) do so through the same ledger.
//
// Pins keep what running requests use from eviction (SGLang's lock_ref, vLLM's ref_cnt): a
// pinned token is never evicted, however far over budget the ledger is. Pins nest.
//
// Thread-safety: none; one index belongs to one replay.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "kvsim/ledger.h"
#include "kvsim/options.h"
#include "kvsim/workload.h"

namespace kvsim {

using Tick = uint64_t;

// Told of every eviction with the evicted unit's whole prefix: what a lower memory tier needs
// to keep a demoted copy (kvsim/memory_tiers.h).
class EvictionSink {
 public:
  virtual ~EvictionSink() = default;
  // The index evicted the tokens [begin, prefix.size()) of the sequence `prefix`.
  // `prefix` is valid only during the call.
  virtual void Evicted(TokenSpan prefix, uint64_t begin) = 0;
};

class Index {
 public:
  virtual ~Index() = default;

  // Hit tokens of r's prompt, at most len(prompt) - 1 (0 for an empty prompt); touches what was
  // used with time `now`.
  // REQUIRES: `now` never decreases between calls; belady: now = r's position in the workload.
  virtual uint64_t Match(const Request& r, Tick now) = 0;

  // Inserts `sequence` (r's prompt + output, or the prompt only) with time `now`.
  // REQUIRES: sequence starts with r's prompt, or is a prefix of r's prompt + output.
  // REQUIRES: the last call before it was Match(r, now) for the same r (block-trie reuses the
  // matched path, lru-buckets the match's hit length to decide on the system entry).
  virtual void Insert(const Request& r, TokenSpan sequence, Tick now) = 0;

  // Tokens Insert(r, sequence, now) would start holding if nothing changed before it (what a
  // serving pool reserves for a running request). Touches nothing.
  virtual uint64_t Adds(const Request& r, TokenSpan sequence, Tick now) const = 0;
  // The longest prefix of `sequence` the index holds and Pin can keep: what a running request
  // shares with the cache. At least Match's hit for radix, block-trie and belady; for
  // lru-buckets the longest entry that is a prefix of `sequence` (a hit from a longer entry is
  // served from a copy, which the request holds itself). Touches nothing.
  virtual uint64_t HeldPrefix(const Request& r, TokenSpan sequence, Tick now) const = 0;

  // Evicts one unpinned unit by the index's policy; false when nothing is evictable.
  virtual bool EvictOne() = 0;

  // Keeps the first `len` tokens of `tokens` from eviction until the matching Unpin.
  // REQUIRES: the index holds them (a Match returned at least `len` for a prompt starting with
  // them, or an Insert of a sequence starting with them, and no eviction since).
  // lru-buckets pins the entry that holds them.
  virtual void Pin(TokenSpan tokens, uint64_t len) = 0;
  // REQUIRES: a Pin(tokens, len) with the same tokens and len is outstanding.
  virtual void Unpin(TokenSpan tokens, uint64_t len) = 0;
  // Tokens that at least one pin keeps (each counted once).
  virtual uint64_t pinned_tokens() const = 0;

  // Whether `now` must be the request's position in the workload (a clairvoyant reference that
  // looks up its future by position; positions may then repeat and go back under kvsim serve).
  // Other indexes take any non-decreasing clock.
  virtual bool clairvoyant() const { return false; }

  // Every later eviction is told to `sink` (nullptr: to none). REQUIRES: sink outlives the index.
  void set_eviction_sink(EvictionSink* sink) { eviction_sink_ = sink; }

 protected:
  EvictionSink* eviction_sink() const { return eviction_sink_; }

 private:
  EvictionSink* eviction_sink_ = nullptr;
};

// Read-only knowledge derived from one workload (belady's future, per block size), made once
// and shared by every index of a run that asks for it under the same key, so that a row per
// budget does not redo a pass over the workload. Thread-safe: the workers of a sweep share one;
// a key being made is made once, the other callers wait for it.
class WorkloadMemo {
 public:
  // The object stored under `key`, made by `make` if there is none yet.
  std::shared_ptr<const void> Get(const std::string& key,
                                  const std::function<std::shared_ptr<const void>()>& make);

 private:
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const void>> made_;
};

// What an index may know beyond its options. Only clairvoyant reference indexes (belady) read
// the workload: they see the whole future, which no serving engine can.
struct IndexContext {
  const Workload* workload = nullptr;
  bool cache_output = true;
  // Shared knowledge of the run (nullptr: nothing is shared).
  // REQUIRES: made for this workload and cache_output.
  WorkloadMemo* memo = nullptr;
  // Whether the index is matched once per request, in workload order, with now = the request's
  // position (a replay; kvsim serve's replicas are not). belady then reads its future from disk
  // as it goes, and its memory follows the cache rather than the workload.
  bool in_order = false;
};

// Creates the index `name` (a registry entry) with validated options. Throws Error.
// REQUIRES: ledger (and context.workload) outlive the index; Tick = the request's number.
std::unique_ptr<Index> MakeIndex(const std::string& name, const Options& options, Ledger* ledger,
                                 const IndexContext& context = {});

}  // namespace kvsim
