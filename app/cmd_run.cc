// `kvsim run`: replay one workload through strategies x budgets; print the table, write JSON.
#include <sstream>

#include "commands.h"
#include "kvsim/kernels.h"
#include "kvsim/output_files.h"
#include "kvsim/run_document_json.h"
#include "kvsim/run_table.h"
#include "run_args.h"

namespace kvsim::cli {
namespace {

void Run(const RunArgs& a) {
  OutputFiles files(RunInputs(a));
  files.Declare("--json", a.json);
  CheckQuiet(a.quiet, !a.json.empty());
  RunPlan plan = MakeRunPlan(a);
  const RunDocument doc = ReplayToDocument(&plan, "replaying", [&](const RunOptions& o) {
    return Replay(*plan.workload, plan.strategies, plan.budgets, o);
  });
  if (!a.json.empty()) files.Set(a.json, ToJson(doc).dump(2) + "\n");
  if (!a.quiet) {
    std::ostringstream table;
    PrintRunTable(table, doc, a.verbose);
    files.Print(table.str());
  }
  files.Commit();
}

}  // namespace

void AddRunCommand(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand("run", "Replay a workload through strategies and budgets");
  AddRunOptions(cmd, args.get());
  cmd->footer(
      "Examples:\n"
      "  kvsim run workloads/support_chat.json\n"
      "  kvsim run workloads/support_chat.json --budget inf,25% --json r.json\n"
      "  kvsim run workloads/support_chat.json --json - | jq .results   # the table goes to stderr\n"
      "  kvsim run workloads/support_chat.json --strategy radix,block-trie:block_size=32 \\\n"
      "      --budget 10%,25%,50% --model llama-3-70b\n"
      "  kvsim run workloads/support_chat.json --strategy radix,two-tier,turboquant --budget 25%\n"
      "  kvsim run workloads/mooncake/conversation_trace.jsonl --strategy radix --budget inf\n"
      "Output files: - is standard output; FIFOs and devices are written in place, links are\n"
      "followed, regular files are replaced atomically; nothing is written on error.\n"
      "Exit codes: 0 success, 2 bad usage or bad input (nothing is written on error).");
  cmd->callback([args] { Run(*args); });
}

}  // namespace kvsim::cli
