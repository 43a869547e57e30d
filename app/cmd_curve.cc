// `kvsim curve`: the exact hit-rate curve of each curve strategy from one pass; JSON and CSV.
#include <cmath>
#include <sstream>

#include "commands.h"
#include "kvsim/curve_run.h"
#include "kvsim/curve_table.h"
#include "kvsim/error.h"
#include "kvsim/output_files.h"
#include "kvsim/plan_report.h"
#include "kvsim/run_document_json.h"
#include "run_args.h"

namespace kvsim::cli {
namespace {

struct CurveArgs {
  RunArgs run;
  std::string csv, targets;
  double sample = 1;
  bool check_sample = false;
  int64_t points = 2000;
};

CurveOptions MakeCurveOptions(const CurveArgs& a) {
  if (!(a.sample > 0 && a.sample <= 1)) {
    throw Error("--sample must be a share of blocks in (0, 1], such as 0.1 or 0.01");
  }
  if (a.check_sample && a.sample >= 1) throw Error("--check-sample needs --sample below 1");
  if (a.points < 0 || a.points > 100000000) throw Error("--points must be in 0..100000000 (0: all)");
  CurveOptions c;
  c.sample = a.sample;
  c.check_sample = a.check_sample;
  c.points = static_cast<size_t>(a.points);
  return c;
}

void DoCurve(CurveArgs a) {
  OutputFiles files(RunInputs(a.run));
  files.Declare("--json", a.run.json);
  files.Declare("--csv", a.csv);
  const std::vector<double> targets = ParseTargets("--targets", a.targets);
  const CurveOptions curve = MakeCurveOptions(a);
  CheckQuiet(a.run.quiet, !a.run.json.empty() || !a.csv.empty());
  if (!a.run.tiers.empty()) {
    throw Error("--tier: a curve is the hit rate of one cache at every size; for memory tiers "
                "below it, sweep the GPU budget: kvsim sweep W --budget ... --tier ...");
  }
  if (a.run.strategies.empty()) a.run.strategies = {"block-trie"};
  a.run.budgets = {"inf"};
  RunPlan plan = MakeRunPlan(a.run);
  const RunDocument doc = ReplayToDocument(&plan, "curve", [&](const RunOptions& o) {
    return ComputeCurves(*plan.workload, plan.strategies, o, curve);
  });
  if (!a.run.json.empty()) files.Set(a.run.json, ToJson(doc).dump(2) + "\n");
  if (!a.csv.empty()) files.Set(a.csv, CurveToCsv(doc));
  if (!a.run.quiet) {
    std::ostringstream table;
    PrintCurveTable(table, doc, targets);
    files.Print(table.str());
  }
  ListWritten(files.Commit());
}

}  // namespace

void AddCurveCommand(CLI::App& app) {
  auto a = std::make_shared<CurveArgs>();
  auto* cmd = app.add_subcommand(
      "curve", "The hit-rate curve of a block-trie strategy at every cache size, from one pass");
  AddRunOptions(cmd, &a->run);
  cmd->remove_option(cmd->get_option("--budget"));
  cmd->get_option("--strategy")
      ->description("Curve strategies, comma-separated: block-trie at any block_size, with any "
                    "codec of constant bytes per token (default: block-trie)");
  cmd->add_option("--csv", a->csv, "Write one CSV line per curve point");
  cmd->add_option("--sample", a->sample,
                  "Estimate the curve from this share of the blocks (SHARDS spatial sampling), "
                  "in (0, 1]")
      ->capture_default_str();
  cmd->add_flag("--check-sample", a->check_sample,
                "With --sample: also compute the exact curve and report the sampled one's error");
  cmd->add_option("--points", a->points,
                  "At most about this many points per curve in the outputs (0: every change "
                  "point); the first point at each whole percent of hit rate is always kept")
      ->capture_default_str();
  AddTargetsOption(cmd, &a->targets);
  cmd->get_option("--targets")
      ->description("Token hit rates in percent, comma-separated: the table gives each curve's "
                    "smallest cache reaching each");
  cmd->remove_option(cmd->get_option("--verbose"));  // the curve table has no per-class lines
  cmd->footer(
      "Examples:\n"
      "  kvsim curve workloads/support_chat.json --strategy block-trie:block_size=1 --json c.json\n"
      "  kvsim curve workloads/mooncake/conversation_trace.jsonl \\\n"
      "      --strategy block-trie,block-trie+q4,block-trie+turboquant --csv c.csv\n"
      "  kvsim curve workloads/mooncake/synthetic_trace.jsonl --sample 0.1 --check-sample\n"
      "Only stack algorithms have one-pass curves: radix, lru-buckets, belady and two-tier are\n"
      "refused (replay them with `kvsim sweep`). At every cache size the curve equals a\n"
      "`kvsim run` at that budget, exactly.\n"
      "Exit codes: 0 success, 2 bad usage or bad input (nothing is written on error).");
  cmd->callback([a] { DoCurve(*a); });
}

}  // namespace kvsim::cli
