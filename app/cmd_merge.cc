// `kvsim merge`: join the JSON of a sharded sweep into one, with optional CSV and report.
#include <iostream>

#include "commands.h"
#include "kvsim/plan_report.h"
#include "kvsim/report.h"
#include "kvsim/sweep.h"

namespace kvsim::cli {

void AddMergeCommand(CLI::App& app) {
  struct Args {
    std::vector<std::string> inputs;
    std::string json, csv, report;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("merge", "Join the JSON results of sweep shards");
  cmd->add_option("inputs", a->inputs, "Shard JSON files (kvsim sweep --shard i/n --json ...)")
      ->required();
  cmd->add_option("--json", a->json, "Write the merged JSON here")->required();
  cmd->add_option("--csv", a->csv, "Also write CSV");
  cmd->add_option("--report", a->report, "Also write a report: FILE.html or FILE.md");
  cmd->footer(
      "Example:\n  kvsim merge shard-0.json shard-1.json shard-2.json --json all.json --report all.html\n"
      "Fails (exit 2) when the files are not shards of one sweep or a point is missing.");
  cmd->callback([a] {
    std::vector<nlohmann::ordered_json> docs;
    for (const auto& p : a->inputs) {
      docs.push_back(ReadJsonFile(p));
      CheckRunJson(docs.back(), p, /*sweep=*/true);
    }
    const auto merged = MergeRuns(docs, a->inputs);
    WriteFileAtomically(a->json, merged.dump(2) + "\n");
    if (!a->csv.empty()) WriteFileAtomically(a->csv, RunToCsv(merged));
    if (!a->report.empty()) WriteReport(merged, a->report);
    std::cout << "merged " << docs.size() << " shards: " << merged["results"].size()
              << " points -> " << a->json << "\n";
  });
}

}  // namespace kvsim::cli
