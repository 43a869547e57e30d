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

namespace kvsim::cli {
namespace {

struct ServeArgs {
  RunArgs run;
  std::string gpu = "h100", admission = "reserve", timeline, report;
  int64_t tp = 1;
  std::optional<int64_t> max_num_seqs, max_batched_tokens;
  std::optional<double> decode_tps;
  double speedup = 1;
  int64_t replicas = 1;
  std::vector<std::string> routers = {"round-robin"};
};

// A rate option: positive, or inf.
double Rate(const char* option, const std::optional<double>& v) {
  if (!v) return 0;
  if (!(*v > 0) || (!std::isinf(*v) && *v > 1e15)) {
    char got[32];
    std::snprintf(got, sizeof got, "%g", *v);
    throw Error(std::string(option) + " must be a positive number of tokens/s or inf, got " + got);
  }
  return *v;
}

// vLLM V1's online-serving defaults (vllm/engine/arg_utils.py, get_batch_defaults): H100-class
// GPUs 1024 sequences and 8192 batched tokens, others 256 and 2048.
ServeOptions MakeServeOptions(const ServeArgs& a) {
  ServeOptions s;
  if (a.admission != "reserve" && a.admission != "incremental") {
    throw Error("--admission '" + a.admission + "': expected reserve or incremental");
  }
  s.admission = a.admission == "reserve" ? Admission::kReserve : Admission::kIncremental;
  s.gpu = FindGpu(a.gpu);
  if (a.tp < 1 || a.tp > 64) throw Error("--tp must be in 1..64, got " + std::to_string(a.tp));
  s.tp = static_cast<uint32_t>(a.tp);
  const bool big = a.gpu == "h100" || a.gpu == "h200";
  const auto limit = [](const char* option, const std::optional<int64_t>& v, uint64_t fallback) {
    if (!v) return fallback;
    if (*v < 1 || *v > (int64_t{1} << 30)) {
      throw Error(std::string(option) + " must be in 1..2^30, got " + std::to_string(*v));
    }
    return static_cast<uint64_t>(*v);
  };
  s.max_num_seqs = limit("--max-num-seqs", a.max_num_seqs, big ? 1024 : 256);
  s.max_batched_tokens = limit("--max-batched-tokens", a.max_batched_tokens, big ? 8192 : 2048);
  s.prefill_tps = Rate("--prefill-tps", a.run.prefill_tps);
  s.decode_tps = Rate("--decode-tps", a.decode_tps);
  if (!(a.speedup > 0) || std::isinf(a.speedup) || a.speedup > 1e9) {
    throw Error("--speedup must be a positive number (at most 1e9)");
  }
  s.speedup = a.speedup;
  if (a.replicas < 1 || a.replicas > 4096) {
    throw Error("--replicas must be in 1..4096, got " + std::to_string(a.replicas));
  }
  s.replicas = static_cast<uint32_t>(a.replicas);
  s.routers = SplitCommas(a.routers);
  return s;
}

ServeSettings SettingsOf(const ServeOptions& s) {
  ServeSettings o;
  o.admission = s.admission == Admission::kReserve ? "reserve" : "incremental";
  o.max_num_seqs = s.max_num_seqs;
  o.max_batched_tokens = s.max_batched_tokens;
  if (s.prefill_tps > 0) o.prefill_tps = s.prefill_tps;
  if (s.decode_tps > 0) o.decode_tps = s.decode_tps;
  o.speedup = s.speedup;
  o.gpu = s.gpu.name;
  o.tp = s.tp;
  return o;
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
  RunResult run;
  {
    Progress progress("serving");
    plan.options.progress = [&progress](uint64_t done, uint64_t total) { progress(done, total); };
    run = Serve(*plan.workload, plan.strategies, plan.budgets, plan.options, serve);
    plan.options.progress = nullptr;
  }
  ProbeAttention(*plan.workload, plan.probe, plan.options, &run);
  RunDocument doc = MakeRunDocument(plan.workload->info(), run, plan.options,
                                    RunContext{ActiveKernels().name, CommandLine()});
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
  cmd->get_option("--prefill-tps")
      ->description("Exact prefill speed: n new prompt tokens take n / X seconds (inf: no time; "
                    "default: the GPU roofline)");
  cmd->add_option("--decode-tps", a->decode_tps,
                  "Exact decode speed: a step with decodes takes 1 / Y seconds more (inf: no time; "
                  "default: the GPU roofline)");
  cmd->add_option("--gpu", a->gpu, "GPU profile: h100, h200, a100, l40s")->capture_default_str();
  cmd->add_option("--tp", a->tp, "GPUs per replica (tensor parallel)")->capture_default_str();
  cmd->add_option("--max-num-seqs", a->max_num_seqs,
                  "Running requests at most (default: vLLM's, 1024 on h100/h200, else 256)");
  cmd->add_option("--max-batched-tokens", a->max_batched_tokens,
                  "New prompt tokens per step (chunked prefill; default: vLLM's, 8192 on "
                  "h100/h200, else 2048)");
  cmd->add_option("--speedup", a->speedup,
                  "Divide trace arrival times and session starts by X (think times unchanged)")
      ->capture_default_str();
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
  cmd->add_option("--admission", a->admission,
                  "reserve: admit when the whole sequence fits, never preempt; incremental (vLLM "
                  "V1): admit when the uncached prompt fits, allocate per step, preempt the most "
                  "recently admitted request when the pool runs out")
      ->capture_default_str();
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
