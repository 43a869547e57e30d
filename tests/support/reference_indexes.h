// Independent, deliberately simple reference implementations of docs/contract.md, "Indexes" for differential
// tests. They share no code with lib/ and favour obviousness over speed: full scans, maps
// keyed by whole token prefixes. Each returns the hit tokens of every request in order, for a
// token budget (0 = unbounded).
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <vector>

#include "random_workload.h"

namespace kvsim::testing {

inline size_t Lcp(const std::vector<Token>& a, const std::vector<Token>& b) {
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  return i;
}

inline uint64_t Cap(uint64_t hit, size_t prompt_len) {
  return prompt_len == 0 ? 0 : std::min<uint64_t>(hit, prompt_len - 1);
}

// Unbounded radix: every earlier sequence is kept; hit = capped longest common prefix.
inline std::vector<uint64_t> BruteForceUnbounded(const std::vector<Flat>& reqs) {
  std::vector<uint64_t> hits;
  for (size_t i = 0; i < reqs.size(); ++i) {
    size_t best = 0;
    for (size_t j = 0; j < i; ++j) best = std::max(best, Lcp(reqs[i].prompt, reqs[j].sequence));
    hits.push_back(Cap(best, reqs[i].prompt.size()));
  }
  return hits;
}

// Unbounded block-trie: a block is cached iff an earlier sequence shares the whole prefix up to
// its end.
inline std::vector<uint64_t> BruteForceBlocksUnbounded(const std::vector<Flat>& reqs, size_t b) {
  std::vector<uint64_t> hits;
  for (size_t i = 0; i < reqs.size(); ++i) {
    size_t best = 0;
    for (size_t j = 0; j < i; ++j) best = std::max(best, Lcp(reqs[i].prompt, reqs[j].sequence));
    const size_t n = reqs[i].prompt.size();
    const size_t usable = n == 0 ? 0 : (n - 1) / b;
    hits.push_back(b * std::min(usable, best / b));
  }
  return hits;
}

// docs/contract.md, "radix" with nodes in a vector and eviction by scanning every node for the LRU leaf.
class NaiveRadix {
 public:
  explicit NaiveRadix(uint64_t budget) : budget_(budget) { nodes_.push_back({}); }

  std::vector<uint64_t> Run(const std::vector<Flat>& reqs) {
    std::vector<uint64_t> hits;
    for (uint64_t now = 0; now < reqs.size(); ++now) {
      const auto& p = reqs[now].prompt;
      std::vector<Token> head(p.begin(), p.end() - (p.empty() ? 0 : 1));
      hits.push_back(Walk(head, now, /*insert=*/false));
      Walk(reqs[now].sequence, now, /*insert=*/true);
      while (budget_ != 0 && held_ > budget_) EvictLru();
    }
    return hits;
  }

 private:
  struct Node {
    std::vector<Token> seg;
    std::map<Token, size_t> kids;
    size_t parent = 0;
    uint64_t last = 0;
    bool alive = true;
  };

  size_t Walk(const std::vector<Token>& t, uint64_t now, bool insert) {
    size_t cur = 0, pos = 0;
    while (pos < t.size()) {
      auto it = nodes_[cur].kids.find(t[pos]);
      if (it == nodes_[cur].kids.end()) break;
      size_t c = it->second;
      size_t m = 0;
      while (m < nodes_[c].seg.size() && pos + m < t.size() && nodes_[c].seg[m] == t[pos + m]) ++m;
      const bool inside = m < nodes_[c].seg.size();
      if (inside) c = SplitAt(c, m);
      nodes_[c].last = now;
      pos += m;
      cur = c;
      if (inside) break;
    }
    if (insert && pos < t.size()) {
      Node leaf;
      leaf.seg.assign(t.begin() + static_cast<long>(pos), t.end());
      leaf.parent = cur;
      leaf.last = now;
      nodes_.push_back(leaf);
      nodes_[cur].kids[t[pos]] = nodes_.size() - 1;
      held_ += t.size() - pos;
    }
    return pos;
  }

  size_t SplitAt(size_t c, size_t m) {
    Node top;
    top.seg.assign(nodes_[c].seg.begin(), nodes_[c].seg.begin() + static_cast<long>(m));
    top.parent = nodes_[c].parent;
    top.last = nodes_[c].last;
    nodes_.push_back(top);
    const size_t t = nodes_.size() - 1;
    nodes_[c].seg.erase(nodes_[c].seg.begin(), nodes_[c].seg.begin() + static_cast<long>(m));
    nodes_[c].parent = t;
    nodes_[t].kids[nodes_[c].seg[0]] = c;
    nodes_[nodes_[t].parent].kids[nodes_[t].seg[0]] = t;
    return t;
  }

  void EvictLru() {
    size_t victim = 0;
    for (size_t i = 1; i < nodes_.size(); ++i) {
      if (nodes_[i].alive && nodes_[i].kids.empty() &&
          (victim == 0 || nodes_[i].last < nodes_[victim].last)) {
        victim = i;
      }
    }
    Node& v = nodes_[victim];
    held_ -= v.seg.size();
    v.alive = false;
    nodes_[v.parent].kids.erase(v.seg[0]);
  }

