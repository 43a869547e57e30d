// lru-buckets: mlx-lm's LRUPromptCache (mlx_lm/models/cache.py) as its server
// (mlx_lm/server.py) uses it. Whole sequences are independent entries, each in one of three LRU
// buckets (assistant, user, system). A pinned entry (fetched by a running request) is skipped by
// pops; an entry replaced by a longer one passes its pins on to it.
//
// mlx-lm finds entries with a token trie. With the default of 10 entries a direct scan of the
// entries (a memcmp-speed common-prefix per entry) computes the same three answers faster:
//   exact:   an entry equal to the prompt;
//   shorter: the longest entry that is a prefix of the prompt, if at least 2 tokens long
//            (mlx-lm's `last_index > 0`);
//   common:  how far the prompt walks in the trie = the longest common prefix with any entry;
//            a `longer` entry (one at or below that point) exists exactly when common > 0.
// Fetching never changes LRU order. Evictions (pops) happen inside each insert, as in mlx-lm.
#include <algorithm>
#include <cassert>
#include <deque>
#include <limits>
#include <unordered_map>

#include "indexes.h"
#include "util/token_ops.h"

namespace kvsim {
namespace {

enum Bucket { kAssistant = 0, kUser = 1, kSystem = 2 };

class LruBucketsIndex final : public Index {
 public:
  LruBucketsIndex(uint64_t max_entries, Ledger* ledger)
      : max_entries_(max_entries), ledger_(ledger) {}

  uint64_t Match(const Request& r, Tick) override {
    last_hit_ = Fetch(r.prompt());
    return last_hit_;
  }

  void Insert(const Request& r, TokenSpan seq, Tick) override {
    const size_t s = r.system_len;
    if (s > 0 && s < r.prompt_len && last_hit_ < s) InsertEntry(r.prompt().first(s), kSystem);
    InsertEntry(seq, kAssistant);
  }

  // The new entry, less the entries it replaces (those that are prefixes of it), plus the system
  // entry when Insert would add one.
  uint64_t Adds(const Request& r, TokenSpan seq, Tick) const override {
    uint64_t replaced = 0;
    for (const Entry& e : entries_) {
      const size_t len = e.tokens.size();
      if (e.alive && len <= seq.size() && CommonPrefix(e.tokens.data(), seq.data(), len) == len) {
        replaced += len;
      }
    }
    const size_t s = r.system_len;
    const uint64_t system = s > 0 && s < r.prompt_len && Fetch(r.prompt()) < s ? s : 0;
    return seq.size() + system - std::min<uint64_t>(replaced, seq.size() + system);
  }

  // The longest entry the sequence extends (an exact or shorter hit: mlx-lm hands that entry to
  // the request). A longer entry is not held for the request: mlx-lm serves it from a copy.
  uint64_t HeldPrefix(const Request&, TokenSpan seq, Tick) const override {
    uint64_t held = 0;
    for (const Entry& e : entries_) {
      const size_t len = e.tokens.size();
      if (e.alive && len <= seq.size() && len > held && CommonPrefix(e.tokens.data(), seq.data(), len) == len) {
        held = len;
      }
    }
    return held;
  }

  bool EvictOne() override { return Pop(); }

  // A pin is recorded against the entry it pinned (followed through the entries that replace
  // it), so that its Unpin releases that entry even when several pinned entries share the prefix.
  void Pin(TokenSpan tokens, uint64_t len) override {
    Entry& e = entries_[Holding(tokens, len, /*pinned=*/false)];
    pins_by_prefix_.emplace(PrefixKey(tokens, len), e.id);
    if (e.pins++ == 0) {
      pinned_tokens_ += e.tokens.size();
      --unpinned_[e.bucket];
    }
  }

  void Unpin(TokenSpan tokens, uint64_t len) override {
    const auto it = pins_by_prefix_.find(PrefixKey(tokens, len));
    assert(it != pins_by_prefix_.end() && "Unpin without a Pin");
    uint64_t id = it->second;
    pins_by_prefix_.erase(it);
    for (auto f = replaced_by_.find(id); f != replaced_by_.end(); f = replaced_by_.find(id)) id = f->second;
    size_t i = entries_.size();
    while (i-- > 0 && !(entries_[i].alive && entries_[i].id == id)) {
    }
    assert(i < entries_.size() && "Unpin: the pinned entry is gone");
    Entry& e = entries_[i];
    if (--e.pins == 0) {
      pinned_tokens_ -= e.tokens.size();
      ++unpinned_[e.bucket];
    }
  }

  uint64_t pinned_tokens() const override { return pinned_tokens_; }

 private:
  struct Entry {
    std::vector<Token> tokens;
    Bucket bucket;
    bool alive;
    Writer writer;
    uint32_t pins = 0;
    uint64_t id = 0;  // stable across compaction
  };

  static uint64_t PrefixKey(TokenSpan tokens, uint64_t len) {
    return HashTokens(len, tokens.data(), len);
  }

  // The live entry that starts with tokens[0, len) (a pinned one when `pinned`): one of exactly
  // `len` tokens if there is one, else the newest longer one.
  size_t Holding(TokenSpan tokens, uint64_t len, bool pinned) const {
    for (size_t i = entries_.size(); i-- > 0;) {
      const Entry& e = entries_[i];
      if (e.alive && e.tokens.size() == len && (!pinned || e.pins > 0) &&
          CommonPrefix(e.tokens.data(), tokens.data(), len) == len) {
        return i;
      }
    }
    for (size_t i = entries_.size(); i-- > 0;) {
      const Entry& e = entries_[i];
      if (e.alive && e.tokens.size() >= len && (!pinned || e.pins > 0) &&
          CommonPrefix(e.tokens.data(), tokens.data(), len) == len) {
        return i;
      }
    }
    assert(false && "Pin/Unpin: no entry holds these tokens");
    return 0;
  }

