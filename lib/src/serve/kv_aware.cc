// kv-aware: NVIDIA Dynamo's KV router (v0.5.0, lib/llm/src/kv_router/scheduler.rs), with its
// defaults: overlap weight 1.0, temperature 0 (the lowest cost wins). For each replica:
//   cost = 1.0 x prefill blocks + decode blocks
//   prefill blocks = (prompt tokens - overlap blocks x block + prompt tokens the replica has
//                     still to prefill) / block
//   decode blocks  = distinct full prompt blocks of the requests in flight there, counting
//                    this request's
// The overlap is what the replica's cache really holds of the prompt (Dynamo learns it from the
// workers' KV events), in full blocks. The in-flight blocks are the router's own bookkeeping of
// what it sent, as in Dynamo. Ties go to the lowest id (Dynamo 0.5.0 draws among them at random).
#include <unordered_map>

#include "replica.h"
#include "routers.h"
#include "util/token_ops.h"

namespace kvsim {
namespace {

constexpr double kOverlapWeight = 1.0;

class KvAware final : public Router {
 public:
  KvAware(uint64_t block, size_t n) : block_(block), active_(n) {}

  size_t Route(const LiveRequest& r, double, const std::vector<Replica*>& replicas) override {
    std::vector<uint64_t> hashes = BlockHashes(r);
    size_t best = 0;
    double best_cost = 0;
    for (size_t i = 0; i < replicas.size(); ++i) {
      const double cost = Cost(r, hashes, i, *replicas[i]);
      if (i == 0 || cost < best_cost) best = i, best_cost = cost;
    }
    for (uint64_t h : hashes) ++active_[best][h];
    sent_[r.position] = {best, std::move(hashes)};
    return best;
  }

  void Left(size_t, uint64_t position) override {
    const auto it = sent_.find(position);
    if (it == sent_.end()) return;
    auto& active = active_[it->second.first];
    for (uint64_t h : it->second.second) {
      if (--active[h] == 0) active.erase(h);
    }
    sent_.erase(it);
  }

 private:
  // The chained hashes of the prompt's full blocks.
  std::vector<uint64_t> BlockHashes(const LiveRequest& r) const {
    std::vector<uint64_t> h;
    uint64_t chain = 0;
    for (size_t at = 0; at + block_ <= r.prompt_len; at += block_) {
      chain = HashTokens(chain, r.tokens.data() + at, block_);
      h.push_back(chain);
    }
    return h;
  }

  double Cost(const LiveRequest& r, const std::vector<uint64_t>& hashes, size_t i, const Replica& replica) const {
    const uint64_t overlap = replica.CachedPrefix(r) / block_ * block_;
    const double prefill = static_cast<double>(r.prompt_len - overlap + replica.outstanding_prompt_tokens()) /
                           static_cast<double>(block_);
    uint64_t fresh = 0;
    for (uint64_t h : hashes) fresh += !active_[i].count(h);
    const double decode = static_cast<double>(fresh + active_[i].size());
    return kOverlapWeight * prefill + decode;
  }

  uint64_t block_;
  std::vector<std::unordered_map<uint64_t, uint32_t>> active_;  // per replica: block -> requests
  std::unordered_map<uint64_t, std::pair<size_t, std::vector<uint64_t>>> sent_;  // in flight
};

}  // namespace

std::unique_ptr<Router> NewKvAwareRouter(uint64_t block_size, size_t replicas) {
  return std::make_unique<KvAware>(block_size, replicas);
}

}  // namespace kvsim
