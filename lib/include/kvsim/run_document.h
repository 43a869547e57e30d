// The run document (docs/contract.md, "Output"): a run's or a sweep's results as typed rows.
//
// It is built once from a replay, with every derived figure (hit rates, prefill tokens,
// GPU-seconds) computed there; it is written to JSON and read back from JSON in one place
// (kvsim/run_document_json.h), where a file is checked once. The table, CSV, reports, compare
// and merge all read these rows, never JSON keys.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "kvsim/attention.h"
#include "kvsim/replay.h"
#include "kvsim/serve_figures.h"
#include "kvsim/stats.h"

namespace kvsim {

struct RunContext {
  std::string kernels;               // kernel set in use
  std::vector<std::string> command;  // argv, for reports
};

// One per-class line of a row (by turn, by session).
struct ClassRow {
  std::variant<uint64_t, std::string> id;  // turn number, or session name
  uint64_t requests = 0, prompt_tokens = 0, hit_tokens = 0;
  double token_hit_rate = 0;
  bool operator==(const ClassRow&) const = default;
};

// A strategy option with its effective value (a codec seed of -1 is the run's seed). Integers
// are uint64_t when non-negative, int64_t otherwise.
struct RowOption {
  std::string name;
  std::variant<int64_t, uint64_t, std::string> value;
  bool operator==(const RowOption&) const = default;
};

struct DocumentRow {
  std::optional<uint64_t> point;  // position in the strategy x budget grid (absent in old runs)
  std::string strategy, index, codec;
  std::vector<RowOption> options;
  std::string budget_spec;                      // as the user wrote it
  std::optional<uint64_t> budget_tokens, budget_bytes;  // both absent: unbounded
  uint64_t hit_tokens = 0, prompt_tokens = 0, prefill_tokens = 0;
  double token_hit_rate = 0;
  uint64_t requests = 0, hit_requests = 0;
  double request_hit_rate = 0;
  std::optional<double> prefill_gpu_seconds_saved, prefill_gpu_seconds;  // absent in old runs
  uint64_t evictions = 0;
  uint64_t peak_tokens = 0, peak_bytes = 0;
  double mean_bytes = 0, mean_tokens = 0;
  uint64_t hot_bytes_per_token = 0, cold_bytes_per_token = 0;
  double compression_ratio = 1, bits_per_channel = 16;
  std::optional<AttentionSummary> attention;  // lossy codecs, when probed
  std::vector<ClassRow> by_turn;
  std::optional<std::vector<ClassRow>> by_session;  // when the workload has sessions
  std::optional<ServeFigures> serve;               // kvsim serve: the row under load
  std::optional<Curve> curve;                      // kvsim curve: hits at every capacity
  std::vector<TierFigures> tiers;                  // memory tiers below the GPU, if any
  std::vector<TierMove> bytes_moved;

  // Peak held over the budget: tokens over a token budget, bytes over a byte budget (nullopt
  // when unbounded).
  std::optional<double> ShareOfBudget() const;
  // "strategy @ budget" ("... via router" under serve): how compare names a row.
  std::string Key() const {
    if (!serve) return strategy + " @ " + budget_spec;
    const std::string n = serve->replicas > 1 ? " x " + std::to_string(serve->replicas) : "";
    return strategy + " @ " + budget_spec + " via " + serve->router + n;
  }
  bool operator==(const DocumentRow&) const = default;
};

struct WorkloadFacts {
  std::string name, path, format;
  uint64_t requests = 0, sessions = 0, prompt_tokens = 0, output_tokens = 0;
  uint64_t working_set_tokens = 0;
  bool operator==(const WorkloadFacts&) const = default;
};

struct ModelFacts {
  std::string name;
  uint64_t layers = 0, kv_heads = 0, head_dim = 0, fp16_bytes_per_token = 0;
  std::optional<double> prefill_tokens_per_second;  // absent in old runs
  bool operator==(const ModelFacts&) const = default;
};

// The grid of a sweep, and which shard of it this document holds.
struct SweepFacts {
  uint64_t points = 0;
  std::string shard;  // "i/n", or "merged"
  std::vector<std::string> strategies, budgets;
  bool operator==(const SweepFacts&) const = default;
};

// How `kvsim serve` ran: what makes two serve documents comparable.
struct ServeSettings {
  std::string admission = "reserve";
  uint64_t max_num_seqs = 0, max_batched_tokens = 0;
  std::optional<double> prefill_tps, decode_tps;  // exact rates (absent: the roofline)
  double speedup = 1;
  std::string gpu;
  uint64_t tp = 1;
  bool operator==(const ServeSettings&) const = default;
};

// `kvsim plan`: the SLO, and per strategy x budget x router (a grid point) the answer. The
// document's rows are the probes, each a served row at its replica count.
struct PlanChoice {
  uint64_t point = 0;
  std::string strategy, budget, router;
  std::optional<uint64_t> replicas;  // none: not met within max_replicas
  bool operator==(const PlanChoice&) const = default;
};
struct PlanFacts {
  std::vector<std::pair<std::string, double>> slo;  // "ttft_p99" -> seconds
  uint64_t max_replicas = 0;
  std::vector<PlanChoice> answers;
  bool operator==(const PlanFacts&) const = default;
};

struct RunDocument {
  std::string version, kernels;
  uint64_t seed = 0;
  WorkloadFacts workload;
  ModelFacts model;
  bool cache_output = true;
  std::vector<DocumentRow> rows;
  std::optional<SweepFacts> sweep;
  std::optional<WorkloadStats> workload_stats;
  std::optional<std::vector<std::string>> command;
  std::optional<ServeSettings> serve;  // kvsim serve
  std::optional<PlanFacts> plan;       // kvsim plan
  std::vector<NamedCurve> curves;      // kvsim sweep: the curve strategies' curves

  // A row's budget in bytes, token budgets priced at fp16; nullopt when unbounded.
  std::optional<double> BudgetBytes(const DocumentRow& row) const;
};

// The document of a replay: every derived figure is computed here.
RunDocument MakeRunDocument(const WorkloadInfo& info, const RunResult& run,
                            const RunOptions& options, const RunContext& context);

// A row's budget for people: the spec, and for a share or decimal bytes (10GB is 9.31 GiB) its
// binary size beside it, so that nobody reads 10^9 for 2^30.
std::string BudgetText(const DocumentRow& row);

}  // namespace kvsim
