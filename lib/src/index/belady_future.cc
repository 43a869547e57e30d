// belady's spilled future (see belady_future.h).
#include "index/belady_future.h"

#include <algorithm>
#include <string>
#include <tuple>

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

// Sort 2: the same block with its next use and id, by request, then block.
struct UseRecord {
  uint64_t hi, lo;
  uint32_t t, k, next, id;
};
struct ByRequest {
  bool operator()(const UseRecord& a, const UseRecord& b) const {
    return std::tie(a.t, a.k) < std::tie(b.t, b.k);
  }
};

// Walks sort 1's records key by key: a record waits until the key's next use arrives.
class NextUses {
 public:
  explicit NextUses(ExternalSort<UseRecord, ByRequest>* out) : out_(out) {}

  void Add(const KeyRecord& r) {
    if (r.hi != hi_ || r.lo != lo_ || first_) {
      Flush();
      hi_ = r.hi, lo_ = r.lo, id_ = r.t, first_ = false;
    }
    if (r.k_use & 1) {
      for (const auto& [t, k] : waiting_) out_->Add({hi_, lo_, t, k, r.t, id_});
      waiting_.clear();
    }
    waiting_.emplace_back(r.t, r.k_use >> 1);
  }

  // The key's last records have no next use.
  void Flush() {
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

// Writes sort 2's records request by request: a count, then the blocks' (key, next, id).
class FutureWriter {
 public:
  explicit FutureWriter(TempFile* f) : f_(f) {}

  void Add(const UseRecord& r) {
    if (!uses_.empty() && r.t != t_) Flush();
    t_ = r.t;
    if (r.k != uses_.size()) throw Error("belady: the future's blocks are out of order");
    uses_.push_back({r.hi, r.lo, r.next, r.id});
  }

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
  }
  void WriteCount(uint32_t n) {
    f_->Write(&n, sizeof n);
    ++written_;
  }

  TempFile* f_;
  uint64_t written_ = 0;
  uint32_t t_ = 0;
  std::vector<SpilledFuture::Use> uses_;
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
    if (n >= (size_t{1} << 31)) throw Error("belady: a request of more than 2^31 blocks");
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
