// radix: SGLang's RadixAttention prefix cache (python/sglang/srt/mem_cache/radix_cache.py), as
// SPEC 4.1 fixes it. Edges hold token segments; a match or insert that ends inside a segment
// splits the node there; the remainder of an insert becomes one new leaf (a leaf is never
// extended); eviction removes the least recently used leaf, whole.
//
// Leaves wait in a min-heap keyed by (last_use, node). Entries are invalidated lazily: an entry
// counts only while its node is alive, still a leaf and still has that last_use. A split keeps
// the lower half in the old node, so the entries of a split leaf stay valid. Stale entries are
// compacted away when they outnumber the live nodes.
#include <algorithm>
#include <limits>

#include "indexes.h"
#include "util/token_ops.h"

namespace kvsim {
namespace {

constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
constexpr uint32_t kRoot = 0;

class RadixIndex final : public Index {
 public:
  explicit RadixIndex(Ledger* ledger) : ledger_(ledger) { nodes_.emplace_back(); }

  uint64_t Match(const Request& r, Tick now) override {
    const TokenSpan prompt = r.prompt();
    return Walk(prompt.first(prompt.empty() ? 0 : prompt.size() - 1), now, 0).pos;
  }

  void Insert(const Request&, TokenSpan seq, Tick now) override {
    const size_t n = seq.size();
    const auto [cur, pos] = Walk(seq, now, n);
    if (pos < n) {
      const uint32_t leaf = NewNode();
      Node& x = nodes_[leaf];
      x.seg.assign(seq.begin() + pos, seq.end());
      x.parent = cur;
      x.depth = pos;
      x.writer_len = n;
      x.last_use = now;
      AddChild(cur, x.seg[0], leaf);
      ledger_->Hold(pos, n, n);
      PushLeaf(leaf);
    }
  }

  bool EvictOne() override {
    while (!heap_.empty()) {
      std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
      const auto [last_use, id] = heap_.back();
      heap_.pop_back();
      Node& x = nodes_[id];
      if (id == kRoot || !x.alive || !x.children.empty() || x.last_use != last_use) continue;
      ledger_->Evict(x.depth, x.depth + x.seg.size(), x.writer_len);
      const uint32_t p = x.parent;
      RemoveChild(p, x.seg[0]);
      FreeNode(id);
      if (p != kRoot && nodes_[p].children.empty()) PushLeaf(p);
      return true;
    }
    return false;
  }

 private:
  struct Node {
    std::vector<Token> seg;
    std::vector<std::pair<Token, uint32_t>> children;  // sorted by first token
    uint64_t depth = 0;       // sequence position of seg[0]
    uint64_t last_use = 0;
    uint64_t writer_len = 0;  // length of the sequence that last wrote the node (two-tier)
    uint32_t parent = kNone;
    bool alive = true;
  };

  struct WalkEnd {
    uint32_t node;  // deepest node on the path
    size_t pos;     // tokens of `tokens` on the path
  };

  // Walks `tokens` down the tree, splitting the node where they end inside a segment, and gives
  // every node on the path last_use = now. writer_len > 0: an insert, which also records the
  // sequence length that last wrote each node (two-tier tiers).
  WalkEnd Walk(TokenSpan tokens, Tick now, uint64_t writer_len) {
    const size_t n = tokens.size();
    uint32_t cur = kRoot;
    size_t pos = 0;
    while (pos < n) {
      uint32_t c = FindChild(cur, tokens[pos]);
      if (c == kNone) break;
      const size_t len = nodes_[c].seg.size();
      const size_t m = CommonPrefix(nodes_[c].seg.data(), tokens.data() + pos, std::min(len, n - pos));
      if (m < len) c = Split(c, m);
      if (writer_len > 0) Rewrite(c, writer_len);
      Touch(c, now);
      pos += m;
      cur = c;
      if (m < len) break;
    }
    return {cur, pos};
  }

