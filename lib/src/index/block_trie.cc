// block-trie: vLLM's automatic prefix caching (vllm/v1/core/block_pool.py, kv_cache_utils.py).
// Only full blocks of block_size tokens are cached. A block's identity is
// its whole token prefix: vLLM hashes (parent hash, block tokens); here a block is looked up
// among its parent's children by a hash of its tokens and then verified token by token, so a
// hash collision can never produce a false hit.
//
// Eviction order is vLLM's free queue: least recently used first and, among blocks last used by
// the same request, the deepest first (vLLM frees a request's blocks tail first). One intrusive
// doubly linked list holds every unpinned block in exactly that order: a touched path is unlinked
// and re-appended deepest first, so touch and evict are O(1) per block. A pinned block (vLLM's
// ref_cnt > 0) is off the list; when its last pin goes it is appended, deepest first, as vLLM
// returns a finished request's blocks to the free queue tail first.
#include <algorithm>
#include <cassert>
#include <limits>

#include "indexes.h"
#include "util/token_ops.h"

namespace kvsim {
namespace {

constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

class BlockTrieIndex final : public Index {
 public:
  BlockTrieIndex(uint64_t block_size, Ledger* ledger) : b_(block_size), ledger_(ledger) {
    blocks_.emplace_back();  // root sentinel: the empty prefix, never listed or evicted
  }

  uint64_t Match(const Request& r, Tick now) override {
    const TokenSpan prompt = r.prompt();
    const size_t full = prompt.empty() ? 0 : (prompt.size() - 1) / b_;
    path_.clear();
    uint32_t cur = kRoot;
    for (size_t k = 0; k < full; ++k) {
      const Token* t = prompt.data() + k * b_;
      const uint32_t c = FindChild(cur, t, HashBlock(0, t, b_));
      if (c == kNone) break;
      path_.push_back(c);
      cur = c;
    }
    TouchPath(now);
    matched_for_ = &r;
    return path_.size() * b_;
  }

  void Insert(const Request& r, TokenSpan seq, Tick now) override {
    const size_t full = seq.size() / b_;
    // The blocks Match just found are the first blocks of the sequence too: start after them.
    if (&r != matched_for_ || seq.data() != r.tokens.data()) path_.clear();
    matched_for_ = nullptr;
    const Writer w = ledger_->NewWriter(seq.size());
    for (size_t k = 0; k < path_.size(); ++k) Rewrite(path_[k], k, w);
    uint32_t cur = path_.empty() ? kRoot : path_.back();
    bool fresh = false;  // below a new block every block is new: no lookups
    for (size_t k = path_.size(); k < full; ++k) {
      const Token* t = seq.data() + k * b_;
      const uint64_t h = HashBlock(0, t, b_);
      uint32_t c = fresh ? kNone : FindChild(cur, t, h);
      if (c == kNone) {
        c = NewBlock(cur, k, t, h);
        ledger_->Hold(k * b_, (k + 1) * b_, w);
        blocks_[c].writer = w;
        fresh = true;
      } else {
        Rewrite(c, k, w);
      }
      path_.push_back(c);
      cur = c;
    }
    TouchPath(now);
  }

  uint64_t Adds(const Request& r, TokenSpan seq, Tick now) const override {
    return (seq.size() / b_) * b_ - HeldPrefix(r, seq, now);
  }

  uint64_t HeldPrefix(const Request&, TokenSpan seq, Tick) const override {
    const size_t full = seq.size() / b_;
    uint32_t cur = kRoot;
    size_t k = 0;
    for (; k < full; ++k) {
      const Token* t = seq.data() + k * b_;
      const uint32_t c = FindChild(cur, t, HashBlock(0, t, b_));
      if (c == kNone) break;
      cur = c;
    }
    return k * b_;
  }

  bool EvictOne() override {
    const uint32_t id = head_;
    if (id == kNone) return false;
    Block& x = blocks_[id];
    ledger_->Evict(x.depth * b_, (x.depth + 1) * b_, x.writer);
    TellEvicted(id);
    Unlink(id);
    auto& siblings = blocks_[x.parent].children;
    siblings.erase(std::find(siblings.begin(), siblings.end(), std::make_pair(x.hash, id)));
    std::vector<std::pair<uint64_t, uint32_t>>().swap(x.children);
    free_.push_back(id);
    return true;
  }

  void Pin(TokenSpan tokens, uint64_t len) override {
    for (const uint32_t id : Path(tokens, len)) {
      Block& x = blocks_[id];
      if (x.pins++ == 0) {
        Unlink(id);
        pinned_tokens_ += b_;
      }
    }
  }

  void Unpin(TokenSpan tokens, uint64_t len) override {
    const std::vector<uint32_t> path = Path(tokens, len);
    for (auto it = path.rbegin(); it != path.rend(); ++it) {
      Block& x = blocks_[*it];
      assert(x.pins > 0 && "Unpin without a Pin");
      if (--x.pins == 0) {
        Append(*it);
        pinned_tokens_ -= b_;
      }
    }
  }

  uint64_t pinned_tokens() const override { return pinned_tokens_; }

