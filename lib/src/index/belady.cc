// belady: the clairvoyant reference row of capacity planning. Blocks as in block-trie (full
// blocks of block_size tokens, identified by their whole prefix), but eviction removes the block
// whose next use lies furthest in the future (Belady's MIN), the deepest first among equal next
// uses. A block's uses are the requests whose prompt could hit it: it lies within their first
// floor((len(prompt) - 1) / B) blocks. A request that can use a block can use its parent too, so
// a child's next use is never earlier than its parent's and, with the depth tie-break, only leaf
// blocks are evicted, as in block-trie. A pinned block is out of the eviction order until its
// last pin goes.
//
// Knowing the future takes one pre-pass over the workload: it numbers every distinct block
// (looked up among its parent's children by a hash of its tokens and verified token by token, so
// no false match), records each request's block ids and each block's use times. Memory is one id
// per full block per request.
#include <algorithm>
#include <cassert>
#include <limits>
#include <set>
#include <unordered_map>

#include "indexes.h"
#include "kvsim/error.h"
#include "util/token_ops.h"

namespace kvsim {
namespace {

constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();

class BeladyIndex final : public Index {
 public:
  BeladyIndex(uint64_t block_size, Ledger* ledger, const IndexContext& context)
      : b_(block_size), ledger_(ledger) {
    if (context.workload == nullptr) throw Error("belady needs the workload (it sees the future)");
    auto stream = context.workload->Open();
    uint64_t t = 0;
    request_begin_.push_back(0);
    while (const Request* r = stream->Next()) {
      const TokenSpan seq = context.cache_output ? r->tokens : r->prompt();
      const size_t usable = r->prompt_len == 0 ? 0 : (r->prompt_len - 1) / b_;
      const size_t full = seq.size() / b_;
      uint32_t parent = kNone;
      for (size_t k = 0; k < std::max(full, usable); ++k) {
        const Token* tok = (k < full ? seq.data() : r->tokens.data()) + k * b_;
        parent = Intern(parent, tok, k);
        ids_.push_back(parent);
        if (k < usable) uses_[parent].push_back(t);
      }
      usable_.push_back(static_cast<uint32_t>(usable));
      inserted_.push_back(static_cast<uint32_t>(full));
      request_begin_.push_back(ids_.size());
      ++t;
    }
    cursor_.assign(blocks_.size(), 0);
    cached_.assign(blocks_.size(), false);
    writer_.assign(blocks_.size(), Writer{});
    pins_.assign(blocks_.size(), 0);
    key_.assign(blocks_.size(), Key{});
  }

  bool clairvoyant() const override { return true; }

  uint64_t Match(const Request& r, Tick now) override {
    const uint32_t* ids = ids_.data() + request_begin_[now];
    const size_t usable = usable_[now];
    size_t hit = 0;
    while (hit < usable && cached_[ids[hit]]) ++hit;
    // Every block this request could use moves on to its next use, hit or not.
    for (size_t k = 0; k < usable; ++k) {
      if (cached_[ids[k]]) Refresh(ids[k], now);
    }
    (void)r;
    return hit * b_;
  }

  void Insert(const Request&, TokenSpan seq, Tick now) override {
    const uint32_t* ids = ids_.data() + request_begin_[now];
    const size_t full = std::min<size_t>(inserted_[now], seq.size() / b_);
    const Writer w = ledger_->NewWriter(seq.size());
    for (size_t k = 0; k < full; ++k) {
      const uint32_t id = ids[k];
      if (!cached_[id]) {
        cached_[id] = true;
        ledger_->Hold(k * b_, (k + 1) * b_, w);
      } else {
        ledger_->Rewrite(k * b_, (k + 1) * b_, writer_[id], w);
      }
      writer_[id] = w;
      Refresh(id, now);
    }
  }

  uint64_t Adds(const Request&, TokenSpan seq, Tick now) const override {
    const uint32_t* ids = ids_.data() + request_begin_[now];
    const size_t full = std::min<size_t>(inserted_[now], seq.size() / b_);
    uint64_t adds = 0;
    for (size_t k = 0; k < full; ++k) adds += cached_[ids[k]] ? 0 : b_;
    return adds;
  }

  uint64_t HeldPrefix(const Request&, TokenSpan seq, Tick now) const override {
    const uint32_t* ids = ids_.data() + request_begin_[now];
    const size_t full = std::min<size_t>(inserted_[now], seq.size() / b_);
    size_t k = 0;
    while (k < full && cached_[ids[k]]) ++k;
    return k * b_;
  }

