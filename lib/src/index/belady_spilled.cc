// belady over a spilled future (belady_future.h): the policy of belady.cc with memory bounded by
// the cache and by the blocks alive at once. The index holds its cached blocks in cells; the
// future names each block of a request by a slot number, and an array maps slots to cells, so a
// lookup is one array read rather than a hash-table probe. A slot is handed to another block only
// after its block's last record: a block still cached then (it has no next use) keeps its cell
// and its place in the eviction order, and leaves the array when the slot's new block first
// appears. The next use of each block a request touches is read from the future, request after
// request. So it needs every request matched once, in order (a replay; kvsim serve takes the
// in-memory future).
//
// A block past its last record becomes a grave once its request is over, when nothing needs
// more of it than its place in the order: no eviction sink listens and the codec keeps every
// token alike (the ledger then ignores writers). A grave gives its cell back and joins a run in
// the order (blocks of one id at consecutive depths, one entry for all); evicting it needs no
// cell. So the cells hold the blocks still to be used (within the slots) and the current
// request's, not the whole cache, which is mostly blocks never used again, and the order holds
// about one entry per request for them, not one per block.
//
// A block's tokens are kept only while an eviction sink listens (the sink is told the evicted
// block's whole prefix, which its cached ancestors give: belady evicts leaves only, so a cached
// block's parent is cached). With them, every hit is checked token by token against its block.
#include <algorithm>
#include <cassert>
#include <memory>
#include <vector>

#include "index/belady_future.h"
#include "index/belady_order.h"
#include "indexes.h"
#include "kvsim/error.h"
#include "util/token_ops.h"

namespace kvsim {
namespace {

constexpr uint32_t kNone = UINT32_MAX;
constexpr Tick kNotLoaded = UINT64_MAX;
constexpr size_t kAhead = 8;  // cells prefetched ahead of their use

class SpilledBeladyIndex final : public Index {
 public:
  SpilledBeladyIndex(Ledger* ledger, std::shared_ptr<const SpilledFuture> future)
      : b_(future->block_size()),
        ledger_(ledger),
        future_(std::move(future)),
        reader_(*future_),
        cell_of_(future_->slots(), kNone) {}

  bool clairvoyant() const override { return true; }

  uint64_t Match(const Request& r, Tick now) override {
    Load(r, now);
    Settle();
    const size_t usable = r.prompt_len == 0 ? 0 : (r.prompt_len - 1) / b_;
    found_.resize(usable);
    for (size_t k = 0; k < usable; ++k) found_[k] = Find(k, r.tokens);
    found_at_ = now;
    size_t hit = 0;
    while (hit < usable && found_[hit] != kNone) ++hit;
    // Every block this request could use moves on to its next use, hit or not.
    for (size_t k = 0; k < usable; ++k) {
      if (k + kAhead < usable && found_[k + kAhead] != kNone) __builtin_prefetch(&blocks_[found_[k + kAhead]]);
      if (found_[k] != kNone) Refresh(found_[k], k);
    }
    return hit * b_;
  }

  void Insert(const Request& r, TokenSpan seq, Tick now) override {
    Load(r, now);
    Settle();
    const size_t full = Inserted(r, seq);
    const Writer w = ledger_->NewWriter(seq.size());
    // Match's lookups at this request, where they still hold: a block it did not find is not
    // cached since (only Insert adds), a block it found is while its cell is live with its slot.
    const size_t found = found_at_ == now ? found_.size() : 0;
    found_at_ = kNotLoaded;
    uint32_t parent = kNone;
    for (size_t k = 0; k < full; ++k) {
      uint32_t c = k < found ? found_[k] : Find(k, r.tokens);
      if (c != kNone && (!state_[c].live || blocks_[c].slot != (*uses_)[k].slot())) c = Find(k, r.tokens);
      if (c == kNone) {
        c = NewCell(k, r.tokens, parent);
        ledger_->Hold(k * b_, (k + 1) * b_, w);
      } else {
        ledger_->Rewrite(k * b_, (k + 1) * b_, blocks_[c].writer, w);
      }
      blocks_[c].writer = w;
      Refresh(c, k);
      parent = c;
    }
  }

