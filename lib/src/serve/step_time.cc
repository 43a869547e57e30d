// The step-time roofline (see kvsim/step_time.h).
#include "kvsim/step_time.h"

#include <algorithm>
#include <cmath>

namespace kvsim {

StepTimeModel::StepTimeModel(const GpuProfile& gpu, uint32_t tp, const ModelProfile& model,
                             double prefill_tps, double decode_tps, const Efficiency& efficiency)
    : gpu_(gpu), tp_(tp), model_(model), prefill_tps_(prefill_tps), decode_tps_(decode_tps),
      eff_(efficiency) {}

double StepTimeModel::KvBytes(const TokenCost& cost, uint64_t tokens) {
  const uint64_t hot = tokens - cost.hot.HotFrom(tokens);
  return static_cast<double>(hot) * static_cast<double>(cost.hot_bytes) +
         static_cast<double>(tokens - hot) * static_cast<double>(cost.cold_bytes);
}

// One forward pass over `tokens` new tokens: the larger of compute time (2 FLOPs per parameter
// per token, plus QK^T and PV over the contexts: 4 x layers x query heads x head dim per
// (token, context token) pair) and memory time (bf16 weights once, plus the KV read), over `tp`
// GPUs at the stated efficiencies, plus the per-step overhead.
double StepTimeModel::Roofline(double tokens, double attention, double kv_bytes) const {
  const double flops = 2 * model_.parameters * tokens +
                       4.0 * model_.layers * model_.attention_heads * model_.head_dim * attention;
  const double bytes = 2 * model_.parameters + kv_bytes;
  const double compute = flops / (tp_ * gpu_.bf16_flops * eff_.compute);
  const double memory = bytes / (tp_ * gpu_.memory_bandwidth * eff_.bandwidth);
  return std::max(compute, memory) + eff_.step_overhead;
}

double StepTimeModel::PrefillComputeSeconds(uint64_t from, uint64_t n) const {
  const double tokens = static_cast<double>(n);
  if (prefill_tps_ > 0) return std::isinf(prefill_tps_) ? 0.0 : tokens / prefill_tps_;
  const double attention = tokens * static_cast<double>(from) + tokens * (tokens + 1) / 2;
  const double flops = 2 * model_.parameters * tokens +
                       4.0 * model_.layers * model_.attention_heads * model_.head_dim * attention;
  return flops / (tp_ * gpu_.bf16_flops * eff_.compute);
}

std::optional<double> StepTimeModel::BreakEvenContext(double seconds) const {
  if (prefill_tps_ > 0) {
    if (1.0 / prefill_tps_ > seconds) return 0.0;
    return std::nullopt;
  }
  // The token at position p attends to p + 1 tokens: 2 P + 4 L H d (p + 1) FLOPs.
  const double per_context = 4.0 * model_.layers * model_.attention_heads * model_.head_dim;
  const double p =
      (seconds * tp_ * gpu_.bf16_flops * eff_.compute - 2 * model_.parameters) / per_context - 1;
  return std::max(0.0, p);
}

bool StepTimeModel::instant_prefill() const { return std::isinf(prefill_tps_); }

double StepTimeModel::Seconds(const StepWork& w) const {
  const bool prefill_exact = prefill_tps_ > 0, decode_exact = decode_tps_ > 0;
  const bool any_prefill = w.prefill_tokens > 0, any_decode = w.decodes > 0;
  double t = 0;
  if (prefill_exact && any_prefill) t += static_cast<double>(w.prefill_tokens) / prefill_tps_;
  if (decode_exact && any_decode) t += std::isinf(decode_tps_) ? 0.0 : 1.0 / decode_tps_;
  // What no override covers runs through one roofline pass.
  const double tokens = (prefill_exact ? 0.0 : static_cast<double>(w.prefill_tokens)) +
                        (decode_exact ? 0.0 : static_cast<double>(w.decodes));
  if (tokens > 0) {
    const double attention = (prefill_exact ? 0.0 : w.prefill_attention) +
                             (decode_exact ? 0.0 : w.decode_attention);
    const double kv = (prefill_exact ? 0.0 : w.prefill_kv_bytes) + (decode_exact ? 0.0 : w.decode_kv_bytes);
    t += Roofline(tokens, attention, kv);
  }
  return t;
}

}  // namespace kvsim
