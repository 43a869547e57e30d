// How long one continuous-batching step of a serving replica takes (docs/contract.md, "Serving
// in time"): a roofline over the GPU and model profiles, or exact rates given by the user.
#pragma once

#include <cstdint>
#include <optional>

#include "kvsim/gpu.h"
#include "kvsim/ledger.h"
#include "kvsim/model.h"

namespace kvsim {

// The work of one step.
struct StepWork {
  uint64_t prefill_tokens = 0;    // new prompt tokens computed
  double prefill_attention = 0;   // sum over those tokens of the context each attends to
  double prefill_kv_bytes = 0;    // KV bytes the prefill chunks read (their contexts)
  uint64_t decodes = 0;           // requests decoding one token
  double decode_attention = 0;    // sum over decodes of their context lengths
  double decode_kv_bytes = 0;     // KV bytes the decodes read
};

// The roofline's constants; the README states the source of each default.
struct Efficiency {
  double compute = 0.5;          // share of peak FLOP/s reached
  double bandwidth = 0.75;       // share of peak memory bandwidth reached
  double step_overhead = 0.001;  // seconds per step (scheduling, launches, sampling)
};

class StepTimeModel {
 public:
  // `prefill_tps` / `decode_tps` > 0 replace the roofline's part (infinity: no time).
  // REQUIRES: without both overrides, the model has parameters and attention heads.
  StepTimeModel(const GpuProfile& gpu, uint32_t tp, const ModelProfile& model, double prefill_tps,
                double decode_tps, const Efficiency& efficiency = {});

  double Seconds(const StepWork& work) const;

  // Seconds of compute that prefilling positions [from, from + n) of one sequence adds to a
  // step: no overhead, no weight reads. What recomputing them costs at the margin.
  double PrefillComputeSeconds(uint64_t from, uint64_t n) const;
  // The context length from which recomputing a token takes longer than `seconds` (the
  // break-even of loading it instead): 0 when recomputing always takes longer, nullopt when it
  // never does.
  std::optional<double> BreakEvenContext(double seconds) const;
  // Whether prefill takes no time (--prefill-tps inf).
  bool instant_prefill() const;
  uint32_t layers() const { return model_.layers; }

  // KV bytes of a context of `tokens` tokens written by one sequence, at the codec's cost (a
  // recent-token window in its hot format, the rest cold).
  static double KvBytes(const TokenCost& cost, uint64_t tokens);

 private:
  double Roofline(double tokens, double attention, double kv_bytes) const;

  GpuProfile gpu_;
  uint32_t tp_;
  ModelProfile model_;
  double prefill_tps_, decode_tps_;
  Efficiency eff_;
};

}  // namespace kvsim