  uint64_t Adds(const Request& r, TokenSpan seq, Tick now) const override {
    Load(r, now);
    const size_t full = Inserted(r, seq);
    uint64_t adds = 0;
    for (size_t k = 0; k < full; ++k) adds += Find(k, r.tokens) == kNone ? b_ : 0;
    return adds;
  }

  uint64_t HeldPrefix(const Request& r, TokenSpan seq, Tick now) const override {
    Load(r, now);
    const size_t full = Inserted(r, seq);
    size_t k = 0;
    while (k < full && Find(k, r.tokens) != kNone) ++k;
    return k * b_;
  }

  // Pins the request being matched: its cells are found through its slots. Unpin finds them
  // again by the tokens pinned (a pinned block stays in its cell).
  void Pin(TokenSpan tokens, uint64_t len) override {
    const size_t n = std::min<uint64_t>(len, tokens.size()) / b_;
    const size_t common = CommonPrefix(tokens.data(), loaded_.data(), std::min(tokens.size(), loaded_.size()));
    if (uses_ == nullptr || n > uses_->size() || common < n * b_) {
      throw Error("belady over a spilled future pins only the request it is at");
    }
    PinnedPath path{{tokens.begin(), tokens.begin() + static_cast<long>(n * b_)}, {}};
    for (size_t k = 0; k < n; ++k) {
      path.cells.push_back(cell_of_[(*uses_)[k].slot()]);
      if (path.cells.back() == kNone) throw Error("belady: Pin of tokens the index does not hold");
    }
    for (const uint32_t c : path.cells) {
      if (state_[c].pins++ > 0) continue;  // its heap entries go stale while it is pinned
      pinned_tokens_ += b_;
    }
    pinned_.push_back(std::move(path));
  }

  void Unpin(TokenSpan tokens, uint64_t len) override {
    const size_t n = std::min<uint64_t>(len, tokens.size()) / b_ * b_;
    const auto it = std::find_if(pinned_.begin(), pinned_.end(), [&](const PinnedPath& p) {
      return p.tokens.size() == n && std::equal(p.tokens.begin(), p.tokens.end(), tokens.begin());
    });
    if (it == pinned_.end()) throw Error("belady: Unpin of tokens not pinned");
    for (const uint32_t c : it->cells) {
      assert(state_[c].pins > 0 && "Unpin without a Pin");
      if (--state_[c].pins > 0) continue;
      Push(c);
      pinned_tokens_ -= b_;
    }
    pinned_.erase(it);
  }

  uint64_t pinned_tokens() const override { return pinned_tokens_; }

  bool EvictOne() override {
    Settle();
    BeladyOrder::Entry e;
    if (!order_.Pop([&](const BeladyOrder::Entry& x) { return Current(x); }, &e)) return false;
    if (e.slot == BeladyOrder::kRun) {
      if (eviction_sink() != nullptr) throw Error("belady: the eviction sink was set after blocks were held");
      const uint64_t k = e.rank >> 32;  // a block never used again ranks by depth first
      ledger_->Evict(k * b_, (k + 1) * b_, Writer{});  // untiered: the writer does not count
      return true;
    }
    const uint32_t c = e.slot;
    const Block& blk = blocks_[c];
    const uint64_t k = blk.depth;
    ledger_->Evict(k * b_, (k + 1) * b_, blk.writer);
    if (eviction_sink() != nullptr) {
      PrefixOf(c, &evicted_);
      eviction_sink()->Evicted(evicted_, k * b_);
    }
    Free(c);
    return true;
  }

 private:
  // A cell's block: its key (next use, depth, id; kNone as next: never used again), the
  // future's slot, the cell of the block above it, and the sequence that wrote it.
  struct Block {
    uint32_t next = 0, depth = 0, id = kNone;
    uint32_t slot = 0, parent = kNone;
    bool has_tokens = false;
    Writer writer{};
  };
  // What the order's entries are checked against, apart from the blocks for fewer cache lines.
  struct CellState {
    uint32_t version = 0;  // changed with the key and when the block goes (BeladyOrder)
    uint32_t pins = 0;
    bool live = false;
  };
  struct PinnedPath {
    std::vector<Token> tokens;
    std::vector<uint32_t> cells;
  };