 private:
  static constexpr uint32_t kRoot = 0;

  struct Block {
    uint64_t hash = 0;        // of this block's tokens
    uint64_t depth = 0;       // block number k in its sequences
    Writer writer;            // the sequence that last wrote it
    uint32_t pins = 0;        // running requests using it (vLLM's ref_cnt)
    uint32_t parent = kNone;
    uint32_t prev = kNone, next = kNone;  // eviction list
    std::vector<std::pair<uint64_t, uint32_t>> children;  // (hash, block), sorted
  };

  const Token* TokensOf(uint32_t id) const { return tokens_.data() + size_t{id} * b_; }

  void Rewrite(uint32_t id, uint64_t k, Writer w) {
    ledger_->Rewrite(k * b_, (k + 1) * b_, blocks_[id].writer, w);
    blocks_[id].writer = w;
  }

  // The held full blocks of the first `len` tokens (shallow to deep).
  std::vector<uint32_t> Path(TokenSpan tokens, uint64_t len) const {
    std::vector<uint32_t> path;
    uint32_t cur = kRoot;
    for (size_t k = 0; k < std::min<uint64_t>(len, tokens.size()) / b_; ++k) {
      const Token* t = tokens.data() + k * b_;
      cur = FindChild(cur, t, HashBlock(0, t, b_));
      assert(cur != kNone && "Pin/Unpin: the index does not hold these tokens");
      path.push_back(cur);
    }
    return path;
  }

  uint32_t FindChild(uint32_t parent, const Token* t, uint64_t h) const {
    const auto& ch = blocks_[parent].children;
    auto it = std::lower_bound(ch.begin(), ch.end(), std::make_pair(h, uint32_t{0}));
    for (; it != ch.end() && it->first == h; ++it) {
      if (CommonPrefix(TokensOf(it->second), t, b_) == b_) return it->second;
    }
    return kNone;
  }

  uint32_t NewBlock(uint32_t parent, uint64_t depth, const Token* t, uint64_t h) {
    uint32_t id;
    if (!free_.empty()) {
      id = free_.back();
      free_.pop_back();
    } else {
      id = static_cast<uint32_t>(blocks_.size());
      blocks_.emplace_back();
      tokens_.resize(blocks_.size() * b_);
    }
    std::copy(t, t + b_, tokens_.begin() + size_t{id} * b_);
    Block& x = blocks_[id];
    x.hash = h;
    x.depth = depth;
    x.parent = parent;
    x.pins = 0;
    x.prev = x.next = kNone;
    auto& ch = blocks_[parent].children;
    ch.insert(std::upper_bound(ch.begin(), ch.end(), std::make_pair(x.hash, id)), {x.hash, id});
    listed_.resize(blocks_.size(), false);
    return id;
  }

  // The eviction sink, if any, learns that block `id` goes: its whole prefix is rebuilt.
  void TellEvicted(uint32_t id) {
    EvictionSink* sink = eviction_sink();
    if (sink == nullptr) return;
    const uint64_t depth = blocks_[id].depth;
    evicted_.resize((depth + 1) * b_);
    for (uint32_t c = id; c != kRoot; c = blocks_[c].parent) {
      std::copy(TokensOf(c), TokensOf(c) + b_, evicted_.begin() + blocks_[c].depth * b_);
    }
    sink->Evicted(evicted_, depth * b_);
  }

  // Every block of path_ (shallow to deep) gets last_use = now: re-appended deepest first.
  void TouchPath(Tick) {
    for (auto it = path_.rbegin(); it != path_.rend(); ++it) {
      Unlink(*it);
      if (blocks_[*it].pins == 0) Append(*it);
    }
  }

  void Unlink(uint32_t id) {
    if (!listed_[id]) return;
    Block& x = blocks_[id];
    (x.prev == kNone ? head_ : blocks_[x.prev].next) = x.next;
    (x.next == kNone ? tail_ : blocks_[x.next].prev) = x.prev;
    x.prev = x.next = kNone;
    listed_[id] = false;
  }

  void Append(uint32_t id) {
    Block& x = blocks_[id];
    x.prev = tail_;
    x.next = kNone;
    (tail_ == kNone ? head_ : blocks_[tail_].next) = id;
    tail_ = id;
    listed_[id] = true;
  }

  const uint64_t b_;
  Ledger* ledger_;
  std::vector<Block> blocks_;
  std::vector<Token> tokens_;  // block i holds tokens_[i * b_, (i + 1) * b_)
  std::vector<bool> listed_;
  std::vector<uint32_t> free_;
  std::vector<uint32_t> path_;
  std::vector<Token> evicted_;  // scratch: the prefix told to the eviction sink
  uint32_t head_ = kNone, tail_ = kNone;  // head: next to evict
  uint64_t pinned_tokens_ = 0;
  const Request* matched_for_ = nullptr;  // path_ holds this request's matched blocks
};

}  // namespace

std::unique_ptr<Index> NewBlockTrieIndex(const Options& options, Ledger* ledger) {
  return std::make_unique<BlockTrieIndex>(static_cast<uint64_t>(options.Int("block_size")), ledger);
}

}  // namespace kvsim
