// When requests reach a replica (docs/contract.md, "Serving in time"): open loop for traces, closed
// loop for chat sessions. Internal header.
#pragma once

#include <memory>
#include <optional>

#include "live_request.h"

namespace kvsim {

class Arrivals {
 public:
  virtual ~Arrivals() = default;
  // The earliest pending arrival; nullopt when none is pending (a closed-loop session may still
  // be waiting for a completion).
  virtual std::optional<double> NextTime() = 0;
  // REQUIRES: NextTime() has a value. Ties leave in replay order.
  virtual LiveRequest Pop() = 0;
  // A request completed at `time`: a closed-loop session's next request is due its delay later.
  virtual void Completed(const LiveRequest& request, double time) = 0;

  // Chat workloads are closed loop, every other format open loop. `speedup` divides trace times
  // and session starts (think times unchanged).
  static std::unique_ptr<Arrivals> Of(const Workload& workload, double speedup);
};

}  // namespace kvsim
