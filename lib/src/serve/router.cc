// The simple routers: round-robin, least-load and session (see router.h). cache-aware and
// kv-aware are in their own files.
#include "router.h"

#include "kvsim/error.h"
#include "replica.h"
#include "routers.h"

namespace kvsim {
namespace {

// Request i (in arrival order) to replica i mod N.
class RoundRobin final : public Router {
 public:
  explicit RoundRobin(size_t n) : n_(n) {}
  size_t Route(const LiveRequest&, double, const std::vector<Replica*>&) override { return next_++ % n_; }

 private:
  size_t n_;
  uint64_t next_ = 0;
};

// The fewest outstanding tokens (queued and running prompt and output tokens not yet
// processed); ties to the lowest id.
class LeastLoad final : public Router {
 public:
  size_t Route(const LiveRequest&, double, const std::vector<Replica*>& replicas) override {
    size_t best = 0;
    for (size_t i = 1; i < replicas.size(); ++i) {
      if (replicas[i]->outstanding_tokens() < replicas[best]->outstanding_tokens()) best = i;
    }
    return best;
  }
};

// Sticky sessions: a hash of the session id picks the replica. A workload without sessions
// goes round-robin.
class Session final : public Router {
 public:
  Session(size_t n, bool sessions) : n_(n), sessions_(sessions), fallback_(n) {}
  size_t Route(const LiveRequest& r, double now, const std::vector<Replica*>& replicas) override {
    if (!sessions_) return fallback_.Route(r, now, replicas);
    return SplitMix64(r.session) % n_;
  }

 private:
  size_t n_;
  bool sessions_;
  RoundRobin fallback_;
};

}  // namespace

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

const std::vector<std::string>& RouterNames() {
  static const std::vector<std::string> names = {"round-robin", "least-load", "session", "cache-aware",
                                                 "kv-aware"};
  return names;
}

std::unique_ptr<Router> MakeRouter(const std::string& name, size_t replicas, bool sessions,
                                   uint64_t block_size) {
  if (name == "round-robin") return std::make_unique<RoundRobin>(replicas);
  if (name == "least-load") return std::make_unique<LeastLoad>();
  if (name == "session") return std::make_unique<Session>(replicas, sessions);
  if (name == "cache-aware") return NewCacheAwareRouter(replicas);
  if (name == "kv-aware") return NewKvAwareRouter(block_size, replicas);
  throw Error("--router '" + name + "': expected round-robin, least-load, session, cache-aware or kv-aware");
}

}  // namespace kvsim
