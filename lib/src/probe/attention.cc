// EvaluateCase and Summarize (see kvsim/attention.h). The exact side is computed in double
// precision from the original vectors; the estimated side goes through the codec's own Score
// and Accumulate (the SIMD kernels on the encoded bytes) and the softmax kernel.
#include <algorithm>
#include <cassert>
#include <cmath>
#include <numeric>

#include "kvsim/attention.h"
#include "kvsim/kernels.h"

namespace kvsim {
namespace {

// Encoded groups of one tier: [groups][stride]. REQUIRES: the tier's tokens fill whole groups.
struct Encoded {
  const GroupCodec* codec = nullptr;
  size_t stride = 0, groups = 0;
  std::vector<uint8_t> bytes;

  void Fill(const GroupCodec& c, const float* x, size_t from, size_t to, size_t d) {
    codec = &c;
    stride = c.max_group_bytes();
    assert((to - from) % c.tokens_per_group() == 0);
    groups = (to - from) / c.tokens_per_group();
    bytes.resize(groups * stride);
    c.EncodeGroups(x + from * d, groups, bytes.data(), stride);
  }
  void Score(const float* q, float* out) const {
    if (groups) codec->ScoreGroups(q, bytes.data(), stride, groups, out);
  }
  void Accumulate(const float* w, float* acc) const {
    if (groups) codec->AccumulateGroups(w, bytes.data(), stride, groups, acc);
  }
};

// Positions of the k largest of w[0..n) (ties: the smaller position first), ascending. One pass
// with a small sorted buffer: O(n) for the k = 8 used here.
std::vector<size_t> Top(const float* w, size_t n, size_t k) {
  k = std::min(k, n);
  std::vector<std::pair<float, size_t>> best;  // descending by value, then ascending position
  best.reserve(k + 1);
  for (size_t i = 0; i < n; ++i) {
    if (best.size() == k && !(w[i] > best.back().first)) continue;
    auto at = std::upper_bound(best.begin(), best.end(), w[i],
                               [](float v, const std::pair<float, size_t>& b) { return v > b.first; });
    best.insert(at, {w[i], i});
    if (best.size() > k) best.pop_back();
  }
  std::vector<size_t> idx;
  for (const auto& b : best) idx.push_back(b.second);
  std::sort(idx.begin(), idx.end());
  return idx;
}

}  // namespace

ExactAttention ComputeExact(const AttentionCase& c) {
  // The fp32 pipeline the estimate follows too (fp32 dot products, the softmax kernel, fp32
  // weighted sums in token order), so a lossless codec reproduces it bit for bit.
  const size_t n = c.n, d = c.d;
  ExactAttention e;
  e.logits.resize(c.m * n);
  e.weights.resize(c.m * n);
  e.outputs.assign(c.m * d, 0.0);
  const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(d)));
  const Kernels& k = ActiveKernels();
  std::vector<float> w(n), o(d);
  for (size_t qi = 0; qi < c.m; ++qi) {
    const float* q = c.queries.data() + qi * d;
    for (size_t i = 0; i < n; ++i) {
      w[i] = k.dot_f32(q, c.keys.data() + i * d, d) * scale;
      e.logits[qi * n + i] = w[i];
    }
    k.softmax(w.data(), n);
    std::fill(o.begin(), o.end(), 0.f);
    for (size_t i = 0; i < n; ++i) {
      e.weights[qi * n + i] = w[i];
      k.axpy_f32(w[i], c.values.data() + i * d, o.data(), d);
    }
    for (size_t j = 0; j < d; ++j) e.outputs[qi * d + j] = o[j];
    e.entropy.push_back(std::max(0.0, -k.kl_div(w.data(), nullptr, n)));
    e.top8.push_back(Top(w.data(), n, 8));
  }
  return e;
}

