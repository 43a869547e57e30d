// The curve histogram, thinning and the sampled curve's error (see curve_builder.h).
#include "curve/curve_builder.h"

#include <algorithm>
#include <cmath>

namespace kvsim {
namespace {

void Bump(std::vector<uint64_t>* v, uint64_t at) {
  if (v->size() <= at) v->resize(std::max<size_t>(at + 1, v->size() * 3 / 2), 0);
  ++(*v)[at];
}

uint64_t Scale(uint64_t count, uint64_t all, uint64_t sampled) {
  if (sampled == all) return count;
  return static_cast<uint64_t>(std::llround(double(count) * double(all) / double(sampled)));
}

double Rate(uint64_t part, uint64_t whole) { return whole ? double(part) / double(whole) : 0; }

}  // namespace

void CurveBuilder::Add(const BlockDistances& d) {
  for (size_t i = 0; i < d.prompt; ++i) {
    if (d.distances[i] == LruStack::kCold) break;  // deeper blocks are new too
    Bump(&hits_, d.distances[i]);
  }
  sampled_prompt_ += d.prompt;
  all_prompt_ += d.prompt_blocks;
  all_first_ += d.prompt_blocks > 0;
  if (!d.first_sampled) return;
  ++sampled_first_;
  if (d.distances[0] != LruStack::kCold) Bump(&firsts_, d.distances[0]);
}

std::vector<CurvePoint> CurveBuilder::Points(uint64_t block_size, uint64_t bytes_per_token,
                                             double rate, uint64_t prompt_tokens,
                                             uint64_t requests) const {
  std::vector<CurvePoint> points;
  uint64_t hits = 0, firsts = 0;
  for (size_t d = 1; d < std::max(hits_.size(), firsts_.size()); ++d) {
    const uint64_t h = d < hits_.size() ? hits_[d] : 0, f = d < firsts_.size() ? firsts_[d] : 0;
    if (h == 0 && f == 0) continue;
    hits += h;
    firsts += f;
    const auto blocks = rate >= 1 ? d : static_cast<uint64_t>(std::ceil(double(d) / rate));
    CurvePoint p;
    p.tokens = blocks * block_size;
    p.bytes = p.tokens * bytes_per_token;
    p.hit_tokens = Scale(hits, all_prompt_, sampled_prompt_) * block_size;
    p.hit_requests = Scale(firsts, all_first_, sampled_first_);
    p.token_hit_rate = Rate(p.hit_tokens, prompt_tokens);
    p.request_hit_rate = Rate(p.hit_requests, requests);
    if (!points.empty() && points.back().tokens == p.tokens) points.pop_back();
    points.push_back(p);
  }
  return points;
}

std::vector<CurvePoint> ThinPoints(const std::vector<CurvePoint>& points, size_t n,
                                   const std::vector<uint64_t>& keep_at) {
  if (n == 0 || points.size() <= n) return points;
  std::vector<bool> keep(points.size(), false);
  keep.back() = true;
  for (const uint64_t tokens : keep_at) {
    const auto it = std::upper_bound(points.begin(), points.end(), tokens,
                                     [](uint64_t t, const CurvePoint& p) { return t < p.tokens; });
    if (it != points.begin()) keep[std::prev(it) - points.begin()] = true;
  }
  const double lo = double(points.front().tokens), hi = double(points.back().tokens);
  size_t k = 0;
  for (size_t i = 0; i < n; ++i) {
    const double at = n == 1 ? hi : lo + (hi - lo) * double(i) / double(n - 1);
    while (k + 1 < points.size() && double(points[k + 1].tokens) <= at) ++k;
    keep[k] = true;
  }
  int percent = -1;  // the whole percent of token hit rate reached so far
  for (size_t i = 0; i < points.size(); ++i) {
    const int p = static_cast<int>(std::floor(points[i].token_hit_rate * 100 + 1e-9));
    if (p > percent) keep[i] = true;
    percent = std::max(percent, p);
  }
  std::vector<CurvePoint> out;
  for (size_t i = 0; i < points.size(); ++i) {
    if (keep[i]) out.push_back(points[i]);
  }
  return out;
}

CurvePoint CurveAt(const Curve& curve, uint64_t tokens) {
  const auto it = std::upper_bound(curve.points.begin(), curve.points.end(), tokens,
                                   [](uint64_t t, const CurvePoint& p) { return t < p.tokens; });
  return it == curve.points.begin() ? CurvePoint{tokens, 0, 0, 0, 0, 0} : *std::prev(it);
}

CurveError CompareCurves(const Curve& sampled, const Curve& exact) {
  CurveError e;
  if (exact.points.empty()) return e;
  constexpr int kSteps = 1000;
  const double top = double(exact.points.back().tokens);
  for (int i = 0; i < kSteps; ++i) {
    const auto at = static_cast<uint64_t>(top * double(i + 1) / kSteps);
    const double diff = std::fabs(CurveAt(sampled, at).token_hit_rate - CurveAt(exact, at).token_hit_rate);
    e.mean_abs += diff / kSteps;
    e.max_abs = std::max(e.max_abs, diff);
  }
  return e;
}

}  // namespace kvsim