  uint32_t FindChild(uint32_t id, Token t) const {
    const auto& ch = nodes_[id].children;
    if (ch.size() <= 8) {
      for (const auto& [tok, c] : ch) {
        if (tok == t) return c;
      }
      return kNone;
    }
    auto it = std::lower_bound(ch.begin(), ch.end(), std::make_pair(t, uint32_t{0}));
    return it != ch.end() && it->first == t ? it->second : kNone;
  }

  void AddChild(uint32_t id, Token t, uint32_t child) {
    auto& ch = nodes_[id].children;
    ch.insert(std::lower_bound(ch.begin(), ch.end(), std::make_pair(t, uint32_t{0})), {t, child});
  }

  void RemoveChild(uint32_t id, Token t) {
    auto& ch = nodes_[id].children;
    ch.erase(std::lower_bound(ch.begin(), ch.end(), std::make_pair(t, uint32_t{0})));
  }

  // Splits node c after m tokens (0 < m < len); returns the new upper node. Both halves keep
  // c's last_use and writer; c keeps the lower half, its children and its heap entries.
  uint32_t Split(uint32_t c, size_t m) {
    const uint32_t u = NewNode();
    Node& upper = nodes_[u];
    Node& lower = nodes_[c];
    upper.seg.assign(lower.seg.begin(), lower.seg.begin() + m);
    lower.seg.erase(lower.seg.begin(), lower.seg.begin() + m);
    upper.parent = lower.parent;
    upper.depth = lower.depth;
    upper.last_use = lower.last_use;
    upper.writer_len = lower.writer_len;
    upper.children.push_back({lower.seg[0], c});
    lower.parent = u;
    lower.depth += m;
    auto& siblings = nodes_[upper.parent].children;
    std::lower_bound(siblings.begin(), siblings.end(), std::make_pair(upper.seg[0], uint32_t{0}))
        ->second = u;
    return u;
  }

  void Touch(uint32_t id, Tick now) {
    Node& x = nodes_[id];
    if (x.last_use == now) return;
    x.last_use = now;
    if (x.children.empty()) PushLeaf(id);
  }

  void Rewrite(uint32_t id, uint64_t seq_len) {
    Node& x = nodes_[id];
    if (ledger_->tiered()) ledger_->Retier(x.depth, x.depth + x.seg.size(), x.writer_len, seq_len);
    x.writer_len = seq_len;
  }

  void PushLeaf(uint32_t id) {
    heap_.emplace_back(nodes_[id].last_use, id);
    std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
    if (heap_.size() > 2 * (nodes_.size() - free_.size()) + 64) Compact();
  }

  void Compact() {
    heap_.clear();
    for (uint32_t id = 1; id < nodes_.size(); ++id) {
      if (nodes_[id].alive && nodes_[id].children.empty()) {
        heap_.emplace_back(nodes_[id].last_use, id);
      }
    }
    std::make_heap(heap_.begin(), heap_.end(), std::greater<>());
  }

  uint32_t NewNode() {
    if (!free_.empty()) {
      const uint32_t id = free_.back();
      free_.pop_back();
      nodes_[id].alive = true;
      return id;
    }
    nodes_.emplace_back();
    return static_cast<uint32_t>(nodes_.size() - 1);
  }

  void FreeNode(uint32_t id) {
    Node& x = nodes_[id];
    std::vector<Token>().swap(x.seg);
    std::vector<std::pair<Token, uint32_t>>().swap(x.children);
    x.alive = false;
    x.parent = kNone;
    free_.push_back(id);
  }

  Ledger* ledger_;
  std::vector<Node> nodes_;  // nodes_[0] is the root: empty segment, never evicted
  std::vector<uint32_t> free_;
  std::vector<std::pair<uint64_t, uint32_t>> heap_;  // (last_use, leaf), min-heap
};

}  // namespace

std::unique_ptr<Index> NewRadixIndex(const Options&, Ledger* ledger) {
  return std::make_unique<RadixIndex>(ledger);
}

}  // namespace kvsim
