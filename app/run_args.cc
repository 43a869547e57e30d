#include "run_args.h"

#include "commands.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "kvsim/attention.h"
#include "kvsim/kv_source.h"
#include "kvsim/budget.h"
#include "kvsim/error.h"
#include "kvsim/kernels.h"
#include "kvsim/model.h"
#include "kvsim/plan_report.h"
#include "kvsim/csv.h"
#include "kvsim/merge.h"
#include "kvsim/run_document_json.h"
#include "kvsim/memory_tiers.h"
#include "kvsim/sweep.h"
#include "kvsim/strategy.h"

namespace kvsim::cli {
namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

size_t InRange(int64_t v, const char* flag, int64_t max) {
  if (v < 0 || v > max) {
    throw Error(std::string(flag) + " must be in 0.." + std::to_string(max) + ", got " +
                std::to_string(v));
  }
  return static_cast<size_t>(v);
}

// --layers, --kv-heads, --head-dim replace the profile's values; a value given is never ignored.
void OverrideModel(const RunArgs& a, ModelProfile* model) {
  const auto set = [&](const std::optional<int64_t>& v, const char* flag, uint32_t max,
                       uint32_t* field) {
    if (!v) return;
    if (*v < 1 || *v > max) {
      throw Error(std::string(flag) + " must be in 1.." + std::to_string(max) + ", got " +
                  std::to_string(*v));
    }
    *field = static_cast<uint32_t>(*v);
    model->name = "custom";
  };
  set(a.layers, "--layers", 4096, &model->layers);
  set(a.kv_heads, "--kv-heads", 4096, &model->kv_heads);
  set(a.head_dim, "--head-dim", 1024, &model->head_dim);
}

}  // namespace

void AddLoadOptions(CLI::App* cmd, LoadArgs* args) {
  cmd->add_option("--format", args->format, "Workload format (default: detected from the content)")
      ->check(CLI::IsMember({"chat", "trace", "mooncake"}));
  cmd->add_option("--trace-block", args->trace_block, "Mooncake trace block size in tokens")
      ->capture_default_str();
  cmd->add_option("--max-tokens", args->max_tokens,
                  "Input limit: token ids a chat workload (or one trace request) may hold")
      ->capture_default_str()
      ->group("Input limits");
  cmd->add_option("--max-line-bytes", args->max_line_bytes, "Input limit: bytes in one JSONL line")
      ->capture_default_str()
      ->group("Input limits");
  cmd->add_option("--max-json-bytes", args->max_json_bytes,
                  "Input limit: bytes of a JSON document read whole (chat workloads)")
      ->capture_default_str()
      ->group("Input limits");
}

LoadOptions MakeLoadOptions(const LoadArgs& a) {
  if (a.trace_block < 1 || a.trace_block > (1 << 20)) {
    throw Error("--trace-block must be in 1..1048576 tokens, got " + std::to_string(a.trace_block));
  }
  LoadOptions load;
  load.format = a.format;
  load.trace_block = static_cast<uint64_t>(a.trace_block);
  const auto positive = [](int64_t v, const char* flag) {
    if (v < 1) throw Error(std::string(flag) + " must be positive, got " + std::to_string(v));
    return static_cast<uint64_t>(v);
  };
  load.limits.max_tokens = positive(a.max_tokens, "--max-tokens");
  load.limits.max_line_bytes = positive(a.max_line_bytes, "--max-line-bytes");
  load.limits.max_json_bytes = positive(a.max_json_bytes, "--max-json-bytes");
  return load;
}

