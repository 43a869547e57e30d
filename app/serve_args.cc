// Serving-model options (see serve_args.h).
#include "serve_args.h"

#include <cmath>
#include <cstdio>

#include "kvsim/error.h"

namespace kvsim::cli {
namespace {

// A rate option: positive, or inf.
double Rate(const char* option, const std::optional<double>& v) {
  if (!v) return 0;
  if (!(*v > 0) || (!std::isinf(*v) && *v > 1e15)) {
    char got[32];
    std::snprintf(got, sizeof got, "%g", *v);
    throw Error(std::string(option) + " must be a positive number of tokens/s or inf, got " + got);
  }
  return *v;
}

}  // namespace

// vLLM V1's online-serving defaults (vllm/engine/arg_utils.py, get_batch_defaults): H100-class
// GPUs 1024 sequences and 8192 batched tokens, others 256 and 2048.
ServeOptions MakeServeOptions(const ServeModelArgs& a, const RunArgs& run) {
  ServeOptions s;
  if (a.admission != "reserve" && a.admission != "incremental") {
    throw Error("--admission '" + a.admission + "': expected reserve or incremental");
  }
  s.admission = a.admission == "reserve" ? Admission::kReserve : Admission::kIncremental;
  if (a.tier_overlap != "layer" && a.tier_overlap != "none") {
    throw Error("--tier-overlap '" + a.tier_overlap + "': expected layer or none");
  }
  if (a.tier_overlap != "layer" && run.tiers.empty()) throw Error("--tier-overlap: no --tier is given");
  s.tier_overlap = a.tier_overlap == "layer";
  s.gpu = FindGpu(a.gpu);
  if (a.tp < 1 || a.tp > 64) throw Error("--tp must be in 1..64, got " + std::to_string(a.tp));
  s.tp = static_cast<uint32_t>(a.tp);
  const bool big = a.gpu == "h100" || a.gpu == "h200";
  const auto limit = [](const char* option, const std::optional<int64_t>& v, uint64_t fallback) {
    if (!v) return fallback;
    if (*v < 1 || *v > (int64_t{1} << 30)) {
      throw Error(std::string(option) + " must be in 1..2^30, got " + std::to_string(*v));
    }
    return static_cast<uint64_t>(*v);
  };
  s.max_num_seqs = limit("--max-num-seqs", a.max_num_seqs, big ? 1024 : 256);
  s.max_batched_tokens = limit("--max-batched-tokens", a.max_batched_tokens, big ? 8192 : 2048);
  s.prefill_tps = Rate("--prefill-tps", run.prefill_tps);
  s.decode_tps = Rate("--decode-tps", a.decode_tps);
  if (!(a.speedup > 0) || std::isinf(a.speedup) || a.speedup > 1e9) {
    throw Error("--speedup must be a positive number (at most 1e9)");
  }
  s.speedup = a.speedup;
  return s;
}

ServeSettings SettingsOf(const ServeOptions& s) {
  ServeSettings o;
  o.admission = s.admission == Admission::kReserve ? "reserve" : "incremental";
  o.max_num_seqs = s.max_num_seqs;
  o.max_batched_tokens = s.max_batched_tokens;
  if (s.prefill_tps > 0) o.prefill_tps = s.prefill_tps;
  if (s.decode_tps > 0) o.decode_tps = s.decode_tps;
  o.speedup = s.speedup;
  o.gpu = s.gpu.name;
  o.tp = s.tp;
  return o;
}

void AddServeModelOptions(CLI::App* cmd, ServeModelArgs* a) {
  cmd->get_option("--prefill-tps")
      ->description("Exact prefill speed: n new prompt tokens take n / X seconds (inf: no time; "
                    "default: the GPU roofline)");
  cmd->add_option("--decode-tps", a->decode_tps,
                  "Exact decode speed: a step with decodes takes 1 / Y seconds more (inf: no time; "
                  "default: the GPU roofline)");
  cmd->add_option("--gpu", a->gpu, "GPU profile: h100, h200, a100, l40s")->capture_default_str();
  cmd->add_option("--tp", a->tp, "GPUs per replica (tensor parallel)")->capture_default_str();
  cmd->add_option("--max-num-seqs", a->max_num_seqs,
                  "Running requests at most (default: vLLM's, 1024 on h100/h200, else 256)");
  cmd->add_option("--max-batched-tokens", a->max_batched_tokens,
                  "New prompt tokens per step (chunked prefill; default: vLLM's, 8192 on "
                  "h100/h200, else 2048)");
  cmd->add_option("--speedup", a->speedup,
                  "Divide trace arrival times and session starts by X (think times unchanged)")
      ->capture_default_str();
  cmd->add_option("--admission", a->admission,
                  "reserve: admit when the whole sequence fits, never preempt; incremental (vLLM "
                  "V1): admit when the uncached prompt fits, allocate per step, preempt the most "
                  "recently admitted request when the pool runs out")
      ->capture_default_str();
  cmd->add_option("--tier-overlap", a->tier_overlap,
                  "layer: a load from a memory tier overlaps layer by layer with the step that "
                  "computes the request (SGLang HiCache); none: the request waits for its load "
                  "before it is scheduled (vLLM's offloading connector)")
      ->capture_default_str()
      ->group("Memory tiers");
}

}  // namespace kvsim::cli
