// Timeline chart points (see timeline_points.h).
#include "timeline_points.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace kvsim {

PoolPoint PointOf(const PoolSample& s) {
  PoolPoint p;
  p.time = s.time;
  p.queued = static_cast<double>(s.queued);
  p.running = static_cast<double>(s.running);
  const double pinned = static_cast<double>(s.pinned_tokens), cached = static_cast<double>(s.cached_tokens);
  if (s.pool_bytes > 0 && s.pool_tokens == 0) {
    const double held = static_cast<double>(s.held_bytes), used = pinned + cached;
    p.pinned = used > 0 ? held * pinned / used : 0;
    p.cached = held - p.pinned;
    p.free = std::max(0.0, static_cast<double>(s.pool_bytes) - held);
    return p;
  }
  p.pinned = pinned;
  p.cached = cached;
  p.free = s.pool_tokens > 0 ? std::max(0.0, static_cast<double>(s.pool_tokens) - pinned - cached) : 0;
  return p;
}

bool InBytes(const std::vector<PoolSample>& samples) {
  return !samples.empty() && samples.front().pool_bytes > 0 && samples.front().pool_tokens == 0;
}

namespace {

// One stretch of time: weighted sums of the pool, the most requests, and the covered time.
struct Stretch {
  double weight = 0, pinned = 0, cached = 0, free = 0;
  double queued = 0, running = 0;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  PoolPoint last;  // the pool when the stretch has no duration (a lone last sample)
  bool seen = false;

  // `p` holds over [a, b).
  void Hold(const PoolPoint& p, double a, double b) {
    const double d = b - a;
    weight += d;
    pinned += p.pinned * d;
    cached += p.cached * d;
    free += p.free * d;
    queued = std::max(queued, p.queued);
    running = std::max(running, p.running);
    lo = std::min(lo, a);
    hi = std::max(hi, b);
    last = p;
    seen = true;
  }
  PoolPoint Mean() const {
    PoolPoint m = last;
    if (weight > 0) {
      m.pinned = pinned / weight;
      m.cached = cached / weight;
      m.free = free / weight;
    }
    m.queued = queued;
    m.running = running;
    m.time = (lo + hi) / 2;
    return m;
  }
};

}  // namespace

std::vector<PoolPoint> ThinTimeline(const std::vector<PoolSample>& samples, double span,
                                    size_t points) {
  std::vector<Stretch> at(points);
  const double width = span > 0 ? span / static_cast<double>(points) : 1;
  const auto index = [&](double t) {
    return std::min(points - 1, static_cast<size_t>(std::max(0.0, std::floor(t / width))));
  };
  for (size_t i = 0; i < samples.size(); ++i) {
    const PoolPoint p = PointOf(samples[i]);
    double a = samples[i].time;
    const double b = i + 1 < samples.size() ? samples[i + 1].time : a;
    size_t k = index(a);
    at[k].Hold(p, a, a);
    for (; a < b && k < points; ++k) {
      const double end = k + 1 == points ? b : std::min(b, static_cast<double>(k + 1) * width);
      if (end > a) at[k].Hold(p, a, end);
      a = std::max(a, end);
    }
  }
  std::vector<PoolPoint> out;
  for (const Stretch& s : at) {
    if (s.seen) out.push_back(s.Mean());
  }
  return out;
}

}  // namespace kvsim
