// `kvsim run`: replay one workload through strategies x budgets; print the table, write JSON.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "commands.h"
#include "kvsim/budget.h"
#include "kvsim/error.h"
#include "kvsim/kernels.h"
#include "kvsim/model.h"
#include "kvsim/probe.h"
#include "kvsim/replay.h"
#include "kvsim/report.h"
#include "kvsim/strategy.h"
#include "kvsim/workload.h"

namespace kvsim::cli {
namespace {

struct RunArgs {
  std::string workload;
  std::vector<std::string> strategies;
  std::vector<std::string> budgets;
  std::string model = "llama-3-8b";
  int64_t layers = 0, kv_heads = 0, head_dim = 0;
  std::string json;
  int64_t seed = 42;
  std::string format;
  int64_t trace_block = 512;
  bool no_cache_output = false;
  bool verbose = false;
  bool quiet = false;
  std::string kernels;
  int64_t probe_requests = 16, probe_max_tokens = 2048, probe_heads = 4, probe_queries = 8;
  std::string kv_dump;
};

// Progress on stderr, only when it is a terminal and the replay has run for a second.
class Progress {
 public:
  Progress() : tty_(isatty(STDERR_FILENO) != 0), start_(Clock::now()) {}
  void operator()(uint64_t done, uint64_t total) {
    if (!tty_) return;
    const double s = std::chrono::duration<double>(Clock::now() - start_).count();
    if (s < 1.0) return;
    std::fprintf(stderr, "\rreplaying: %llu / %llu requests (%.0f%%), %.1f s",
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
                 total ? 100.0 * double(done) / double(total) : 100.0, s);
    shown_ = true;
  }
  ~Progress() {
    if (shown_) std::fprintf(stderr, "\r\033[K");
  }