  void Pin(TokenSpan tokens, uint64_t len) override {
    for (const uint32_t id : Path(tokens, len)) {
      if (pins_[id]++ > 0) continue;
      order_.erase(key_[id]);
      pinned_tokens_ += b_;
    }
  }

  void Unpin(TokenSpan tokens, uint64_t len) override {
    for (const uint32_t id : Path(tokens, len)) {
      assert(pins_[id] > 0 && "Unpin without a Pin");
      if (--pins_[id] > 0) continue;
      order_.insert(key_[id]);
      pinned_tokens_ -= b_;
    }
  }

  uint64_t pinned_tokens() const override { return pinned_tokens_; }

  bool EvictOne() override {
    if (order_.empty()) return false;
    const Key victim = *order_.begin();
    order_.erase(order_.begin());
    const uint32_t id = victim.id;
    cached_[id] = false;
    const uint64_t k = blocks_[id].depth;
    ledger_->Evict(k * b_, (k + 1) * b_, writer_[id]);
    key_[id] = Key{};
    return true;
  }

 private:
  struct Block {
    uint32_t parent;
    uint64_t depth;
    size_t tokens;  // offset into tokens_
  };
  // Eviction order: furthest next use first, then deepest, then id.
  struct Key {
    uint64_t next = kNever;
    uint64_t depth = 0;
    uint32_t id = kNone;
    bool operator<(const Key& o) const {
      if (next != o.next) return next > o.next;
      if (depth != o.depth) return depth > o.depth;
      return id < o.id;
    }
  };

  // The block of tokens t[0, b_) below `parent`, kNone if the workload has none.
  uint32_t Find(uint32_t parent, const Token* t, uint64_t h) const {
    auto range = index_.equal_range(h);
    for (auto it = range.first; it != range.second; ++it) {
      const Block& blk = blocks_[it->second];
      if (blk.parent == parent && CommonPrefix(tokens_.data() + blk.tokens, t, b_) == b_) {
        return it->second;
      }
    }
    return kNone;
  }

  // The cached full blocks of the first `len` tokens.
  std::vector<uint32_t> Path(TokenSpan tokens, uint64_t len) const {
    std::vector<uint32_t> path;
    uint32_t parent = kNone;
    for (size_t k = 0; k < std::min<uint64_t>(len, tokens.size()) / b_; ++k) {
      const Token* t = tokens.data() + k * b_;
      parent = Find(parent, t, HashTokens(parent, t, b_));
      assert(parent != kNone && cached_[parent] && "Pin/Unpin: the index does not hold these tokens");
      path.push_back(parent);
    }
    return path;
  }

  uint32_t Intern(uint32_t parent, const Token* t, uint64_t depth) {
    const uint64_t h = HashTokens(parent, t, b_);
    if (const uint32_t found = Find(parent, t, h); found != kNone) return found;
    const uint32_t id = static_cast<uint32_t>(blocks_.size());
    blocks_.push_back({parent, depth, tokens_.size()});
    tokens_.insert(tokens_.end(), t, t + b_);
    uses_.emplace_back();
    index_.emplace(h, id);
    return id;
  }

  // The block was used (or written) at `now`: its next use is its first use after now.
  void Refresh(uint32_t id, Tick now) {
    const auto& u = uses_[id];
    size_t& c = cursor_[id];
    while (c < u.size() && u[c] <= now) ++c;
    const Key updated{c < u.size() ? u[c] : kNever, blocks_[id].depth, id};
    if (pins_[id] == 0) {
      order_.erase(key_[id]);  // no-op for a block not yet in the order
      order_.insert(updated);
    }
    key_[id] = updated;
  }

  const uint64_t b_;
  Ledger* ledger_;
  std::vector<Block> blocks_;
  std::vector<Token> tokens_;
  std::unordered_multimap<uint64_t, uint32_t> index_;
  std::vector<std::vector<uint64_t>> uses_;  // per block, ascending request numbers
  std::vector<uint32_t> ids_;                // per request, its block ids
  std::vector<size_t> request_begin_;
  std::vector<uint32_t> usable_, inserted_;
  std::vector<size_t> cursor_;
  std::vector<bool> cached_;
  std::vector<Writer> writer_;
  std::vector<uint32_t> pins_;
  uint64_t pinned_tokens_ = 0;
  std::vector<Key> key_;
  std::set<Key> order_;
};

}  // namespace

std::unique_ptr<Index> NewBeladyIndex(const Options& options, Ledger* ledger,
                                      const IndexContext& context) {
  return std::make_unique<BeladyIndex>(static_cast<uint64_t>(options.Int("block_size")), ledger,
                                       context);
}

}  // namespace kvsim
