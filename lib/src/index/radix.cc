// radix: SGLang's RadixAttention prefix cache (python/sglang/srt/mem_cache/radix_cache.py).
// Edges hold token segments; a match or insert that ends inside a segment splits the node there;
// the remainder of an insert becomes one new leaf (a leaf is never extended); eviction removes
// the least recently used unpinned leaf, whole. Pins are reference counts on every node of a
// path, as SGLang's lock_ref: a pinned node is never evicted, and a split copies its count.
//
// Evictable leaves wait in a min-heap keyed by (last_use, node). Entries are invalidated lazily:
// an entry counts only while its node is alive, an unpinned leaf and still has that last_use. A
// split keeps the lower half in the old node, so the entries of a split leaf stay valid. Stale
// entries are compacted away when they outnumber the live nodes.
#include <algorithm>
#include <cassert>
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
    return Walk(prompt.first(prompt.empty() ? 0 : prompt.size() - 1), now, nullptr).pos;
  }

  void Insert(const Request&, TokenSpan seq, Tick now) override {
    const size_t n = seq.size();
    const Writer w = ledger_->NewWriter(n);
    const auto [cur, pos] = Walk(seq, now, &w);
    if (pos < n) {
      const uint32_t leaf = NewNode();
      Node& x = nodes_[leaf];
      x.seg.assign(seq.begin() + pos, seq.end());
      x.parent = cur;
      x.depth = pos;
      x.writer = w;
      x.last_use = now;
      AddChild(cur, x.seg[0], leaf);
      ledger_->Hold(pos, n, w);
      PushLeaf(leaf);
    }
  }

  uint64_t Adds(const Request& r, TokenSpan seq, Tick now) const override {
    return seq.size() - HeldPrefix(r, seq, now);
  }

  uint64_t HeldPrefix(const Request&, TokenSpan seq, Tick) const override {
    const size_t n = seq.size();
    uint32_t cur = kRoot;
    size_t pos = 0;
    while (pos < n) {
      const uint32_t c = FindChild(cur, seq[pos]);
      if (c == kNone) break;
      const size_t len = nodes_[c].seg.size();
      const size_t m = CommonPrefix(nodes_[c].seg.data(), seq.data() + pos, std::min(len, n - pos));
      pos += m;
      if (m < len) break;
      cur = c;
    }
    return pos;
  }

  bool EvictOne() override {
    while (!heap_.empty()) {
      std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
      const auto [last_use, id] = heap_.back();
      heap_.pop_back();
      Node& x = nodes_[id];
      if (id == kRoot || !Evictable(x) || x.last_use != last_use) continue;
      ledger_->Evict(x.depth, x.depth + x.seg.size(), x.writer);
      TellEvicted(id);
      const uint32_t p = x.parent;
      RemoveChild(p, x.seg[0]);
      FreeNode(id);
      if (p != kRoot && Evictable(nodes_[p])) PushLeaf(p);
      return true;
    }
    return false;
  }

  void Pin(TokenSpan tokens, uint64_t len) override { AddPins(tokens.first(len), +1); }
  void Unpin(TokenSpan tokens, uint64_t len) override { AddPins(tokens.first(len), -1); }
  uint64_t pinned_tokens() const override { return pinned_tokens_; }

 private:
  struct Node {
    std::vector<Token> seg;
    std::vector<std::pair<Token, uint32_t>> children;  // sorted by first token
    uint64_t depth = 0;       // sequence position of seg[0]
    uint64_t last_use = 0;
    Writer writer;            // the sequence that last wrote the node
    uint32_t parent = kNone;
    uint32_t pins = 0;        // running requests using the node (SGLang's lock_ref)
    bool alive = true;
  };

  // The eviction sink, if any, learns that node `id` goes: its whole prefix is rebuilt.
  void TellEvicted(uint32_t id) {
    EvictionSink* sink = eviction_sink();
    if (sink == nullptr) return;
    evicted_.resize(nodes_[id].depth + nodes_[id].seg.size());
    for (uint32_t c = id; c != kRoot; c = nodes_[c].parent) {
      std::copy(nodes_[c].seg.begin(), nodes_[c].seg.end(), evicted_.begin() + nodes_[c].depth);
    }
    sink->Evicted(evicted_, nodes_[id].depth);
  }

  static bool Evictable(const Node& x) { return x.alive && x.children.empty() && x.pins == 0; }

  // Pins (+1) or unpins (-1) every node on the path of `tokens`, splitting where it ends inside
  // a segment so that exactly `tokens` is pinned.
  void AddPins(TokenSpan tokens, int delta) {
    uint32_t cur = kRoot;
    size_t pos = 0;
    while (pos < tokens.size()) {
      uint32_t c = FindChild(cur, tokens[pos]);
      assert(c != kNone && "Pin/Unpin: the index does not hold these tokens");
      const size_t len = nodes_[c].seg.size();
      const size_t m = std::min(len, tokens.size() - pos);
      if (m < len) c = Split(c, m);
      Node& x = nodes_[c];
      assert(delta > 0 || x.pins > 0);
      if (x.pins == 0) pinned_tokens_ += x.seg.size();
      x.pins = static_cast<uint32_t>(static_cast<int64_t>(x.pins) + delta);
      if (x.pins == 0) {
        pinned_tokens_ -= x.seg.size();
        if (Evictable(x)) PushLeaf(c);
      }
      pos += m;
      cur = c;
    }
  }

  struct WalkEnd {
    uint32_t node;  // deepest node on the path
    size_t pos;     // tokens of `tokens` on the path
  };

  // Walks `tokens` down the tree, splitting the node where they end inside a segment, and gives
  // every node on the path last_use = now. An insert passes its writer, which then owns every
  // node on the path.
  WalkEnd Walk(TokenSpan tokens, Tick now, const Writer* writer) {
    const size_t n = tokens.size();
    uint32_t cur = kRoot;
    size_t pos = 0;
    while (pos < n) {
      uint32_t c = FindChild(cur, tokens[pos]);
      if (c == kNone) break;
      const size_t len = nodes_[c].seg.size();
      const size_t m = CommonPrefix(nodes_[c].seg.data(), tokens.data() + pos, std::min(len, n - pos));
      if (m < len) c = Split(c, m);
      if (writer != nullptr) Rewrite(c, *writer);
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
  // c's last_use, writer and pins; c keeps the lower half, its children and its heap entries.
  uint32_t Split(uint32_t c, size_t m) {
    const uint32_t u = NewNode();
    Node& upper = nodes_[u];
    Node& lower = nodes_[c];
    upper.seg.assign(lower.seg.begin(), lower.seg.begin() + m);
    lower.seg.erase(lower.seg.begin(), lower.seg.begin() + m);
    upper.parent = lower.parent;
    upper.depth = lower.depth;
    upper.last_use = lower.last_use;
    upper.writer = lower.writer;
    upper.pins = lower.pins;
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
    if (Evictable(x)) PushLeaf(id);
  }

  void Rewrite(uint32_t id, Writer w) {
    Node& x = nodes_[id];
    ledger_->Rewrite(x.depth, x.depth + x.seg.size(), x.writer, w);
    x.writer = w;
  }

  void PushLeaf(uint32_t id) {
    heap_.emplace_back(nodes_[id].last_use, id);
    std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
    if (heap_.size() > 2 * (nodes_.size() - free_.size()) + 64) Compact();
  }

  void Compact() {
    heap_.clear();
    for (uint32_t id = 1; id < nodes_.size(); ++id) {
      if (id != kRoot && Evictable(nodes_[id])) {
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
    x.pins = 0;
    free_.push_back(id);
  }

  Ledger* ledger_;
  std::vector<Node> nodes_;  // nodes_[0] is the root: empty segment, never evicted
  std::vector<Token> evicted_;  // scratch: the prefix told to the eviction sink
  std::vector<uint32_t> free_;
  std::vector<std::pair<uint64_t, uint32_t>> heap_;  // (last_use, leaf), min-heap
  uint64_t pinned_tokens_ = 0;
};

}  // namespace

std::unique_ptr<Index> NewRadixIndex(const Options&, Ledger* ledger) {
  return std::make_unique<RadixIndex>(ledger);
}

}  // namespace kvsim