  uint64_t budget_;
  uint64_t held_ = 0;
  std::vector<Node> nodes_;
};

// docs/contract.md, "block-trie" with blocks keyed by their whole token prefix; eviction scans for the smallest
// (last_use, -depth).
inline std::vector<uint64_t> NaiveBlocks(const std::vector<Flat>& reqs, size_t b,
                                         uint64_t budget) {
  struct Info {
    uint64_t last;
    size_t depth;
  };
  std::map<std::vector<Token>, Info> cached;
  std::vector<uint64_t> hits;
  for (uint64_t now = 0; now < reqs.size(); ++now) {
    const auto& p = reqs[now].prompt;
    const size_t usable = p.empty() ? 0 : (p.size() - 1) / b;
    size_t k = 0;
    for (; k < usable; ++k) {
      auto it = cached.find(std::vector<Token>(p.begin(), p.begin() + static_cast<long>((k + 1) * b)));
      if (it == cached.end()) break;
      it->second.last = now;
    }
    hits.push_back(k * b);
    const auto& s = reqs[now].sequence;
    for (size_t j = 0; j < s.size() / b; ++j) {
      cached[std::vector<Token>(s.begin(), s.begin() + static_cast<long>((j + 1) * b))] = {now, j};
    }
    while (budget != 0 && cached.size() * b > budget) {
      auto victim = cached.begin();
      for (auto it = cached.begin(); it != cached.end(); ++it) {
        if (it->second.last < victim->second.last ||
            (it->second.last == victim->second.last && it->second.depth > victim->second.depth)) {
          victim = it;
        }
      }
      cached.erase(victim);
    }
  }
  return hits;
}

// docs/contract.md, "lru-buckets" over a flat list of entries; buckets are recovered by filtering on type.
class NaiveLruBuckets {
 public:
  NaiveLruBuckets(size_t max_entries, uint64_t budget) : max_(max_entries), budget_(budget) {}

  std::vector<uint64_t> Run(const std::vector<Flat>& reqs) {
    std::vector<uint64_t> hits;
    for (const auto& r : reqs) {
      const uint64_t hit = Fetch(r.prompt);
      hits.push_back(hit);
      const size_t s = r.system_len;
      if (s > 0 && s < r.prompt.size() && hit < s) {
        Insert(std::vector<Token>(r.prompt.begin(), r.prompt.begin() + static_cast<long>(s)), 2);
      }
      Insert(r.sequence, 0);
    }
    return hits;
  }

  // Which bucket a pop takes from, for bucket sizes (assistant, user, system).
  static int PopBucket(size_t a, size_t u, size_t s) {
    const size_t len[3] = {a, u, s};
    for (int i = 0; i < 2; ++i) {
      if (len[i] > 0 && len[i] >= len[i + 1]) return i;
    }
    return 2;
  }

 private:
  struct Entry {
    std::vector<Token> tokens;
    int type;
    uint64_t order;
  };

  uint64_t Fetch(const std::vector<Token>& p) const {
    size_t shorter = 0, common = 0;
    for (const auto& e : entries_) {
      if (e.tokens == p) return Cap(p.size(), p.size());
      const size_t l = Lcp(e.tokens, p);
      if (l == e.tokens.size() && l >= 2) shorter = std::max(shorter, l);
      common = std::max(common, l);
    }
    if (common > 0 && common > shorter) return Cap(std::min(p.size() - 1, common), p.size());
    return Cap(shorter, p.size());
  }

  void Insert(const std::vector<Token>& t, int type) {
    std::vector<Entry> kept;
    for (auto& e : entries_) {
      const bool prefix = e.tokens.size() <= t.size() && Lcp(e.tokens, t) == e.tokens.size();
      if (!prefix) kept.push_back(e);
    }
    entries_ = kept;
    entries_.push_back({t, type, order_++});
    if (entries_.size() > max_) Pop();
    while (budget_ != 0 && Held() > budget_ && !entries_.empty()) Pop();
  }

  uint64_t Held() const {
    uint64_t n = 0;
    for (const auto& e : entries_) n += e.tokens.size();
    return n;
  }

  void Pop() {
    size_t count[3] = {0, 0, 0};
    for (const auto& e : entries_) ++count[e.type];
    const int b = PopBucket(count[0], count[1], count[2]);
    size_t oldest = entries_.size();
    for (size_t i = 0; i < entries_.size(); ++i) {
      if (entries_[i].type == b && (oldest == entries_.size() || entries_[i].order < entries_[oldest].order)) {
        oldest = i;
      }
    }
    if (oldest < entries_.size()) entries_.erase(entries_.begin() + static_cast<long>(oldest));
  }

  size_t max_;
  uint64_t budget_;
  std::vector<Entry> entries_;
  uint64_t order_ = 0;
};

}  // namespace kvsim::testing