void EvaluateCase(const AttentionCase& c, const ExactAttention& e, const KvCodec& codec,
                  std::vector<AttentionSample>* out) {
  const size_t n = c.n, d = c.d;
  if (n == 0 || c.m == 0) return;
  const size_t hot = std::min(c.hot_from, n);
  // Cold tier: positions [0, hot); hot tier: [hot, n). Untiered codecs are the same either way.
  Encoded kc, vc, kh, vh;
  kc.Fill(codec.keys(Tier::kCold), c.keys.data(), 0, hot, d);
  vc.Fill(codec.values(Tier::kCold), c.values.data(), 0, hot, d);
  kh.Fill(codec.keys(Tier::kHot), c.keys.data(), hot, n, d);
  vh.Fill(codec.values(Tier::kHot), c.values.data(), hot, n, d);
  const double scale = 1.0 / std::sqrt(static_cast<double>(d));
  const Kernels& k = ActiveKernels();
  std::vector<float> est(n), acc(d);
  for (size_t qi = 0; qi < c.m; ++qi) {
    const float* q = c.queries.data() + qi * d;
    const double* exact = e.logits.data() + qi * n;
    const float* p = e.weights.data() + qi * n;
    const double* o = e.outputs.data() + qi * d;
    // From the stored bytes, through the kernels.
    kc.Score(q, est.data());
    kh.Score(q, est.data() + hot);
    const float fscale = static_cast<float>(scale);
    for (size_t i = 0; i < n; ++i) est[i] *= fscale;  // as ComputeExact scales its logits
    AttentionSample s;
    double se = 0;
    for (size_t i = 0; i < n; ++i) se += (est[i] - exact[i]) * (est[i] - exact[i]);
    s.score_rmse = std::sqrt(se / static_cast<double>(n));
    k.softmax(est.data(), n);  // est now holds the estimated weights
    std::fill(acc.begin(), acc.end(), 0.f);
    vc.Accumulate(est.data(), acc.data());
    vh.Accumulate(est.data() + hot, acc.data());
    double diff = 0, on = 0, an = 0, dot = 0;
    for (size_t j = 0; j < d; ++j) {
      diff += (acc[j] - o[j]) * (acc[j] - o[j]);
      on += o[j] * o[j];
      an += double(acc[j]) * acc[j];
      dot += o[j] * acc[j];
    }
    s.output_rel_l2 = on > 0 ? std::sqrt(diff / on) : std::sqrt(diff);
    s.output_cosine = diff == 0 ? 1.0 : (on > 0 && an > 0 ? dot / std::sqrt(on * an) : 0.0);
    s.weights_kl = std::max(0.0, k.kl_div(p, est.data(), n));
    s.entropy = e.entropy[qi];
    const auto& a = e.top8[qi];
    const auto b = Top(est.data(), n, 8);
    std::vector<size_t> both;
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(both));
    s.top8_recall = static_cast<double>(both.size()) / static_cast<double>(a.size());
    out->push_back(s);
  }
}

AttentionSummary Summarize(const std::vector<AttentionSample>& samples, std::string source,
                           uint64_t cases, uint64_t tokens) {
  AttentionSummary s;
  s.source = std::move(source);
  s.cases = cases;
  s.tokens_probed = tokens;
  s.queries = samples.size();
  if (samples.empty()) return s;
  std::vector<double> rel;
  s.cosine_min = 1;
  for (const auto& x : samples) {
    rel.push_back(x.output_rel_l2);
    s.rel_l2_mean += x.output_rel_l2;
    s.cosine_mean += x.output_cosine;
    s.cosine_min = std::min(s.cosine_min, x.output_cosine);
    s.score_rmse_mean += x.score_rmse;
    s.kl_mean += x.weights_kl;
    s.top8_mean += x.top8_recall;
    s.entropy_mean += x.entropy;
  }
  const double n = static_cast<double>(samples.size());
  s.rel_l2_mean /= n;
  s.cosine_mean /= n;
  s.score_rmse_mean /= n;
  s.kl_mean /= n;
  s.top8_mean /= n;
  s.entropy_mean /= n;
  std::sort(rel.begin(), rel.end());
  const size_t k = static_cast<size_t>(std::ceil(0.99 * n));
  s.rel_l2_p99 = rel[std::clamp<size_t>(k, 1, rel.size()) - 1];
  return s;
}

nlohmann::ordered_json AttentionSummary::ToJson() const {
  return {{"source", source},
          {"cases", cases},
          {"queries", queries},
          {"tokens_probed", tokens_probed},
          {"output_rel_l2", {{"mean", rel_l2_mean}, {"p99", rel_l2_p99}}},
          {"output_cosine", {{"mean", cosine_mean}, {"min", cosine_min}}},
          {"score_rmse", score_rmse_mean},
          {"weights_kl", {{"mean", kl_mean}}},
          {"top8_recall", top8_mean},
          {"attention_entropy", entropy_mean}};
}

}  // namespace kvsim
