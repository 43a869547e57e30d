// Synthetic KV with the statistics that make KV compression hard, each from an observation in
// the literature:
// - Keys have a few outlier channels of much larger magnitude (KIVI, Liu et al. 2024; KVQuant,
//   Hooper et al. 2024: per-channel outliers in keys, not in values): 4 channels per head at
//   10-20x the typical scale.
// - Per-channel scales (lognormal) and offsets (KVQuant's pre-RoPE channel statistics).
// - Rotary position embedding (Su et al., RoFormer; base 10000) on keys and queries, so keys
//   at different positions mix their channel pairs.
// - Values close to isotropic (KIVI: value outliers are rare; values quantize well per token).
// - Queries attend sharply to a few tokens (1-3 targets) and broadly to the rest: the query is
//   the normalized sum of the target keys scaled so the targets stand about ln(n) + 1 logits
//   above the mean, plus a random component.
// A token's vectors are drawn from a generator seeded by the hash of its whole prefix, so
// requests sharing a prefix share those vectors, as in a real model.
#include <cmath>

#include "kvsim/attention.h"
#include "kvsim/kv_source.h"
#include "kvsim/rng.h"

namespace kvsim {
namespace {

uint64_t Mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  h *= 0xff51afd7ed558ccdull;
  return h ^ (h >> 33);
}

void Rope(float* x, size_t d, size_t pos) {
  for (size_t i = 0; i + 1 < d; i += 2) {
    const double theta = static_cast<double>(pos) * std::pow(10000.0, -static_cast<double>(i) / d);
    const double c = std::cos(theta), s = std::sin(theta);
    const double a = x[i], b = x[i + 1];
    x[i] = static_cast<float>(a * c - b * s);
    x[i + 1] = static_cast<float>(a * s + b * c);
  }
}

class SyntheticKv final : public KvSource {
 public:
  SyntheticKv(uint32_t d, uint32_t kv_heads, uint64_t seed) : d_(d), kv_heads_(kv_heads), seed_(seed) {}

  std::string name() const override { return "synthetic"; }
  uint32_t head_dim() const override { return d_; }
  uint32_t kv_heads() const override { return kv_heads_; }
  size_t max_tokens() const override { return size_t{1} << 30; }

  AttentionCase Case(TokenSpan tokens, uint32_t layer, uint32_t kv_head, size_t queries,
                     uint64_t seed) const override {
    const size_t n = tokens.size(), d = d_;
    AttentionCase c;
    c.n = n;
    c.d = d;
    c.m = queries;
    c.keys.resize(n * d);
    c.values.resize(n * d);
    const uint64_t head_seed = Mix(Mix(seed_, layer), kv_head);
    // Channel statistics of this head.
    Rng ch(head_seed);
    std::vector<float> kscale(d), koffset(d), vscale(d);
    for (size_t j = 0; j < d; ++j) {
      kscale[j] = static_cast<float>(std::exp(0.5 * ch.Normal()));
      koffset[j] = static_cast<float>(0.5 * ch.Normal());
      vscale[j] = static_cast<float>(std::exp(0.2 * ch.Normal()));
    }
    for (int o = 0; o < 4; ++o) {
      const size_t j = ch.Next() % d;
      kscale[j] *= static_cast<float>(10.0 + 10.0 * ch.Uniform());
      koffset[j] *= 2.f;
    }
    uint64_t h = head_seed;
    for (size_t p = 0; p < n; ++p) {
      h = Mix(h, tokens[p]);
      Rng r(h);
      float* k = &c.keys[p * d];
      float* v = &c.values[p * d];
      for (size_t j = 0; j < d; ++j) k[j] = koffset[j] + kscale[j] * static_cast<float>(r.Normal());
      for (size_t j = 0; j < d; ++j) v[j] = vscale[j] * static_cast<float>(r.Normal());
      Rope(k, d, p);
    }
    // Queries at position n.
    Rng qr(Mix(Mix(head_seed, seed), n));
    c.queries.resize(queries * d);
    std::vector<float> u(d), noise(d);
    for (size_t qi = 0; qi < queries && n > 0; ++qi) {
      std::fill(u.begin(), u.end(), 0.f);
      const size_t targets = 1 + qi % 3;
      for (size_t t = 0; t < targets; ++t) {
        const float* k = &c.keys[(qr.Next() % n) * d];
        double norm = 0;
        for (size_t j = 0; j < d; ++j) norm += double(k[j]) * k[j];
        for (size_t j = 0; j < d; ++j) u[j] += static_cast<float>(k[j] / std::sqrt(norm));
      }
      double un = 0;
      for (float x : u) un += double(x) * x;
      for (auto& x : u) x = static_cast<float>(x / std::sqrt(un));
      // Scale: targets ~ ln(n) + 1 logits above the mean logit.
      double mean = 0, top = 0;
      for (size_t i = 0; i < n; ++i) {
        double s = 0;
        for (size_t j = 0; j < d; ++j) s += double(u[j]) * c.keys[i * d + j];
        mean += s;
        top = std::max(top, s);
      }
      mean /= static_cast<double>(n);
      const double gap = std::max(top - mean, 1e-6) / std::sqrt(double(d));
      const double a = (std::log(static_cast<double>(n)) + 1) / gap;
      // Broad component: a random pre-RoPE direction, rotated to the query position.
      double nn = 0;
      for (auto& x : noise) {
        x = static_cast<float>(qr.Normal());
        nn += double(x) * x;
      }
      Rope(noise.data(), d, n);
      float* q = &c.queries[qi * d];
      for (size_t j = 0; j < d; ++j) {
        q[j] = static_cast<float>(a * u[j] + 0.3 * a * noise[j] / std::sqrt(nn));
      }
    }
    return c;
  }

 private:
  uint32_t d_, kv_heads_;
  uint64_t seed_;
};

}  // namespace

std::unique_ptr<KvSource> NewSyntheticKv(uint32_t head_dim, uint32_t kv_heads, uint64_t seed) {
  return std::make_unique<SyntheticKv>(head_dim, kv_heads, seed);
}

}  // namespace kvsim
