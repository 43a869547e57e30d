// belady: the clairvoyant reference row of capacity planning. Blocks as in block-trie (full
// blocks of block_size tokens, identified by their whole prefix), but eviction removes the block
// whose next use lies furthest in the future (Belady's MIN), the deepest first among equal next
// uses. A block's uses are the requests whose prompt could hit it: it lies within their first
// floor((len(prompt) - 1) / B) blocks. A request that can use a block can use its parent too, so
// a child's next use is never earlier than its parent's and, with the depth tie-break, only leaf
// blocks are evicted, as in block-trie. A pinned block is out of the eviction order until its
// last pin goes.
//
// Knowing the future takes one pre-pass over the workload, in one of two forms, both read-only
// and shared through the run's WorkloadMemo, so the rows of several budgets make it once; each
// row keeps only its own cache state:
//   - in memory (BeladyFuture, here): it numbers every distinct block (looked up among its
//     parent's children by a hash of its tokens and verified token by token, so no false match),
//     records each request's block ids and each block's use times. Memory is one id per full
//     block per request plus every distinct block's tokens, and the index keeps state per
//     distinct block. It answers any order of positions, which kvsim serve's replicas need
//     (IndexContext::in_order false).
//   - on disk (belady_future.h, belady_spilled.cc): blocks named by 128-bit prefix keys, their
//     next uses sorted out of core and read back request by request. Memory follows the cache,
//     not the workload; positions must come once each, in order (a replay: run, sweep).
// Both evict through belady_order.h, so they make the same choices.
#include <algorithm>
#include <cassert>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <unordered_map>

#include "index/belady_future.h"
#include "index/belady_order.h"
#include "indexes.h"
#include "kvsim/error.h"
#include "util/token_ops.h"

namespace kvsim {
namespace {

constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

// The workload's blocks and their uses, at one block size: read-only once built.
class BeladyFuture {
 public:
  struct Block {
    uint32_t parent;
    uint64_t depth;
    size_t tokens;  // offset into tokens_
  };

  BeladyFuture(uint64_t block_size, const Workload& workload, bool cache_output) : b_(block_size) {
    auto stream = workload.Open();
    uint64_t t = 0;
    request_begin_.push_back(0);
    while (const Request* r = stream->Next()) {
      const TokenSpan seq = cache_output ? r->tokens : r->prompt();
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
  }

  size_t blocks() const { return blocks_.size(); }
  uint64_t depth(uint32_t id) const { return blocks_[id].depth; }
  // Request `now`'s block ids; the first usable(now) its prompt can hit, the first
  // inserted(now) its sequence inserts.
  const uint32_t* ids(Tick now) const { return ids_.data() + request_begin_[now]; }
  size_t usable(Tick now) const { return usable_[now]; }
  size_t inserted(Tick now) const { return inserted_[now]; }
  // Ascending request numbers whose prompt can use block `id`.
  const std::vector<uint64_t>& uses(uint32_t id) const { return uses_[id]; }

  // The tokens of block `id` and every block above it: its whole prefix.
  void PrefixOf(uint32_t id, std::vector<Token>* out) const {
    out->resize((blocks_[id].depth + 1) * b_);
    for (uint32_t c = id; c != kNone; c = blocks_[c].parent) {
      const Token* t = tokens_.data() + blocks_[c].tokens;
      std::copy(t, t + b_, out->begin() + blocks_[c].depth * b_);
    }
  }

  // The block of tokens t[0, b_) below `parent`, kNone if the workload has none.
  uint32_t Find(uint32_t parent, const Token* t) const {
    return Find(parent, t, HashBlock(parent, t, b_));
  }

 private:
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

  uint32_t Intern(uint32_t parent, const Token* t, uint64_t depth) {
    const uint64_t h = HashBlock(parent, t, b_);
    if (const uint32_t found = Find(parent, t, h); found != kNone) return found;
    const uint32_t id = static_cast<uint32_t>(blocks_.size());
    blocks_.push_back({parent, depth, tokens_.size()});
    tokens_.insert(tokens_.end(), t, t + b_);
    uses_.emplace_back();
    index_.emplace(h, id);
    return id;
  }

  const uint64_t b_;
  std::vector<Block> blocks_;
  std::vector<Token> tokens_;
  std::unordered_multimap<uint64_t, uint32_t> index_;
  std::vector<std::vector<uint64_t>> uses_;  // per block, ascending request numbers
  std::vector<uint32_t> ids_;                // per request, its block ids
  std::vector<size_t> request_begin_;
  std::vector<uint32_t> usable_, inserted_;
};

class BeladyIndex final : public Index {
 public:
  BeladyIndex(uint64_t block_size, Ledger* ledger, std::shared_ptr<const BeladyFuture> future)
      : b_(block_size), ledger_(ledger), future_(std::move(future)), f_(*future_) {
    cursor_.assign(f_.blocks(), 0);
    cached_.assign(f_.blocks(), false);
    writer_.assign(f_.blocks(), Writer{});
    pins_.assign(f_.blocks(), 0);
    key_.assign(f_.blocks(), BeladyKey{});
    version_.assign(f_.blocks(), 0);
  }

  bool clairvoyant() const override { return true; }

