// belady over a spilled future (belady_future.h): the policy of belady.cc with memory bounded by
// the cache. The index holds only its cached blocks, in a hash table by prefix key; the next use
// of each block a request touches is read from the future, request after request. So it needs
// every request matched once, in order (a replay; kvsim serve takes the in-memory future).
//
// A block's tokens are kept only while an eviction sink listens (the sink is told the evicted
// block's whole prefix, which the cached ancestors give: belady evicts leaves only). With them,
// every hit is checked token by token against its block; without them, the 128-bit prefix key
// is the block's identity.
#include <cassert>
#include <memory>
#include <vector>

#include "index/belady_future.h"
#include "index/belady_order.h"
#include "index/key_slots.h"
#include "indexes.h"
#include "kvsim/error.h"
#include "tier/chunk_store.h"
#include "util/token_ops.h"

namespace kvsim {
namespace {

constexpr uint32_t kNoSlot = KeySlots::kNone;
constexpr Tick kNever = UINT64_MAX;
constexpr size_t kAhead = 8;  // lookups in flight

class SpilledBeladyIndex final : public Index {
 public:
  SpilledBeladyIndex(Ledger* ledger, std::shared_ptr<const SpilledFuture> future)
      : b_(future->block_size()), ledger_(ledger), future_(std::move(future)), reader_(*future_) {}

  bool clairvoyant() const override { return true; }

  uint64_t Match(const Request& r, Tick now) override {
    Load(r, now);
    const size_t usable = r.prompt_len == 0 ? 0 : (r.prompt_len - 1) / b_;
    found_.resize(usable);
    // The lookups are independent: each starts the memory reads of one further ahead.
    for (size_t k = 0; k < std::min(usable, kAhead); ++k) slot_of_.Prefetch(keys_[k]);
    for (size_t k = 0; k < usable; ++k) {
      if (k + kAhead < usable) slot_of_.Prefetch(keys_[k + kAhead]);
      found_[k] = Find(k, r.tokens);
    }
    found_at_ = now;
    size_t hit = 0;
    while (hit < usable && found_[hit] != kNoSlot) ++hit;
    // Every block this request could use moves on to its next use, hit or not.
    for (size_t k = 0; k < usable; ++k) {
      if (k + kAhead < usable && found_[k + kAhead] != kNoSlot) __builtin_prefetch(&slots_[found_[k + kAhead]]);
      if (found_[k] != kNoSlot) Refresh(found_[k], k);
    }
    return hit * b_;
  }

  void Insert(const Request& r, TokenSpan seq, Tick now) override {
    Load(r, now);
    const size_t full = Inserted(r, seq);
    const Writer w = ledger_->NewWriter(seq.size());
    // Match's lookups at this request, where they still hold: a block it did not find is not
    // cached since (only Insert adds), a block it found is while its slot keeps the key.
    const size_t found = found_at_ == now ? found_.size() : 0;
    found_at_ = kNever;
    for (size_t k = 0; k < full; ++k) {
      if (k + kAhead < full) slot_of_.Prefetch(keys_[k + kAhead]);
      uint32_t s = k < found ? found_[k] : Find(k, r.tokens);
      if (s != kNoSlot && (!slots_[s].live || slots_[s].name != keys_[k])) s = Find(k, r.tokens);
      if (s == kNoSlot) {
        s = NewSlot(k, r.tokens);
        ledger_->Hold(k * b_, (k + 1) * b_, w);
      } else {
        ledger_->Rewrite(k * b_, (k + 1) * b_, slots_[s].writer, w);
      }
      slots_[s].writer = w;
      Refresh(s, k);
    }
  }

  uint64_t Adds(const Request& r, TokenSpan seq, Tick now) const override {
    Load(r, now);
    const size_t full = Inserted(r, seq);
    uint64_t adds = 0;
    for (size_t k = 0; k < full; ++k) adds += Find(k, r.tokens) == kNoSlot ? b_ : 0;
    return adds;
  }

  uint64_t HeldPrefix(const Request& r, TokenSpan seq, Tick now) const override {
    Load(r, now);
    const size_t full = Inserted(r, seq);
    size_t k = 0;
    while (k < full && Find(k, r.tokens) != kNoSlot) ++k;
    return k * b_;
  }

  void Pin(TokenSpan tokens, uint64_t len) override {
    for (const uint32_t s : Path(tokens, len)) {
      if (slots_[s].pins++ > 0) continue;  // its heap entries go stale while it is pinned
      pinned_tokens_ += b_;
    }
  }

  void Unpin(TokenSpan tokens, uint64_t len) override {
    for (const uint32_t s : Path(tokens, len)) {
      assert(slots_[s].pins > 0 && "Unpin without a Pin");
      if (--slots_[s].pins > 0) continue;
      Push(s);
      pinned_tokens_ -= b_;
    }
  }

  uint64_t pinned_tokens() const override { return pinned_tokens_; }

  bool EvictOne() override {
    BeladyOrder::Entry e;
    if (!order_.Pop([&](const BeladyOrder::Entry& x) { return Current(x); }, &e)) return false;
    const Slot& s = slots_[e.slot];
    const uint64_t k = s.key.depth;
    ledger_->Evict(k * b_, (k + 1) * b_, s.writer);
    if (eviction_sink() != nullptr) {
      PrefixOf(e.slot, &evicted_);
      eviction_sink()->Evicted(evicted_, k * b_);
    }
    Free(e.slot);
    return true;
  }

 private:
  struct Slot {
    ChunkKey name, parent;  // prefix keys of the block and of the block above it
    BeladyKey key;
    Writer writer{};
    uint32_t pins = 0;
    bool live = false, has_tokens = false;
  };

