// A replica's loads from the memory tiers below its pool (see replica.h): which found prefix is
// worth loading, when each load ends, and how long a step waits for them.
#include <algorithm>
#include <limits>

#include "replica.h"

namespace kvsim {
namespace {

double LoadSeconds(const TierFigures& t, uint64_t tokens) {
  return static_cast<double>(tokens) * static_cast<double>(t.bytes_per_token) / (t.bandwidth_gbps * 1e9);
}

}  // namespace

TierFind Replica::WorthLoading(const Request& v, uint64_t gpu_hit) {
  TierFind runs = tiers_->Find(v.prompt(), v.prompt_len, gpu_hit);
  skipped_.clear();
  if (model_.instant_prefill()) return runs;  // a machine that prefills in no time loads so too
  for (size_t i = 0; i < runs.size(); ++i) {
    const uint64_t n = runs[i].end - runs[i].begin;
    if (LoadSeconds(tiers_->tier(runs[i].tier), n) >= model_.PrefillComputeSeconds(runs[i].begin, n)) {
      skipped_.assign(runs.begin() + static_cast<long>(i), runs.end());  // recomputed from here on
      runs.resize(i);
      break;
    }
  }
  return runs;
}

void Replica::StartLoads(LiveRequest& r, const TierFind& runs, double now) {
  r.load_end = now;
  if (!r.counted) {
    for (const TierRun& run : skipped_) tiers_->tier(run.tier).recomputed_tokens += run.end - run.begin;
  }
  if (runs.empty() || model_.instant_prefill()) {
    if (!runs.empty()) tiers_->Load(runs, !r.counted);
    return;
  }
  tiers_->Load(runs, !r.counted);
  for (const TierRun& run : runs) {
    TierFigures& t = tiers_->tier(run.tier);
    const double seconds = LoadSeconds(t, run.end - run.begin);
    double& free = link_free_[run.tier];
    free = std::max(free, now) + seconds;
    t.load_seconds += seconds;
    r.load_end = std::max(r.load_end, free);
  }
}

// With layer-by-layer overlap a step computes layer l once layer l of every load it needs has
// arrived: it ends no earlier than the last of those loads plus one layer of its own compute.
double Replica::StepEnd(double now, double seconds) const {
  double end = now + seconds;
  if (!serve_.tier_overlap) return end;
  const double layer = seconds / std::max<uint32_t>(1, model_.layers());
  for (const auto& [i, c] : chunks_) {
    if (running_[i].load_end > now) end = std::max(end, running_[i].load_end + layer);
  }
  return end;
}

}  // namespace kvsim