  uint64_t Fetch(TokenSpan prompt) const {
    const size_t n = prompt.size();
    size_t shorter = 0, common = 0;
    for (const Entry& e : entries_) {
      if (!e.alive) continue;
      const size_t len = e.tokens.size();
      const size_t lcp = CommonPrefix(e.tokens.data(), prompt.data(), std::min(len, n));
      if (lcp == len && len == n) return n == 0 ? 0 : n - 1;  // exact, capped (the len(prompt) - 1 cap)
      if (lcp == len && len >= 2) shorter = std::max(shorter, len);
      common = std::max(common, lcp);
    }
    uint64_t hit = 0;
    if (common > 0 && common > shorter) {
      hit = std::min(n - 1, common);  // longer entry, trimmed
    } else if (shorter > 0) {
      hit = shorter;
    }
    return n == 0 ? 0 : std::min<uint64_t>(hit, n - 1);
  }

  void InsertEntry(TokenSpan seq, Bucket bucket) {
    uint32_t pins = 0;
    const uint64_t id = next_id_++;
    for (size_t i = 0; i < entries_.size(); ++i) {
      Entry& e = entries_[i];
      if (!e.alive) continue;
      const size_t len = e.tokens.size();
      // An equal entry is replaced; strict prefixes of the new entry are removed.
      if (len <= seq.size() && CommonPrefix(e.tokens.data(), seq.data(), len) == len) {
        pins += e.pins;
        if (e.pins > 0) replaced_by_[e.id] = id;
        Remove(i);
      }
    }
    const Writer w = ledger_->NewWriter(seq.size());
    entries_.push_back({std::vector<Token>(seq.begin(), seq.end()), bucket, true, w, pins, id});
    buckets_[bucket].push_back(entries_.size() - 1);
    ++live_[bucket];
    if (pins > 0) {
      pinned_tokens_ += seq.size();
    } else {
      ++unpinned_[bucket];
    }
    ledger_->Hold(0, seq.size(), w);
    if (live_[0] + live_[1] + live_[2] > max_entries_) Pop();
    while (ledger_->OverBudget() && Pop()) {
    }
    CompactIfSparse();
  }

  // mlx-lm's balancing pop: walk assistant, user, system; pop the oldest of a bucket that is
  // non-empty and at least as long as the next one; finally the oldest system entry.
  // Pinned entries do not count: they cannot be popped.
  bool Pop() {
    const int b = LruBucketsPopChoice(unpinned_[kAssistant], unpinned_[kUser], unpinned_[kSystem]);
    if (b < 0) return false;
    auto& q = buckets_[b];
    while (!entries_[q.front()].alive) q.pop_front();
    auto it = q.begin();
    while (!entries_[*it].alive || entries_[*it].pins > 0) ++it;
    const size_t i = *it;
    q.erase(it);
    Remove(i, /*evicted=*/true);
    return true;
  }

  void Remove(size_t i, bool evicted = false) {
    Entry& e = entries_[i];
    const size_t len = e.tokens.size();
    evicted ? ledger_->Evict(0, len, e.writer) : ledger_->Release(0, len, e.writer);
    if (evicted && eviction_sink() != nullptr) eviction_sink()->Evicted(e.tokens, 0);
    --live_[e.bucket];
    if (e.pins > 0) {
      pinned_tokens_ -= len;  // the pins go on to the entry that replaces it
    } else {
      --unpinned_[e.bucket];
    }
    e.alive = false;
    std::vector<Token>().swap(e.tokens);
  }

  // Dead entries stay in place (their bucket queues refer to them by position) until they
  // outnumber the live ones; then both are rebuilt in order.
  void CompactIfSparse() {
    const size_t live = live_[0] + live_[1] + live_[2];
    if (entries_.size() < 64 || entries_.size() < 4 * live) return;
    std::vector<size_t> remap(entries_.size(), std::numeric_limits<size_t>::max());
    std::vector<Entry> kept;
    for (size_t i = 0; i < entries_.size(); ++i) {
      if (entries_[i].alive) {
        remap[i] = kept.size();
        kept.push_back(std::move(entries_[i]));
      }
    }
    for (auto& q : buckets_) {
      std::deque<size_t> nq;
      for (size_t i : q) {
        if (remap[i] != std::numeric_limits<size_t>::max()) nq.push_back(remap[i]);
      }
      q.swap(nq);
    }
    entries_.swap(kept);
  }

  const uint64_t max_entries_;
  Ledger* ledger_;
  std::vector<Entry> entries_;  // in insertion order
  std::deque<size_t> buckets_[3];
  uint64_t live_[3] = {0, 0, 0};
  uint64_t unpinned_[3] = {0, 0, 0};  // live entries no pin holds
  uint64_t pinned_tokens_ = 0;
  uint64_t next_id_ = 0;
  std::unordered_multimap<uint64_t, uint64_t> pins_by_prefix_;  // prefix key -> pinned entry id
  std::unordered_map<uint64_t, uint64_t> replaced_by_;          // pinned entry id -> its replacement
  uint64_t last_hit_ = 0;
};

}  // namespace

int LruBucketsPopChoice(uint64_t assistant, uint64_t user, uint64_t system) {
  if (assistant > 0 && assistant >= user) return kAssistant;
  if (user > 0 && user >= system) return kUser;
  return system > 0 ? kSystem : -1;
}

std::unique_ptr<Index> NewLruBucketsIndex(const Options& options, Ledger* ledger) {
  return std::make_unique<LruBucketsIndex>(static_cast<uint64_t>(options.Int("max_entries")),
                                           ledger);
}

}  // namespace kvsim
