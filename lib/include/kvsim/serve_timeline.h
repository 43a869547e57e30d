// The pool and the queue of `kvsim serve` over time: what ServeOptions::on_event reports, kept
// per row at most once every 10 ms of simulated time. `--timeline` writes it as CSV; the report
// plots it (kvsim/plan_report.h, ReportOptions::timeline).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "kvsim/run_document.h"
#include "kvsim/serve.h"

namespace kvsim {

class ServeTimeline {
 public:
  static constexpr double kStep = 0.01;  // seconds of simulated time between kept samples

  // Records the pool of `row` (a point: Serve's row order) after an event. A row's samples come
  // in time order.
  void Add(size_t row, const PoolSample& sample);

  // The kept samples of `row`: its first, each one at least kStep after the previous kept one,
  // and its last. Empty for a row that had no event.
  const std::vector<PoolSample>& Samples(size_t row) const;

  size_t rows() const { return rows_.size(); }

 private:
  struct Row {
    std::vector<PoolSample> samples;
    bool last_pending = false;  // the last sample came within kStep of the one before it
    double kept_time = 0;       // time of the last sample kept for good
  };
  std::vector<Row> rows_;
};

// The CSV of `--timeline`: a header, then per row of `doc` (the run the timeline recorded) a line
// per kept sample: point, strategy, budget, time_s, pinned_tokens, cached_tokens, free_tokens
// (token budgets), held_bytes, free_bytes (byte budgets), queued, running.
std::string TimelineCsv(const ServeTimeline& timeline, const RunDocument& doc);

}  // namespace kvsim
