// belady's spilled future (see belady_future.h).
#include "index/belady_future.h"

#include <algorithm>
#include <string>
#include <tuple>

#include "index/key_slots.h"
#include "kvsim/error.h"
#include "tier/chunk_store.h"
#include "util/external_sort.h"

namespace kvsim {
namespace {

// Sort 1: one block of one request, by key, then request.
struct KeyRecord {
  uint64_t hi, lo;
  uint32_t t;
  uint32_t k_use;  // k << 1 | (whether request t's prompt can hit the block)
};
struct ByKey {
  bool operator()(const KeyRecord& a, const KeyRecord& b) const {
    return std::tie(a.hi, a.lo, a.t) < std::tie(b.hi, b.lo, b.t);
  }
};

// Sort 2: the same block with its next use and id, by request, then block. k's top bits say
// whether the record is its key's first and last.
constexpr uint32_t kFirst = 1u << 31, kLast = 1u << 30, kPosition = kLast - 1;
struct UseRecord {
  uint64_t hi, lo;
  uint32_t t, k, next, id;
};
struct ByRequest {
  bool operator()(const UseRecord& a, const UseRecord& b) const {
    return a.t != b.t ? a.t < b.t : (a.k & kPosition) < (b.k & kPosition);
  }
};

// Walks sort 1's records key by key: a record waits until the key's next use arrives.
class NextUses {
 public:
  explicit NextUses(ExternalSort<UseRecord, ByRequest>* out) : out_(out) {}

  void Add(const KeyRecord& r) {
    const bool first = r.hi != hi_ || r.lo != lo_ || first_;
    if (first) {
      Flush();
      hi_ = r.hi, lo_ = r.lo, id_ = r.t, first_ = false;
    }
    if (r.k_use & 1) {
      for (const auto& [t, k] : waiting_) out_->Add({hi_, lo_, t, k, r.t, id_});
      waiting_.clear();
    }
    waiting_.emplace_back(r.t, r.k_use >> 1 | (first ? kFirst : 0));
  }

  // The key's last records have no next use; the very last is marked.
  void Flush() {
    if (!waiting_.empty()) waiting_.back().second |= kLast;
    for (const auto& [t, k] : waiting_) out_->Add({hi_, lo_, t, k, SpilledFuture::kNoUse, id_});
    waiting_.clear();
  }

 private:
  ExternalSort<UseRecord, ByRequest>* out_;
  bool first_ = true;
  uint64_t hi_ = 0, lo_ = 0;
  uint32_t id_ = 0;
  std::vector<std::pair<uint32_t, uint32_t>> waiting_;  // (t, k) since the key's last use
};

// Writes sort 2's records request by request: a count, then the blocks' (next, id, slot). A
// key's slot is taken at its first record and given back after the request of its last, so
// that slots stay within the blocks alive at once (first record <= t <= last record).
class FutureWriter {
 public:
  explicit FutureWriter(TempFile* f) : f_(f) {}

  void Add(const UseRecord& r) {
    if (!uses_.empty() && r.t != t_) Flush();
    t_ = r.t;
    if ((r.k & kPosition) != uses_.size()) throw Error("belady: the future's blocks are out of order");
    uses_.push_back({r.next, r.id, SlotOf(r) | ((r.k & kLast) ? SpilledFuture::Use::kLastRecord : 0)});
  }

  uint32_t slots() const { return slots_; }

  void Finish(uint64_t requests) {
    if (!uses_.empty()) Flush();
    while (written_ < requests) WriteCount(0);
  }

 private:
  void Flush() {
    while (written_ < t_) WriteCount(0);  // requests without a full block
    WriteCount(static_cast<uint32_t>(uses_.size()));
    f_->Write(uses_.data(), uses_.size() * sizeof(SpilledFuture::Use));
    uses_.clear();
    free_.insert(free_.end(), done_.rbegin(), done_.rend());
    done_.clear();
  }

