// Routers: which replica of a fleet an arriving request goes to (docs/contract.md, "Replicas and
// routers"). Internal header.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "live_request.h"

namespace kvsim {

class Replica;

class Router {
 public:
  virtual ~Router() = default;
  // The replica for `r`, arriving at `now`, given the replicas' state then.
  virtual size_t Route(const LiveRequest& r, double now, const std::vector<Replica*>& replicas) = 0;
  // The request at `position` (replay order) that went to `replica` has left it: completed, or
  // rejected.
  virtual void Left(size_t /*replica*/, uint64_t /*position*/) {}
};

// A router over `replicas` replicas. `block_size` is the KV block size kv-aware counts blocks
// in. Throws Error on an unknown name.
std::unique_ptr<Router> MakeRouter(const std::string& name, size_t replicas, bool sessions,
                                   uint64_t block_size);

}  // namespace kvsim
