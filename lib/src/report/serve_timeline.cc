// The timeline of `kvsim serve` and its CSV (see kvsim/serve_timeline.h).
#include "kvsim/serve_timeline.h"

#include <cstdio>

namespace kvsim {

void ServeTimeline::Add(size_t row, const PoolSample& sample) {
  if (rows_.size() <= row) rows_.resize(row + 1);
  Row& r = rows_[row];
  // A pending last sample is replaced by the next one, whether that one is kept or pending.
  if (r.last_pending) r.samples.pop_back();
  r.last_pending = !r.samples.empty() && sample.time < r.kept_time + kStep;
  if (!r.last_pending) r.kept_time = sample.time;
  r.samples.push_back(sample);
}

const std::vector<PoolSample>& ServeTimeline::Samples(size_t row) const {
  static const std::vector<PoolSample> kNone;
  return row < rows_.size() ? rows_[row].samples : kNone;
}

namespace {

// What is left of `pool` after `used`; empty when the budget is not in this unit.
std::string Free(uint64_t pool, uint64_t used) {
  return pool == 0 ? std::string() : std::to_string(pool > used ? pool - used : 0);
}

std::string Line(const PoolSample& p) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%.6f,%llu,%llu,%s,%llu,%s,%llu,%llu\n", p.time,
                static_cast<unsigned long long>(p.pinned_tokens),
                static_cast<unsigned long long>(p.cached_tokens),
                Free(p.pool_tokens, p.pinned_tokens + p.cached_tokens).c_str(),
                static_cast<unsigned long long>(p.held_bytes), Free(p.pool_bytes, p.held_bytes).c_str(),
                static_cast<unsigned long long>(p.queued), static_cast<unsigned long long>(p.running));
  return buf;
}

}  // namespace

std::string TimelineCsv(const ServeTimeline& timeline, const RunDocument& doc) {
  std::string out =
      "point,strategy,budget,time_s,pinned_tokens,cached_tokens,free_tokens,held_bytes,free_bytes,"
      "queued,running\n";
  for (size_t i = 0; i < timeline.rows() && i < doc.rows.size(); ++i) {
    const std::string head = std::to_string(i) + ",\"" + doc.rows[i].strategy + "\",\"" +
                             doc.rows[i].budget_spec + "\",";
    for (const PoolSample& p : timeline.Samples(i)) out += head + Line(p);
  }
  return out;
}

}  // namespace kvsim