 private:
  using Clock = std::chrono::steady_clock;
  bool tty_;
  bool shown_ = false;
  Clock::time_point start_;
};

void Run(const RunArgs& a) {
  if (!a.kernels.empty()) ForceKernels(a.kernels);
  if (a.seed < 0) throw Error("--seed must be a non-negative integer");
  RunOptions options;
  options.model = FindModel(a.model);
  if (a.layers || a.kv_heads || a.head_dim) {
    if (a.layers) options.model.layers = static_cast<uint32_t>(a.layers);
    if (a.kv_heads) options.model.kv_heads = static_cast<uint32_t>(a.kv_heads);
    if (a.head_dim) options.model.head_dim = static_cast<uint32_t>(a.head_dim);
    options.model.name = "custom";
  }
  ValidateModel(options.model);
  options.seed = static_cast<uint64_t>(a.seed);
  options.cache_output = !a.no_cache_output;
  // Everything the user wrote is checked before the workload is read.
  const std::vector<Strategy> strategies = ParseStrategyList(a.strategies);
  const std::vector<BudgetSpec> budgets = ParseBudgetList(a.budgets);
  LoadOptions load;
  load.format = a.format;
  load.trace_block = static_cast<uint64_t>(a.trace_block);
  if (a.trace_block < 1) throw Error("--trace-block must be a positive number of tokens");
  const auto workload = LoadWorkload(a.workload, load);

  RunResult run;
  {
    Progress progress;  // its destructor clears the line before the table is printed
    options.progress = [&progress](uint64_t done, uint64_t total) { progress(done, total); };
    run = Replay(*workload, strategies, budgets, options);
    options.progress = nullptr;
  }
  ProbeOptions probe;
  auto positive = [](int64_t v, const char* flag, int64_t max) {
    if (v < 0 || v > max) {
      throw Error(std::string(flag) + " must be in 0.." + std::to_string(max) + ", got " + std::to_string(v));
    }
    return static_cast<size_t>(v);
  };
  probe.requests = positive(a.probe_requests, "--probe-requests", 100000);
  probe.max_tokens = positive(a.probe_max_tokens, "--probe-max-tokens", 1 << 22);
  probe.heads = positive(a.probe_heads, "--probe-heads", 4096);
  probe.queries = positive(a.probe_queries, "--probe-queries", 4096);
  probe.kv_dump = a.kv_dump;
  ProbeAttention(*workload, probe, options, &run);

  RunContext context{ActiveKernels().name, CommandLine()};
  if (!a.json.empty()) {
    WriteFileAtomically(a.json, RunToJson(workload->info(), run, options, context).dump(2) + "\n");
  }
  if (!a.quiet) PrintRunTable(std::cout, workload->info(), run, options, a.verbose);
}

}  // namespace

void AddRunCommand(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand("run", "Replay a workload through strategies and budgets");
  cmd->add_option("workload", args->workload,
                   "Workload file: kvsim-chat/1 JSON, token-trace JSONL or Mooncake JSONL")
      ->required();
  cmd->add_option("-s,--strategy", args->strategies,
                  "Strategies, comma-separated and repeatable: INDEX[:k=v,...][+CODEC[:k=v,...]] "
                  "or a preset (default: every preset; see `kvsim strategies`)");
  cmd->add_option("-b,--budget", args->budgets,
                  "Cache budgets, comma-separated: inf, tokens (250000tok, 2.5Mtok), bytes "
                  "(512MiB, 40GiB, 1.5TB) or a share of the working set (25%) (default: 25%)");
  cmd->add_option("-m,--model", args->model,
                  "Model profile: llama-3-8b, llama-3-70b, qwen3-8b, mistral-7b")
      ->capture_default_str();
  cmd->add_option("--layers", args->layers, "Custom model: layers (overrides the profile)");
  cmd->add_option("--kv-heads", args->kv_heads, "Custom model: KV heads (overrides the profile)");
  cmd->add_option("--head-dim", args->head_dim, "Custom model: head dimension (overrides the profile)");
  cmd->add_option("--json", args->json, "Write the results as JSON to this file");
  cmd->add_option("--seed", args->seed, "Seed for every random choice")->capture_default_str();
  cmd->add_option("--format", args->format, "Workload format (default: detected from the content)")
      ->check(CLI::IsMember({"chat", "trace", "mooncake"}));
  cmd->add_option("--trace-block", args->trace_block, "Mooncake trace block size in tokens")
      ->capture_default_str();
  cmd->add_flag("--no-cache-output", args->no_cache_output,
                "Insert only the prompt after each request, not prompt + output");
  cmd->add_flag("-v,--verbose", args->verbose, "Also print hit rates by turn and by session");
  cmd->add_flag("-q,--quiet", args->quiet, "Print no table (with --json)");
  cmd->add_option("--kernels", args->kernels, "Force a kernel set: scalar, sse4, avx2, avx512");
  cmd->add_option("--probe-requests", args->probe_requests,
                  "Requests sampled for the attention-error probe of lossy codecs (0: off)")
      ->capture_default_str();
  cmd->add_option("--probe-max-tokens", args->probe_max_tokens, "Context cap per probed request")
      ->capture_default_str();
  cmd->add_option("--probe-heads", args->probe_heads, "(layer, KV head) pairs per probed request")
      ->capture_default_str();
  cmd->add_option("--probe-queries", args->probe_queries, "Queries per probed head")
      ->capture_default_str();
  cmd->add_option("--kv-dump", args->kv_dump,
                  "Probe with real tensors: a directory with keys.npy, values.npy, queries.npy");
  cmd->footer(
      "Examples:\n"
      "  kvsim run workloads/support_chat.json\n"
      "  kvsim run workloads/support_chat.json --budget inf,25% --json r.json\n"
      "  kvsim run workloads/support_chat.json --strategy radix,block-trie:block_size=32 \\\n"
      "      --budget 10%,25%,50% --model llama-3-70b\n"
      "  kvsim run ../shared/data/mooncake/conversation_trace.jsonl --strategy radix --budget inf\n"
      "Exit codes: 0 success, 2 bad usage or bad input (nothing is written on error).");
  cmd->callback([args] { Run(*args); });
}

}  // namespace kvsim::cli