void AddRunOptions(CLI::App* cmd, RunArgs* args) {
  cmd->add_option("workload", args->workload,
                  "Workload file: kvsim-chat/1 JSON, token-trace JSONL or Mooncake JSONL")
      ->required();
  cmd->add_option("-s,--strategy", args->strategies,
                  "Strategies, comma-separated and repeatable: INDEX[:k=v,...][+CODEC[:k=v,...]] "
                  "or a preset (default: every preset; see `kvsim strategies`)");
  cmd->add_option("-b,--budget", args->budgets,
                  "Cache budgets, comma-separated: inf, tokens (250000tok, 2.5Mtok), bytes "
                  "(512MiB, 40GiB, 1.5TB), a share of the working set (25%), or a range "
                  "(1GiB..64GiB:x2, 10%..100%:10) (default: 25%)");
  cmd->add_option("-m,--model", args->model,
                  "Model profile: llama-3-8b, llama-3-70b, qwen3-8b, mistral-7b")
      ->capture_default_str();
  cmd->add_option("--layers", args->layers, "Custom model: layers (overrides the profile)");
  cmd->add_option("--kv-heads", args->kv_heads, "Custom model: KV heads (overrides the profile)");
  cmd->add_option("--head-dim", args->head_dim, "Custom model: head dimension (overrides the profile)");
  cmd->add_option("--prefill-tps", args->prefill_tps,
                  "Prefill throughput in tokens/s per GPU, for GPU-seconds saved (default: the "
                  "model profile's)");
  cmd->add_option("--json", args->json, "Write the results as JSON to this file");
  cmd->add_option("--seed", args->seed, "Seed for every random choice")->capture_default_str();
  AddLoadOptions(cmd, &args->load);
  cmd->add_flag("--no-cache-output", args->no_cache_output,
                "Insert only the prompt after each request, not prompt + output");
  cmd->add_flag("-v,--verbose", args->verbose, "Also print hit rates by turn and by session");
  cmd->add_flag("-q,--quiet", args->quiet, "Print no table (needs an output file: --json, --csv/--report for sweep, --timeline/--report for serve)");
  cmd->add_option("--kernels", args->kernels, "Force a kernel set: scalar, sse4, avx2, avx512, avx512icl");
  cmd->add_option("--probe-requests", args->probe_requests,
                  "Requests sampled for the attention-error probe of lossy codecs (0: off)")
      ->capture_default_str();
  cmd->add_option("--probe-max-tokens", args->probe_max_tokens, "Context cap per probed request")
      ->capture_default_str();
  cmd->add_option("--probe-heads", args->probe_heads, "(layer, KV head) pairs per probed request")
      ->capture_default_str();
  cmd->add_option("--probe-queries", args->probe_queries, "Queries per probed head")
      ->capture_default_str();
  cmd->add_option("--tier", args->tiers,
                  "A memory tier below the GPU budget, repeatable, in order: "
                  "host|disk:SIZE[:bw=GBPS][:mode=inclusive|exclusive][:codec=CODEC]; SIZE in "
                  "any budget form or a multiple of the GPU budget (2x); bw defaults to 25 (host) "
                  "and 5 (disk) GB/s")
      ->group("Memory tiers");
  cmd->add_option("--tier-chunk", args->tier_chunk,
                  "Tokens per chunk in the lower tiers (default: the index's block size, else 256)")
      ->group("Memory tiers");
  cmd->add_option("--kv-dump", args->kv_dump,
                  "Probe with real tensors: a directory with keys.npy, values.npy, queries.npy");
}

RunPlan MakeRunPlan(const RunArgs& a) {
  if (!a.kernels.empty()) ForceKernels(a.kernels);
  if (a.seed < 0) throw Error("--seed must be a non-negative integer");
  RunPlan plan;
  RunOptions& options = plan.options;
  options.model = FindModel(a.model);
  OverrideModel(a, &options.model);
  ValidateModel(options.model);
  if (a.prefill_tps && !(*a.prefill_tps > 0 && *a.prefill_tps <= 1e12)) {
    char got[32];
    std::snprintf(got, sizeof got, "%g", *a.prefill_tps);
    throw Error(std::string("--prefill-tps must be a positive number of tokens/s (at most 1e12), got ") + got);
  }
  options.prefill_tokens_per_second = a.prefill_tps.value_or(0);  // 0: the profile's
  options.seed = static_cast<uint64_t>(a.seed);
  plan.codecs = std::make_unique<CodecSet>(options.model.head_dim, options.seed);
  options.codecs = plan.codecs.get();
  options.cache_output = !a.no_cache_output;
  plan.strategies = ParseStrategyList(a.strategies);
  plan.budgets = ParseBudgetList(a.budgets);
  options.tiers = ParseTierSpecs(a.tiers);
  if (a.tier_chunk < 0 || a.tier_chunk > (1 << 20)) {
    throw Error("--tier-chunk must be in 1..1048576 tokens, got " + std::to_string(a.tier_chunk));
  }
  if (a.tier_chunk > 0 && options.tiers.empty()) throw Error("--tier-chunk: no --tier is given");
  options.tier_chunk = static_cast<uint64_t>(a.tier_chunk);
  plan.probe.requests = InRange(a.probe_requests, "--probe-requests", 100000);
  plan.probe.max_tokens = InRange(a.probe_max_tokens, "--probe-max-tokens", 1 << 22);
  plan.probe.heads = InRange(a.probe_heads, "--probe-heads", 4096);
  plan.probe.queries = InRange(a.probe_queries, "--probe-queries", 4096);
  plan.probe.kv_dump = a.kv_dump;
  if (plan.probe.requests > 0) {
    // Contexts are copied (4 bytes a token), then evaluated one (layer, head) at a time.
    const uint64_t need = plan.probe.requests * plan.probe.max_tokens * 4 +
                          AttentionCaseBytes(plan.probe.max_tokens, options.model.head_dim,
                                             plan.probe.queries);
    if (need > kMaxAttentionBytes) {
      throw Error("the attention probe would need " + std::to_string(need >> 20) +
                  " MiB (limit " + std::to_string(kMaxAttentionBytes >> 20) +
                  " MiB); lower --probe-requests, --probe-max-tokens or --probe-queries");
    }
  }
  plan.workload = LoadWorkload(a.workload, MakeLoadOptions(a.load));
  return plan;
}

