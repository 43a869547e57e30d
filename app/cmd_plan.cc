// `kvsim plan`: for each strategy, budget and router, the fewest replicas that meet the SLO.
#include <cmath>
#include <sstream>

#include "commands.h"
#include "kvsim/error.h"
#include "kvsim/kernels.h"
#include "kvsim/output_files.h"
#include "kvsim/plan.h"
#include "kvsim/plan_report.h"
#include "kvsim/plan_table.h"
#include "kvsim/sweep.h"
#include "run_args.h"
#include "serve_args.h"

namespace kvsim::cli {
namespace {

struct PlanArgs {
  RunArgs run;
  ServeModelArgs model;
  std::string slo, shard = "0/1", report;
  std::vector<std::string> routers = {"round-robin"};
  int64_t max_replicas = 256;
};

struct Combo {
  size_t point;
  const Strategy* strategy;
  const BudgetSpec* budget;
  std::string router;
};

// Every strategy x budget x router, numbered; this shard's (point % n == i).
std::vector<Combo> Combos(const RunPlan& plan, const std::vector<std::string>& routers, const Shard& shard,
                          size_t* total) {
  std::vector<Combo> out;
  size_t point = 0;
  for (const Strategy& s : plan.strategies) {
    for (const BudgetSpec& b : plan.budgets) {
      for (const std::string& r : routers) {
        if (point % shard.count == shard.index) out.push_back({point, &s, &b, r});
        ++point;
      }
    }
  }
  *total = point;
  return out;
}

void DoPlan(PlanArgs a) {
  OutputFiles files(RunInputs(a.run));
  files.Declare("--json", a.run.json);
  DeclareReport(a.report, &files);
  CheckQuiet(a.run.quiet, !a.run.json.empty() || !a.report.empty());
  const Shard shard = Shard::Parse(a.shard);
  PlanOptions options;
  options.slo = ParseSlo(a.slo);
  if (a.max_replicas < 1 || a.max_replicas > 4096) {
    throw Error("--max-replicas must be in 1..4096, got " + std::to_string(a.max_replicas));
  }
  options.max_replicas = static_cast<uint32_t>(a.max_replicas);
  ServeOptions serve = MakeServeOptions(a.model, a.run);
  const std::vector<std::string> routers = SplitCommas(a.routers);
  for (const std::string& r : routers) {
    bool known = false;
    for (const std::string& n : RouterNames()) known = known || n == r;
    if (!known) throw Error("--router '" + r + "': expected round-robin, least-load, session, cache-aware or kv-aware");
  }
  if (a.run.prefill_tps && std::isinf(*a.run.prefill_tps)) a.run.prefill_tps.reset();
  const bool pool = a.run.budgets.empty();
  RunPlan plan = MakeRunPlan(a.run);
  if (pool) plan.budgets = {ReplicaPool(serve.gpu, serve.tp, plan.options.model)};
  if (NeedsWorkingSet(plan.budgets)) {
    plan.options.working_set_tokens = WorkingSetTokens(*plan.workload, plan.options.cache_output);
  }
  size_t total = 0;
  const std::vector<Combo> combos = Combos(plan, routers, shard, &total);
  RunResult run;
  PlanFacts facts;
  for (const auto& t : options.slo) facts.slo.emplace_back(t.name, t.seconds);
  facts.max_replicas = options.max_replicas;
  {
    Progress progress("plan points");
    size_t done = 0;
    for (const Combo& c : combos) {
      PlanAnswer answer = PlanReplicas(*plan.workload, *c.strategy, *c.budget, c.router, plan.options, serve, options);
      facts.answers.push_back({c.point, answer.strategy, answer.budget_spec, answer.router, answer.replicas});
      for (PlanProbe& p : answer.probes) {
        p.row.budget_spec = *c.budget;
        p.row.point = c.point;
        run.rows.push_back(std::move(p.row));
      }
      progress(++done, combos.size());
    }
  }
  run.working_set_tokens = plan.options.working_set_tokens.value_or(0);
  RunDocument doc = MakeRunDocument(plan.workload->info(), run, plan.options,
                                    RunContext{ActiveKernels().name, CommandLine()});
  doc.serve = SettingsOf(serve);
  doc.plan = std::move(facts);
  doc.sweep = SweepFactsOf(plan, total, shard);
  doc.command = CommandLine();
  SetSweepOutputs(doc, a.run.json, "", a.report, ReportOptions{}, &files);
  if (!a.run.quiet) {
    std::ostringstream table;
    PrintPlanTable(table, doc);
    files.Print(table.str());
  }
  files.Commit();
}

}  // namespace

void AddPlanCommand(CLI::App& app) {
  auto a = std::make_shared<PlanArgs>();
  auto* cmd = app.add_subcommand(
      "plan", "For each strategy, budget and router: the fewest replicas whose served latencies meet an SLO");
  AddRunOptions(cmd, &a->run);
  cmd->get_option("--budget")
      ->description("KV pool per replica, as run's --budget (default: the GPUs' memory at vLLM's "
                    "gpu_memory_utilization 0.9, less the bf16 weights)");
  AddServeModelOptions(cmd, &a->model);
  cmd->add_option("--slo", a->slo,
                  "Targets, comma-separated: METRIC_STAT=DURATION with METRIC ttft, queue_wait, tpot "
                  "or e2e and STAT mean, p50, p90, p99 or max (ttft_p99=2s,tpot_p99=50ms)")
      ->required();
  cmd->add_option("--router", a->routers, "Routers to plan for, comma-separated (see `kvsim serve --help`)")
      ->capture_default_str();
  cmd->add_option("--max-replicas", a->max_replicas, "The most replicas searched")->capture_default_str();
  cmd->add_option("--shard", a->shard,
                  "Plan only shard i of n (strategy x budget x router points with point % n == i); "
                  "join with `kvsim merge`")
      ->capture_default_str();
  cmd->add_option("--report", a->report,
                  "Write a report: the answers and each SLO target against replicas. FILE.html, "
                  "FILE.md (charts as FILE-*.svg), or - (HTML on standard output)");
  cmd->footer(
      "The search doubles the replica count until the SLO is met, then bisects; the answer N is\n"
      "served and meets every target with no request rejected, and N - 1 is served and does not.\n"
      "Examples:\n"
      "  kvsim plan workloads/support_chat.json --slo ttft_p99=50ms --strategy radix,turboquant \\\n"
      "      --router round-robin,session --budget 2GiB --speedup 400\n"
      "  kvsim plan workloads/mooncake/conversation_trace.jsonl --slo ttft_p99=2s --strategy radix \\\n"
      "      --router cache-aware,kv-aware --report plan.html");
  cmd->callback([a] { DoPlan(*a); });
}

}  // namespace kvsim::cli
