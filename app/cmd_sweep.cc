// `kvsim sweep`: every strategy x budget point in parallel; JSON, CSV and a report.
#include <algorithm>
#include <sstream>

#include "commands.h"
#include "kvsim/error.h"
#include "kvsim/kernels.h"
#include "kvsim/output_files.h"
#include "kvsim/plan_report.h"
#include "kvsim/run_table.h"
#include "kvsim/stats.h"
#include "kvsim/sweep.h"
#include "run_args.h"

namespace kvsim::cli {
namespace {

struct SweepArgs {
  RunArgs run;
  std::string csv, report, shard = "0/1", targets;
  int64_t jobs = 0;
};

// Curve strategies' rows come from one stack pass per block size, and their curves go to the
// report; with radix in the sweep, the token-granular LRU's curve (block-trie:block_size=1) is
// drawn beside its points.
void UseCurves(RunOptions* options, const std::vector<Strategy>& strategies) {
  options->curve_rows = true;
  options->curve_strategies = strategies;
  options->curve.points = 500;  // enough for a chart; every swept budget's point is kept too
  const bool radix = std::any_of(strategies.begin(), strategies.end(),
                                 [](const Strategy& s) { return s.index == "radix"; });
  const Strategy lru = ParseStrategy(kTokenLru);
  const bool has_lru = std::any_of(strategies.begin(), strategies.end(),
                                   [&](const Strategy& s) { return s.text == lru.text; });
  if (radix && !has_lru) options->curve_strategies.push_back(lru);
}

void DoSweep(const SweepArgs& a) {
  OutputFiles files(RunInputs(a.run));
  files.Declare("--json", a.run.json);
  files.Declare("--csv", a.csv);
  DeclareReport(a.report, &files);
  const ReportOptions report_options{ParseTargets("--targets", a.targets)};
  CheckQuiet(a.run.quiet, !a.run.json.empty() || !a.csv.empty() || !a.report.empty());
  RunPlan plan = MakeRunPlan(a.run);
  SweepOptions sweep;
  sweep.shard = Shard::Parse(a.shard);
  if (a.jobs < 0 || a.jobs > 1024) throw Error("--jobs must be in 0..1024");
  sweep.jobs = static_cast<size_t>(a.jobs);
  // The statistics pass replays unbounded radix anyway: its working set serves every point.
  const WorkloadStats stats = ComputeStats(*plan.workload, plan.options.cache_output);
  plan.options.working_set_tokens = stats.working_set_tokens;
  // A curve is one cache's: with tiers below it, every point is replayed.
  if (plan.options.tiers.empty()) UseCurves(&plan.options, plan.strategies);
  RunDocument doc = ReplayToDocument(&plan, "sweep points", [&](const RunOptions& o) {
    return Sweep(*plan.workload, plan.strategies, plan.budgets, o, sweep);
  });
  doc.sweep = SweepFactsOf(plan, plan.strategies.size() * plan.budgets.size(), sweep.shard);
  doc.workload_stats = stats;
  doc.command = CommandLine();
  SetSweepOutputs(doc, a.run.json, a.csv, a.report, report_options, &files);
  if (!a.run.quiet) {
    std::ostringstream table;
    PrintRunTable(table, doc, a.run.verbose);
    files.Print(table.str());
  }
  ListWritten(files.Commit());
}

}  // namespace

void AddSweepCommand(CLI::App& app) {
  auto a = std::make_shared<SweepArgs>();
  auto* cmd = app.add_subcommand(
      "sweep", "Run every strategy x budget point in parallel; JSON, CSV and an HTML/Markdown report");
  AddRunOptions(cmd, &a->run);
  cmd->add_option("--csv", a->csv, "Write one CSV line per point");
  cmd->add_option("--report", a->report,
                  "Write a report: FILE.html (self-contained), FILE.md (charts as FILE-*.svg), or - "
                  "(HTML on standard output)");
  AddTargetsOption(cmd, &a->targets);
  cmd->add_option("-j,--jobs", a->jobs, "Worker threads (default: one per core)");
  cmd->add_option("--shard", a->shard,
                  "Run only shard i of n (points with point % n == i); join with `kvsim merge`")
      ->capture_default_str();
  cmd->footer(
      "Budget ranges: FROM..TO:xFACTOR (1GiB..64GiB:x2) or FROM..TO:POINTS (1%..100%:10).\n"
      "Examples:\n"
      "  kvsim sweep workloads/support_chat.json --strategy radix,block-trie,lru-buckets \\\n"
      "      --budget 5%..100%:8 --json plan.json --csv plan.csv --report plan.html\n"

      "  kvsim sweep trace.jsonl --strategy radix,belady --budget 1GiB..1TiB:x2 --shard 3/16 \\\n"
      "      --json shard-3.json -q     # then: kvsim merge shard-*.json --json all.json\n"
      "The report opens with a table of each strategy's smallest swept budget reaching each\n"
      "--targets hit rate, and a chart of that memory against attention error.");
  cmd->callback([a] { DoSweep(*a); });
}

}  // namespace kvsim::cli