  // Request `now`'s future and block keys, read once for all calls at `now`.
  void Load(const Request& r, Tick now) const {
    if (now == loaded_) return;
    uses_ = &reader_.At(now);
    if (uses_->size() != future_->BlocksOf(r)) {
      throw Error("belady: request " + std::to_string(now) + " is not the workload's");
    }
    keys_.clear();
    for (const SpilledFuture::Use& u : *uses_) keys_.push_back({u.hi, u.lo});
    loaded_ = now;
  }

  // Full blocks Insert(r, seq) holds.
  size_t Inserted(const Request& r, TokenSpan seq) const {
    const size_t inserted = (future_->cache_output() ? r.tokens.size() : r.prompt_len) / b_;
    return std::min(inserted, seq.size() / b_);
  }

  // The slot of the loaded request's block k (its tokens in `tokens`), kNoSlot if not cached.
  uint32_t Find(size_t k, TokenSpan tokens) const {
    const uint32_t s = slot_of_.Find(keys_[k]);
    if (s == kNoSlot) return kNoSlot;
    if (!tokens_.empty() && slots_[s].has_tokens && CommonPrefix(&tokens_[s * b_], tokens.data() + k * b_, b_) != b_) {
      throw Error("belady: two prefixes share a 128-bit key");
    }
    return s;
  }

  uint32_t NewSlot(size_t k, TokenSpan tokens) {
    uint32_t s;
    if (!free_.empty()) {
      s = free_.back();
      free_.pop_back();
    } else {
      s = static_cast<uint32_t>(slots_.size());
      slots_.emplace_back();
    }
    Slot& slot = slots_[s];
    slot = Slot{};
    slot.name = keys_[k];
    if (k > 0) slot.parent = keys_[k - 1];
    slot.live = true;
    if (eviction_sink() != nullptr) {
      if (tokens_.size() < (s + 1) * b_) tokens_.resize((s + 1) * b_);
      std::copy(tokens.data() + k * b_, tokens.data() + (k + 1) * b_, tokens_.begin() + s * b_);
      slot.has_tokens = true;
    }
    slot_of_.Insert(slot.name, s);
    return s;
  }

  void Free(uint32_t s) {
    slot_of_.Erase(slots_[s].name);
    slots_[s].live = false;
    free_.push_back(s);
  }

  // The block was used (or written) at the loaded request: its next use is the future's.
  void Refresh(uint32_t s, size_t k) {
    const SpilledFuture::Use u = (*uses_)[k];
    const BeladyKey key{u.next == SpilledFuture::kNoUse ? kBeladyNever : u.next, k, u.id};
    // Unchanged (Insert after Match at the same request): the heap has its entry already.
    if (key == slots_[s].key) return;
    slots_[s].key = key;
    if (slots_[s].pins == 0) Push(s);
  }

  void Push(uint32_t s) {
    order_.Push({slots_[s].key, s}, 2 * slot_of_.size() + 1024,
                [&](const BeladyOrder::Entry& x) { return Current(x); });
  }

  bool Current(const BeladyOrder::Entry& e) const {
    const Slot& s = slots_[e.slot];
    return s.live && s.pins == 0 && s.key == e.key;
  }

  // The cached full blocks of the first `len` tokens.
  std::vector<uint32_t> Path(TokenSpan tokens, uint64_t len) const {
    std::vector<ChunkKey> keys;
    ExtendChunkKeys(tokens.first(std::min<uint64_t>(len, tokens.size()) / b_ * b_), b_, &keys);
    std::vector<uint32_t> path;
    for (const ChunkKey& key : keys) {
      const uint32_t s = slot_of_.Find(key);
      if (s == kNoSlot) throw Error("belady: Pin/Unpin of tokens the index does not hold");
      path.push_back(s);
    }
    return path;
  }

  // The whole prefix of the block in slot s, from its cached ancestors' tokens.
  void PrefixOf(uint32_t s, std::vector<Token>* out) const {
    out->resize((slots_[s].key.depth + 1) * b_);
    for (uint32_t c = s;;) {
      const Slot& slot = slots_[c];
      if (!slot.has_tokens) throw Error("belady: the eviction sink was set after blocks were held");
      std::copy_n(&tokens_[c * b_], b_, out->begin() + slot.key.depth * b_);
      if (slot.key.depth == 0) return;
      c = slot_of_.Find(slot.parent);
      if (c == kNoSlot) throw Error("belady: an evicted block's parent is not held");
    }
  }

  const uint64_t b_;
  Ledger* ledger_;
  const std::shared_ptr<const SpilledFuture> future_;
  mutable SpilledFuture::Reader reader_;
  mutable Tick loaded_ = UINT64_MAX;
  mutable const std::vector<SpilledFuture::Use>* uses_ = nullptr;
  mutable std::vector<ChunkKey> keys_;
  KeySlots slot_of_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
  std::vector<Token> tokens_;  // b_ per slot, while an eviction sink listens
  uint64_t pinned_tokens_ = 0;
  BeladyOrder order_;
  std::vector<Token> evicted_;  // scratch: the prefix told to the eviction sink
  std::vector<uint32_t> found_;  // Match's slots for the blocks of request found_at_
  Tick found_at_ = kNever;
};

}  // namespace

std::unique_ptr<Index> NewSpilledBeladyIndex(Ledger* ledger,
                                             std::shared_ptr<const SpilledFuture> future) {
  return std::make_unique<SpilledBeladyIndex>(ledger, std::move(future));
}

}  // namespace kvsim