  uint64_t Match(const Request& r, Tick now) override {
    const uint32_t* ids = f_.ids(now);
    const size_t usable = f_.usable(now);
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
    const uint32_t* ids = f_.ids(now);
    const size_t full = std::min<size_t>(f_.inserted(now), seq.size() / b_);
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
    const uint32_t* ids = f_.ids(now);
    const size_t full = std::min<size_t>(f_.inserted(now), seq.size() / b_);
    uint64_t adds = 0;
    for (size_t k = 0; k < full; ++k) adds += cached_[ids[k]] ? 0 : b_;
    return adds;
  }

  uint64_t HeldPrefix(const Request&, TokenSpan seq, Tick now) const override {
    const uint32_t* ids = f_.ids(now);
    const size_t full = std::min<size_t>(f_.inserted(now), seq.size() / b_);
    size_t k = 0;
    while (k < full && cached_[ids[k]]) ++k;
    return k * b_;
  }

  void Pin(TokenSpan tokens, uint64_t len) override {
    for (const uint32_t id : Path(tokens, len)) {
      if (pins_[id]++ > 0) continue;  // its heap entries go stale while it is pinned
      pinned_tokens_ += b_;
    }
  }

  void Unpin(TokenSpan tokens, uint64_t len) override {
    for (const uint32_t id : Path(tokens, len)) {
      assert(pins_[id] > 0 && "Unpin without a Pin");
      if (--pins_[id] > 0) continue;
      Push(id);
      pinned_tokens_ -= b_;
    }
  }

  uint64_t pinned_tokens() const override { return pinned_tokens_; }

  bool EvictOne() override {
    BeladyOrder::Entry e;
    if (!order_.Pop([&](const BeladyOrder::Entry& x) { return Current(x); }, &e)) return false;
    const uint32_t id = e.slot;
    cached_[id] = false;
    const uint64_t k = f_.depth(id);
    ledger_->Evict(k * b_, (k + 1) * b_, writer_[id]);
    if (eviction_sink() != nullptr) {
      f_.PrefixOf(id, &evicted_);
      eviction_sink()->Evicted(evicted_, k * b_);
    }
    key_[id] = BeladyKey{};
    ++version_[id];
    return true;
  }

 private:
  // The cached full blocks of the first `len` tokens.
  std::vector<uint32_t> Path(TokenSpan tokens, uint64_t len) const {
    std::vector<uint32_t> path;
    uint32_t parent = kNone;
    for (size_t k = 0; k < std::min<uint64_t>(len, tokens.size()) / b_; ++k) {
      parent = f_.Find(parent, tokens.data() + k * b_);
      assert(parent != kNone && cached_[parent] && "Pin/Unpin: the index does not hold these tokens");
      path.push_back(parent);
    }
    return path;
  }

  // The block was used (or written) at `now`: its next use is its first use after now.
  void Refresh(uint32_t id, Tick now) {
    const auto& u = f_.uses(id);
    size_t& c = cursor_[id];
    while (c < u.size() && u[c] <= now) ++c;
    const BeladyKey key{c < u.size() ? u[c] : kBeladyNever, f_.depth(id), id};
    // Unchanged (Insert after Match at the same request): the heap has its entry already.
    if (key == key_[id]) return;
    key_[id] = key;
    ++version_[id];
    if (pins_[id] == 0) Push(id);
  }

  bool Current(const BeladyOrder::Entry& e) const {
    return cached_[e.slot] && pins_[e.slot] == 0 && version_[e.slot] == e.version;
  }

  void Push(uint32_t id) {
    order_.Push(key_[id], id, version_[id], 2 * f_.blocks() + 1024,
                [&](const BeladyOrder::Entry& e) { return Current(e); });
  }

  const uint64_t b_;
  Ledger* ledger_;
  const std::shared_ptr<const BeladyFuture> future_;
  const BeladyFuture& f_;
  std::vector<size_t> cursor_;
  std::vector<bool> cached_;
  std::vector<Writer> writer_;
  std::vector<uint32_t> pins_;
  uint64_t pinned_tokens_ = 0;
  std::vector<BeladyKey> key_;
  std::vector<uint32_t> version_;  // changed with the key and when the block goes (BeladyOrder)
  BeladyOrder order_;
  std::vector<Token> evicted_;  // scratch: the prefix told to the eviction sink
};

// The future made once per run and key (WorkloadMemo), or here when nothing is shared.
template <class Future>
std::shared_ptr<const Future> SharedFuture(const IndexContext& context, const std::string& key,
                                           const std::function<std::shared_ptr<const Future>()>& make) {
  if (context.memo == nullptr) return make();
  return std::static_pointer_cast<const Future>(
      context.memo->Get(key, [&]() -> std::shared_ptr<const void> { return make(); }));
}

}  // namespace

std::unique_ptr<Index> NewBeladyIndex(const Options& options, Ledger* ledger,
                                      const IndexContext& context) {
  if (context.workload == nullptr) throw Error("belady needs the workload (it sees the future)");
  const auto b = static_cast<uint64_t>(options.Int("block_size"));
  const Workload& w = *context.workload;
  const bool out = context.cache_output;
  const std::string key = std::to_string(b) + (out ? ":output" : ":prompt");
  if (context.in_order) {
    return NewSpilledBeladyIndex(ledger, SharedFuture<SpilledFuture>(context, "belady-spilled:" + key, [&] {
                                   return std::make_shared<const SpilledFuture>(b, w, out);
                                 }));
  }
  auto future = SharedFuture<BeladyFuture>(
      context, "belady:" + key, [&] { return std::make_shared<const BeladyFuture>(b, w, out); });
  return std::make_unique<BeladyIndex>(b, ledger, std::move(future));
}

}  // namespace kvsim