  // Request `now`'s future, read once for all calls at `now`. A block at its first record has
  // not been cached: its slot's cell, if any, is an earlier block's that has no record left.
  void Load(const Request& r, Tick now) const {
    loaded_ = r.tokens;
    if (now == loaded_at_) return;
    uses_ = &reader_.At(now);
    if (uses_->size() != future_->BlocksOf(r)) {
      throw Error("belady: request " + std::to_string(now) + " is not the workload's");
    }
    for (const SpilledFuture::Use& u : *uses_) {
      if (u.id == now) cell_of_[u.slot()] = kNone;
    }
    loaded_at_ = now;
  }

  // Full blocks Insert(r, seq) holds.
  size_t Inserted(const Request& r, TokenSpan seq) const {
    const size_t inserted = (future_->cache_output() ? r.tokens.size() : r.prompt_len) / b_;
    return std::min(inserted, seq.size() / b_);
  }

  // The cell of the loaded request's block k (its tokens in `tokens`), kNone if not cached.
  uint32_t Find(size_t k, TokenSpan tokens) const {
    const uint32_t c = cell_of_[(*uses_)[k].slot()];
    if (c == kNone) return kNone;
    if (blocks_[c].has_tokens && CommonPrefix(&tokens_[c * b_], tokens.data() + k * b_, b_) != b_) {
      throw Error("belady: two prefixes share a 128-bit key");
    }
    return c;
  }

  uint32_t NewCell(size_t k, TokenSpan tokens, uint32_t parent) {
    uint32_t c;
    if (!free_.empty()) {
      c = free_.back();
      free_.pop_back();
    } else {
      c = static_cast<uint32_t>(blocks_.size());
      if (c >= BeladyOrder::kRun) throw Error("belady: more than 2^31 blocks held at once");
      blocks_.emplace_back();
      state_.emplace_back();
    }
    Block& blk = blocks_[c];
    blk = Block{};
    blk.slot = (*uses_)[k].slot();
    blk.parent = parent;
    CellState& st = state_[c];
    st = CellState{st.version, 0, true};  // the cell's old entries stay stale
    if (eviction_sink() != nullptr) {
      if (tokens_.size() < (c + 1) * b_) tokens_.resize((c + 1) * b_);
      std::copy(tokens.data() + k * b_, tokens.data() + (k + 1) * b_, tokens_.begin() + c * b_);
      blk.has_tokens = true;
    }
    cell_of_[blk.slot] = c;
    ++held_;
    return c;
  }

  void Free(uint32_t c) {
    const Block& blk = blocks_[c];
    if (cell_of_[blk.slot] == c) cell_of_[blk.slot] = kNone;
    state_[c].live = false;
    ++state_[c].version;
    free_.push_back(c);
    --held_;
  }

  // The block was used (or written) at the loaded request: its next use is the future's.
  void Refresh(uint32_t c, size_t k) {
    const SpilledFuture::Use u = (*uses_)[k];
    Block& blk = blocks_[c];
    // Unchanged (Insert after Match at the same request, or a record after the last use): the
    // heap has its entry already.
    if (blk.next != u.next || blk.depth != k || blk.id != u.id) {
      if (k > UINT32_MAX) throw Error("belady: a block deeper than 2^32 blocks");
      blk.next = u.next;
      blk.depth = static_cast<uint32_t>(k);
      blk.id = u.id;
      ++state_[c].version;
      if (state_[c].pins == 0) Push(c);
    }
    if (u.last() && GraveToBe(c)) dying_.push_back({c, state_[c].version});
  }

