// `kvsim merge`: join the JSON of a sharded sweep into one, with optional CSV and report.
#include "commands.h"
#include "kvsim/output_files.h"
#include "kvsim/plan_report.h"
#include "kvsim/csv.h"
#include "kvsim/merge.h"
#include "kvsim/sweep.h"
#include "run_args.h"

namespace kvsim::cli {

void AddMergeCommand(CLI::App& app) {
  struct Args {
    std::vector<std::string> inputs;
    std::string json, csv, report, targets;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("merge", "Join the JSON results of sweep shards");
  cmd->add_option("inputs", a->inputs, "Shard JSON files (kvsim sweep or kvsim plan --shard i/n --json ...)")
      ->required();
  cmd->add_option("--json", a->json, "Write the merged JSON here (- for standard output)")->required();
  cmd->add_option("--csv", a->csv, "Also write CSV");
  cmd->add_option("--report", a->report, "Also write a report: FILE.html or FILE.md");
  AddTargetsOption(cmd, &a->targets);
  cmd->footer(
      "Example:\n  kvsim merge shard-0.json shard-1.json shard-2.json --json all.json --report all.html\n"
      "Fails (exit 2) when the files are not shards of one sweep or a point is missing.");
  cmd->callback([a] {
    OutputFiles files(a->inputs);
    files.Declare("--json", a->json);
    files.Declare("--csv", a->csv);
    DeclareReport(a->report, &files);
    const ReportOptions report_options{ParseTargets("--targets", a->targets)};
    std::vector<RunDocument> shards;
    for (const auto& p : a->inputs) shards.push_back(ReadShard(ReadJsonFile(p), p));
    const RunDocument merged = MergeRuns(shards, a->inputs);
    SetSweepOutputs(merged, a->json, a->csv, a->report, report_options, &files);
    const std::string what = merged.plan ? std::to_string(merged.plan->answers.size()) + " plan points"
                                         : std::to_string(merged.rows.size()) + " points";
    files.Print("merged " + std::to_string(shards.size()) + " shards: " + what + "\n");
    ListWritten(files.Commit());
  });
}

}  // namespace kvsim::cli