std::vector<std::string> KvDumpFiles(const std::string& dir) {
  if (dir.empty()) return {};
  return {dir + "/keys.npy", dir + "/values.npy", dir + "/queries.npy"};
}

std::vector<std::string> RunInputs(const RunArgs& a) {
  std::vector<std::string> inputs = KvDumpFiles(a.kv_dump);
  inputs.insert(inputs.begin(), a.workload);
  return inputs;
}

void AddTargetsOption(CLI::App* cmd, std::string* targets) {
  *targets = kDefaultTargets;
  cmd->add_option("--targets", *targets,
                  "Token hit rates in percent, comma-separated: the report's summary table gives "
                  "each strategy's smallest swept budget reaching each")
      ->capture_default_str();
}

void DeclareReport(const std::string& report, OutputFiles* files) {
  if (report.empty()) return;
  CheckReportPath("--report", report);
  files->Declare("--report", report);
}

void SetSweepOutputs(const RunDocument& doc, const std::string& json,
                     const std::string& csv, const std::string& report,
                     const ReportOptions& report_options, OutputFiles* files) {
  if (!json.empty()) files->Set(json, ToJson(doc).dump(2) + "\n");
  if (!csv.empty()) files->Set(csv, RunToCsv(doc));
  if (report.empty()) return;
  for (auto& f : RenderReport(doc, report, report_options)) {
    if (f.path == report) {
      files->Set(report, std::move(f.text));
    } else {
      files->Add("--report", f.path, std::move(f.text));
    }
  }
}

void ListWritten(const std::vector<std::string>& paths) {
  if (paths.empty()) return;
  std::string line = "wrote";
  for (const auto& p : paths) line += " " + p;
  std::fprintf(stderr, "%s\n", line.c_str());
}

void CheckQuiet(bool quiet, bool writes_output) {
  if (quiet && !writes_output) {
    throw Error("-q: nothing would be written; give an output file (--json FILE) or drop -q");
  }
}

Progress::Progress(std::string what)
    : what_(std::move(what)), tty_(isatty(STDERR_FILENO) != 0), start_(Now()) {}

Progress::~Progress() {
  if (shown_) std::fprintf(stderr, "\r\033[K");
}

void Progress::operator()(uint64_t done, uint64_t total) {
  if (!tty_) return;
  const double s = Now() - start_;
  if (s < 1.0) return;
  std::fprintf(stderr, "\r%s: %llu / %llu (%.0f%%), %.1f s", what_.c_str(),
               static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
               total ? 100.0 * double(done) / double(total) : 100.0, s);
  shown_ = true;
}

RunDocument ReplayToDocument(RunPlan* plan, const std::string& what,
                             const std::function<RunResult(const RunOptions&)>& work) {
  RunResult run;
  {
    Progress progress(what);
    plan->options.progress = [&progress](uint64_t done, uint64_t total) { progress(done, total); };
    run = work(plan->options);
    plan->options.progress = nullptr;
  }
  ProbeAttention(*plan->workload, plan->probe, plan->options, &run);
  return MakeRunDocument(plan->workload->info(), run, plan->options,
                         RunContext{ActiveKernels().name, CommandLine()});
}

SweepFacts SweepFactsOf(const RunPlan& plan, uint64_t points, const Shard& shard) {
  SweepFacts f{points, shard.ToString(), {}, {}};
  for (const auto& s : plan.strategies) f.strategies.push_back(s.text);
  for (const auto& b : plan.budgets) f.budgets.push_back(b.text);
  return f;
}

}  // namespace kvsim::cli
