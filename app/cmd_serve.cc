// `kvsim serve`: the workload in time through a serving replica; TTFT beside hit rate.
#include <cmath>
#include <cstdio>
#include <sstream>

#include "commands.h"
#include "kvsim/error.h"
#include "kvsim/kernels.h"
#include "kvsim/output_files.h"
#include "kvsim/plan_report.h"
#include "kvsim/run_document_json.h"
#include "kvsim/serve.h"
#include "kvsim/serve_table.h"
#include "kvsim/serve_timeline.h"
#include "run_args.h"
#include "serve_args.h"

namespace kvsim::cli {
namespace {

struct ServeArgs {
  RunArgs run;
  ServeModelArgs model;
  std::string timeline, report;
  int64_t replicas = 1;
  std::vector<std::string> routers = {"round-robin"};
};

ServeOptions MakeServeOptions(const ServeArgs& a) {
  ServeOptions s = MakeServeOptions(a.model, a.run);
  if (a.replicas < 1 || a.replicas > 4096) {
    throw Error("--replicas must be in 1..4096, got " + std::to_string(a.replicas));
  }
  s.replicas = static_cast<uint32_t>(a.replicas);
  s.routers = SplitCommas(a.routers);
  return s;
}

// --json, --timeline and --report. The report shows the command line, which serve's JSON does
// not record.
void SetServeOutputs(const ServeArgs& a, RunDocument doc, const ServeTimeline& timeline,
                     OutputFiles* files) {
  if (!a.run.json.empty()) files->Set(a.run.json, ToJson(doc).dump(2) + "\n");
  if (!a.timeline.empty()) files->Set(a.timeline, TimelineCsv(timeline, doc));
  if (a.report.empty()) return;
  doc.command = CommandLine();
  ReportOptions report;
  report.timeline = &timeline;
  SetSweepOutputs(doc, "", "", a.report, report, files);
}

void DoServe(ServeArgs a) {
  OutputFiles files(RunInputs(a.run));
  files.Declare("--json", a.run.json);
  files.Declare("--timeline", a.timeline);
  DeclareReport(a.report, &files);
  CheckQuiet(a.run.quiet, !a.run.json.empty() || !a.timeline.empty() || !a.report.empty());
  ServeOptions serve = MakeServeOptions(a);
  ServeTimeline timeline;
  if (!a.timeline.empty() || !a.report.empty()) {
    serve.on_event = [&timeline](size_t row, const PoolSample& p) { timeline.Add(row, p); };
  }
  // An infinite prefill rate is exact time, not GPU-seconds: those use the model's rate.
  if (a.run.prefill_tps && std::isinf(*a.run.prefill_tps)) a.run.prefill_tps.reset();
  RunPlan plan = MakeRunPlan(a.run);
  RunDocument doc = ReplayToDocument(&plan, "serving", [&](const RunOptions& o) {
    return Serve(*plan.workload, plan.strategies, plan.budgets, o, serve);
  });
  doc.serve = SettingsOf(serve);
  SetServeOutputs(a, doc, timeline, &files);
  if (!a.run.quiet) {
    std::ostringstream table;
    PrintServeTable(table, doc, a.run.verbose);
    files.Print(table.str());
  }
  files.Commit();
}

}  // namespace

void AddServeCommand(CLI::App& app) {
  auto a = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand(
      "serve", "Replay a workload in time through a serving replica: TTFT and hit rate under load");
  AddRunOptions(cmd, &a->run);
  AddServeModelOptions(cmd, &a->model);
  cmd->add_option("--replicas", a->replicas,
                  "Replicas, each with the whole budget, its own cache and its own queue")
      ->capture_default_str();
  cmd->add_option("--router", a->routers,
                  "Routers, one row each: round-robin, least-load (fewest outstanding tokens), "
                  "session (sticky by session), cache-aware (SGLang router 0.2.3), kv-aware "
                  "(NVIDIA Dynamo 0.5.0 KV router)")
      ->capture_default_str();
  cmd->add_option("--timeline", a->timeline,
                  "Write the pool (pinned, cached, free) and the queue over time as CSV, a line at "
                  "most every 10 ms of simulated time");
  cmd->add_option("--report", a->report,
                  "Write a report: the serve table and each row's pool (pinned, cached, free) and "
                  "queue over time, then the capacity report of sweep. FILE.html (self-contained), "
                  "FILE.md (charts as FILE-*.svg), or - (HTML on standard output)");
  cmd->footer(
      "Traces are open loop (each request at its time); chat workloads are closed loop (a\n"
      "session's next request comes its delay after the previous one completed).\n"
      "Examples:\n"
      "  kvsim serve workloads/support_chat.json --strategy radix,turboquant --budget 10% --speedup 20\n"
      "  kvsim serve workloads/mooncake/conversation_trace.jsonl --strategy radix --budget 10Mtok\n"
      "  kvsim serve trace.jsonl --max-num-seqs 1 --prefill-tps 10000 --decode-tps inf --json q.json\n"
      "  kvsim serve workloads/support_chat.json --strategy radix,turboquant --budget 10% --speedup 100 \\\n"
      "      --report serve.html");
  cmd->callback([a] { DoServe(*a); });
}

}  // namespace kvsim::cli