  uint32_t SlotOf(const UseRecord& r) {
    uint32_t s;
    if (r.k & kFirst) {
      if (free_.empty()) {
        if (slots_ == SpilledFuture::Use::kLastRecord) throw Error("belady: more than 2^31 blocks alive at once");
        s = slots_++;
      } else {
        s = free_.back();
        free_.pop_back();
      }
      if (!(r.k & kLast)) alive_.Insert({r.hi, r.lo}, s);
    } else {
      s = alive_.Find({r.hi, r.lo});
      if (s == KeySlots::kNone) throw Error("belady: a block's records are out of order");
      if (r.k & kLast) alive_.Erase({r.hi, r.lo});
    }
    if (r.k & kLast) done_.push_back(s);
    return s;
  }
  void WriteCount(uint32_t n) {
    f_->Write(&n, sizeof n);
    ++written_;
  }

  TempFile* f_;
  uint64_t written_ = 0;
  uint32_t t_ = 0;
  std::vector<SpilledFuture::Use> uses_;
  KeySlots alive_;                       // key -> slot, of keys between their first and last record
  std::vector<uint32_t> free_, done_;    // slots free; slots freed by the request being written
  uint32_t slots_ = 0;
};

}  // namespace

size_t SpilledFuture::BlocksOf(const Request& r) const {
  const size_t usable = r.prompt_len == 0 ? 0 : (r.prompt_len - 1) / b_;
  const size_t full = (cache_output_ ? r.tokens.size() : r.prompt_len) / b_;
  return std::max(full, usable);
}

SpilledFuture::SpilledFuture(uint64_t block_size, const Workload& workload, bool cache_output,
                             const SpillOptions& spill)
    : b_(block_size), cache_output_(cache_output) {
  const std::filesystem::path dir = spill.dir.empty() ? SpillDirectory() : spill.dir;
  ExternalSort<KeyRecord, ByKey> by_key(spill.run_records, dir);
  auto stream = workload.Open();
  std::vector<ChunkKey> keys;
  while (const Request* r = stream->Next()) {
    if (requests_ >= kNoUse - 1) throw Error("belady: more than 2^32 - 2 requests");
    const size_t n = BlocksOf(*r);
    const size_t usable = r->prompt_len == 0 ? 0 : (r->prompt_len - 1) / b_;
    if (n >= kPosition) throw Error("belady: a request of more than 2^30 - 1 blocks");
    keys.clear();
    ExtendChunkKeys(r->tokens.first(n * b_), b_, &keys);
    for (size_t k = 0; k < n; ++k) {
      const auto ku = static_cast<uint32_t>(k << 1 | (k < usable ? 1 : 0));
      by_key.Add({keys[k].hi, keys[k].lo, static_cast<uint32_t>(requests_), ku});
    }
    records_ += n;
    ++requests_;
  }
  ExternalSort<UseRecord, ByRequest> by_request(spill.run_records, dir);
  NextUses next(&by_request);
  by_key.Drain([&](const KeyRecord& r) { next.Add(r); });
  next.Flush();
  file_ = std::make_unique<TempFile>(dir);
  FutureWriter writer(file_.get());
  by_request.Drain([&](const UseRecord& r) { writer.Add(r); });
  writer.Finish(requests_);
  slots_ = writer.slots();
  file_->Rewind();
  runs_spilled_ = by_key.runs_spilled() + by_request.runs_spilled();
}

SpilledFuture::Reader::Reader(const SpilledFuture& future) : buffer_(1 << 20) {
  file_ = std::fopen(future.path().c_str(), "rb");
  if (file_ == nullptr) throw Error("belady: cannot read its future " + future.path().string());
  std::setvbuf(file_, buffer_.data(), _IOFBF, buffer_.size());
}

SpilledFuture::Reader::~Reader() { std::fclose(file_); }

const std::vector<SpilledFuture::Use>& SpilledFuture::Reader::At(uint64_t now) {
  if (now + 1 == next_) return uses_;
  if (now < next_) throw Error("belady: its future is read in request order only");
  while (next_ <= now) {
    uint32_t n = 0;
    if (std::fread(&n, sizeof n, 1, file_) != 1) throw Error("belady: a request beyond the workload");
    uses_.resize(n);
    if (std::fread(uses_.data(), sizeof(Use), n, file_) != n) throw Error("belady: its future is cut short");
    ++next_;
  }
  return uses_;
}

}  // namespace kvsim
