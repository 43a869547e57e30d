// Attention error: what a codec's stored bytes cost in attention, against exact fp32 attention.
//
// An AttentionCase is one head's context (keys and values, [n][d]) plus queries at the next
// position. EvaluateCase encodes the context with a codec exactly as a cache would hold it
// (positions >= hot_from in the hot tier: two-tier's tail, kivi's residual), scores the queries against the encoded keys
// and sums the encoded values through the codec's kernels, and compares with attention computed
// in double precision from the exact vectors.
//
// The cases come from a KvSource (kvsim/kv_source.h).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kvsim/codec.h"
#include "kvsim/token.h"

namespace kvsim {

struct AttentionCase {
  size_t n = 0;   // context tokens
  size_t d = 0;   // head_dim
  size_t m = 0;   // queries
  std::vector<float> keys, values;  // [n][d]
  std::vector<float> queries;       // [m][d]
  size_t hot_from = 0;              // positions >= hot_from are hot: the codec's HotFrom(n)
};

// Per query.
struct AttentionSample {
  double output_rel_l2 = 0;  // ||o~ - o|| / ||o||
  double output_cosine = 0;
  double score_rmse = 0;     // RMS error of the scaled logits q.k / sqrt(d)
  double weights_kl = 0;     // KL(p || p~)
  double top8_recall = 0;    // share of the 8 largest exact weights among the 8 largest estimated
  double entropy = 0;        // of the exact weights, in nats
};

struct AttentionSummary {
  std::string source;
  uint64_t cases = 0, queries = 0, tokens_probed = 0;
  double rel_l2_mean = 0, rel_l2_p99 = 0;
  double cosine_mean = 0, cosine_min = 0;
  double score_rmse_mean = 0;
  double kl_mean = 0;
  double top8_mean = 0;
  double entropy_mean = 0;

  nlohmann::ordered_json ToJson() const;
  bool operator==(const AttentionSummary&) const = default;
};

// Exact fp32 attention of a case from the original vectors: fp32 dot products, the softmax
// kernel and fp32 weighted sums (kept in double for the metrics).
struct ExactAttention {
  std::vector<double> logits;   // [m][n], scaled by 1/sqrt(d)
  std::vector<float> weights;   // [m][n], the softmax kernel's output
  std::vector<double> outputs;  // [m][d]
  // Per query, computed once for every codec evaluated against this case:
  std::vector<double> entropy;           // of the weights, in nats
  std::vector<std::vector<size_t>> top8; // the 8 largest weights' positions, ascending
};
ExactAttention ComputeExact(const AttentionCase& c);

// An upper bound on the bytes one case of n tokens, head_dim d and m queries takes with its
// exact attention and its evaluation; callers check it against kMaxAttentionBytes before
// generating anything, so absurd --context/--queries/--heads fail with a message, not an OOM.
inline uint64_t AttentionCaseBytes(uint64_t n, uint64_t d, uint64_t m) {
  return n * d * 16 + m * n * 24 + m * d * 16;
}
inline constexpr uint64_t kMaxAttentionBytes = uint64_t{8} << 30;

// Appends one sample per query. `codec` may be calibrated (Calibrate) by the caller first.
// REQUIRES: c.hot_from is codec.HotFrom(c.n) (or, for tests, a position where both tiers' tokens
// fill whole groups of their group codecs).
void EvaluateCase(const AttentionCase& c, const ExactAttention& exact, const KvCodec& codec,
                  std::vector<AttentionSample>* out);

AttentionSummary Summarize(const std::vector<AttentionSample>& samples, std::string source,
                           uint64_t cases, uint64_t tokens);

}  // namespace kvsim
