// The event loop of one row of `kvsim serve`: arrivals routed to a fleet of replicas, each
// stepping on its own clock, until every request completed (docs/contract.md, "Serving in
// time"). Internal header.
#pragma once

#include <functional>
#include <limits>
#include <memory>
#include <queue>
#include <utility>
#include <vector>

#include "arrivals.h"
#include "kvsim/serve.h"
#include "replica.h"
#include "router.h"

namespace kvsim {

class Simulation {
 public:
  // `on_done` counts completions (may be empty). REQUIRES: every pointer outlives Run.
  Simulation(const Workload& w, std::vector<Replica*> replicas, Router* router,
             const ServeOptions& serve, size_t slot, std::function<void()> on_done);
  ServeFigures Run();

 private:
  static constexpr double kIdle = std::numeric_limits<double>::infinity();
  bool Next(double* t);
  void Arrive();
  void EndSteps(std::vector<LiveRequest>* done);
  void StartSteps();
  void Finish(size_t replica, std::vector<LiveRequest>* done);
  void Observe();
  void Resample(size_t replica);
  bool AllIdle() const;
  ServeFigures Figures() const;

  struct Completions {
    std::vector<double> ttft, wait, tpot, e2e;
    std::vector<uint64_t> per_replica;
    uint64_t output_tokens = 0;
    double first_arrival = std::numeric_limits<double>::infinity(), last_completion = 0;
    void Add(const LiveRequest& r, double done, size_t replica);
  };

  std::unique_ptr<Arrivals> arrivals_;
  std::vector<Replica*> replicas_;
  Router* router_;
  const ServeOptions& serve_;
  size_t slot_;
  std::function<void()> on_done_;
  bool instant_;
  double t_ = 0;
  std::vector<double> step_end_;  // per replica: when its step ends (kIdle: not stepping)
  // The replicas in a step, by when it ends (then id): the next instant in O(log N).
  std::priority_queue<std::pair<double, size_t>, std::vector<std::pair<double, size_t>>,
                      std::greater<>> steps_;
  // The replicas a step ended on or a request came to in this instant: only they can start a
  // step, and only their pools changed.
  std::vector<size_t> touched_;
  // The fleet's pool: the sum of each replica's last sample, and the replicas not settled.
  std::vector<PoolSample> last_;
  PoolSample fleet_;
  std::vector<bool> unsettled_;
  size_t unsettled_count_ = 0;
  uint64_t peak_pinned_ = 0, peak_cached_ = 0;
  Completions completions_;
};

}  // namespace kvsim
