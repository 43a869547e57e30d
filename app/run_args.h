// Options `kvsim run` and `kvsim sweep` share: the workload, strategies, budgets, model, seed,
// probe and kernels, registered on a subcommand and turned into library objects.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kvsim/output_files.h"
#include "kvsim/plan_report.h"
#include "kvsim/codec_set.h"
#include "kvsim/probe.h"
#include "kvsim/replay.h"
#include "kvsim/run_document.h"
#include "kvsim/sweep.h"
#include "kvsim/workload.h"

namespace kvsim::cli {

// How a workload file is read: its format and the limits of kvsim/input_limits.h.
struct LoadArgs {
  std::string format;
  int64_t trace_block = 512;
  int64_t max_tokens = int64_t{1} << 29;
  int64_t max_line_bytes = int64_t{64} << 20;
  int64_t max_json_bytes = int64_t{1} << 30;
};
void AddLoadOptions(CLI::App* cmd, LoadArgs* args);
LoadOptions MakeLoadOptions(const LoadArgs& args);

struct RunArgs {
  std::string workload;
  std::vector<std::string> strategies;
  std::vector<std::string> budgets;
  std::string model = "llama-3-8b";
  std::optional<int64_t> layers, kv_heads, head_dim;  // override the profile when given
  std::optional<double> prefill_tps;
  std::string json;
  int64_t seed = 42;
  LoadArgs load;
  bool no_cache_output = false;
  bool verbose = false;
  bool quiet = false;
  std::string kernels;
  int64_t probe_requests = 16, probe_max_tokens = 2048, probe_heads = 4, probe_queries = 8;
  std::string kv_dump;
  std::vector<std::string> tiers;  // --tier, in order below the GPU
  int64_t tier_chunk = 0;          // 0: the index's block size, else 256
};

void AddRunOptions(CLI::App* cmd, RunArgs* args);

// Everything checked before any work starts, in this order: kernels, model, seed, strategies,
// budgets, probe options, then the workload file.
struct RunPlan {
  std::unique_ptr<Workload> workload;
  std::unique_ptr<CodecSet> codecs;  // options.codecs points here: shared by replay and probe
  std::vector<Strategy> strategies;
  std::vector<BudgetSpec> budgets;
  RunOptions options;
  ProbeOptions probe;
};
RunPlan MakeRunPlan(const RunArgs& args);

// The files a run reads (the workload, and the .npy files of --kv-dump): no output may name one.
std::vector<std::string> RunInputs(const RunArgs& args);

// The three files of a --kv-dump directory.
std::vector<std::string> KvDumpFiles(const std::string& dir);

// Declares --report (empty: none): its name is checked (.html, .md or -) with its path.
void DeclareReport(const std::string& report, OutputFiles* files);

// Sets the outputs a sweep, merge or serve writes (each may be empty: not asked for); the report's
// chart files are added beside it.
void SetSweepOutputs(const RunDocument& doc, const std::string& json,
                     const std::string& csv, const std::string& report,
                     const ReportOptions& report_options, OutputFiles* files);

// `--targets` of sweep and merge: the report's target token hit rates, in percent.
constexpr const char* kDefaultTargets = "50,80,90,95";
void AddTargetsOption(CLI::App* cmd, std::string* targets);

// Tells on standard error which files a command wrote.
void ListWritten(const std::vector<std::string>& paths);

// `-q` only makes sense when something is written: refuses it otherwise.
void CheckQuiet(bool quiet, bool writes_output);

// Progress on stderr, only when it is a terminal and the work has run for a second. The
// destructor clears the line.
class Progress {
 public:
  explicit Progress(std::string what);
  ~Progress();
  void operator()(uint64_t done, uint64_t total);

 private:
  std::string what_;
  bool tty_, shown_ = false;
  double start_;
};

// Runs `work` (a replay, sweep or serve of the plan's points, given the options to pass on)
// under a progress line named `what`, then the attention probe of lossy rows, and returns the
// document of it all.
RunDocument ReplayToDocument(RunPlan* plan, const std::string& what,
                             const std::function<RunResult(const RunOptions&)>& work);

// The grid facts of a sharded document: `points` points, this shard, the strategies and budgets.
SweepFacts SweepFactsOf(const RunPlan& plan, uint64_t points, const Shard& shard);

}  // namespace kvsim::cli