  // Once the loaded request is a new one: the blocks past their last record at the one before,
  // unpinned, become graves (their cells go, runs of them join the order), and the pending
  // entries of the others join the order.
  void Settle() {
    if (settled_at_ == loaded_at_) return;
    settled_at_ = loaded_at_;
    Run run;
    for (const Dying& d : dying_) {
      const CellState& st = state_[d.cell];
      if (!st.live || st.version != d.version || st.pins > 0) continue;
      const Block& blk = blocks_[d.cell];
      if (run.size > 0 && (blk.id != run.id || blk.depth != run.low + run.size)) AddRun(&run);
      if (run.size == 0) run = Run{blk.id, blk.depth, 0};
      ++run.size;
      Free(d.cell);
    }
    AddRun(&run);
    dying_.clear();
    order_.FlushPending([&](const BeladyOrder::Entry& x) { return Current(x); });
  }

  struct Run {
    uint32_t id = 0, low = 0, size = 0;
  };
  void AddRun(Run* run) {
    if (run->size > 0) order_.PushRun(run->id, run->low, run->low + run->size - 1);
    run->size = 0;
  }

  // The block in cell c is never used again and will be a grave when its last record is past.
  bool GraveToBe(uint32_t c) const {
    return blocks_[c].next == SpilledFuture::kNoUse && eviction_sink() == nullptr &&
           !ledger_->cost().hot.tiered();
  }

  void Push(uint32_t c) {
    const BeladyKey key{blocks_[c].next == SpilledFuture::kNoUse ? kBeladyNever : blocks_[c].next,
                        blocks_[c].depth, blocks_[c].id};
    if (GraveToBe(c)) {
      order_.PushPending(key, c, state_[c].version);
      return;
    }
    order_.Push(key, c, state_[c].version, 2 * held_ + 1024,
                [&](const BeladyOrder::Entry& x) { return Current(x); });
  }

  bool Current(const BeladyOrder::Entry& e) const {
    const CellState& st = state_[e.slot];
    return st.live && st.pins == 0 && st.version == e.version;
  }

  // The whole prefix of the block in cell c, from its cached ancestors' tokens.
  void PrefixOf(uint32_t c, std::vector<Token>* out) const {
    out->resize((blocks_[c].depth + uint64_t{1}) * b_);
    for (;;) {
      const Block& blk = blocks_[c];
      if (!blk.has_tokens) throw Error("belady: the eviction sink was set after blocks were held");
      std::copy_n(&tokens_[c * b_], b_, out->begin() + blk.depth * b_);
      if (blk.depth == 0) return;
      c = blk.parent;
      if (c == kNone || !state_[c].live) throw Error("belady: an evicted block's parent is not held");
    }
  }

  const uint64_t b_;
  Ledger* ledger_;
  const std::shared_ptr<const SpilledFuture> future_;
  mutable SpilledFuture::Reader reader_;
  mutable Tick loaded_at_ = kNotLoaded;
  mutable TokenSpan loaded_;  // the tokens of the request last loaded
  mutable const std::vector<SpilledFuture::Use>* uses_ = nullptr;
  mutable std::vector<uint32_t> cell_of_;  // by the future's slot: the cell, or kNone
  std::vector<Block> blocks_;              // by cell
  std::vector<CellState> state_;           // by cell
  std::vector<uint32_t> free_;             // cells not live
  size_t held_ = 0;                        // cells live
  struct Dying {
    uint32_t cell, version;
  };
  std::vector<Dying> dying_;  // cells of blocks past their last record at the loaded request
  Tick settled_at_ = kNotLoaded;
  std::vector<Token> tokens_;  // b_ per cell, while an eviction sink listens
  uint64_t pinned_tokens_ = 0;
  std::vector<PinnedPath> pinned_;
  BeladyOrder order_;
  std::vector<Token> evicted_;  // scratch: the prefix told to the eviction sink
  std::vector<uint32_t> found_;  // Match's cells for the blocks of request found_at_
  Tick found_at_ = kNotLoaded;
};

}  // namespace

std::unique_ptr<Index> NewSpilledBeladyIndex(Ledger* ledger,
                                             std::shared_ptr<const SpilledFuture> future) {
  return std::make_unique<SpilledBeladyIndex>(ledger, std::move(future));
}

}  // namespace kvsim
