// `kvsim inspect`: what a workload holds and the most any cache could reuse from it.
#include <sstream>

#include "commands.h"
#include "kvsim/budget.h"
#include "kvsim/error.h"
#include "kvsim/output_files.h"
#include "kvsim/stats.h"
#include "kvsim/workload.h"
#include "report/text_table.h"
#include "run_args.h"

namespace kvsim::cli {
namespace {

struct InspectArgs {
  std::string workload, json;
  LoadArgs load;
  bool no_cache_output = false;
};

std::vector<std::string> Row(const std::string& name, const Distribution& d) {
  return {name, Fixed(d.mean, 1), std::to_string(d.min), std::to_string(d.p50),
          std::to_string(d.p90), std::to_string(d.p99), std::to_string(d.max)};
}

void Inspect(const InspectArgs& a) {
  OutputFiles files({a.workload});
  files.Declare("--json", a.json);
  const auto w = LoadWorkload(a.workload, MakeLoadOptions(a.load));
  const WorkloadStats s = ComputeStats(*w, !a.no_cache_output);
  const WorkloadInfo& info = w->info();
  if (!a.json.empty()) {
    nlohmann::ordered_json doc;
    doc["workload"] = {{"name", info.name}, {"path", info.path}, {"format", info.format}};
    doc["stats"] = StatsToJson(s);
    files.Set(a.json, doc.dump(2) + "\n");
  }
  std::ostringstream out;
  out << "workload        " << info.name << " (" << info.format << ", " << info.path << ")\n"
            << "requests        " << s.requests << " over " << Fixed(s.duration_s, 1) << " s\n"
            << "sessions        " << s.sessions << "\n"
            << "prompt tokens   " << s.prompt_tokens << "\n"
            << "output tokens   " << s.output_tokens << "\n"
            << "working set     " << s.working_set_tokens << " tokens (unbounded radix)\n"
            << "max hit rate    " << Percent(s.max_token_hit_rate, 2) << " (" << s.max_hit_tokens
            << " tokens: the most any index can reuse, with an unbounded budget)\n\n";
  TextTable t({"per request", "mean", "min", "p50", "p90", "p99", "max"});
  t.Add(Row("prompt tokens", s.prompt_len));
  t.Add(Row("output tokens", s.output_len));
  if (s.sessions > 0) t.Add(Row("turns/session", s.turns_per_session));
  t.Print(out);
  files.Print(out.str());
  files.Commit();
}

}  // namespace

void AddInspectCommand(CLI::App& app) {
  auto args = std::make_shared<InspectArgs>();
  auto* cmd = app.add_subcommand("inspect", "Describe a workload: sizes, distributions, reuse bound");
  cmd->add_option("workload", args->workload, "Workload file (chat JSON, token trace, Mooncake)")
      ->required();
  AddLoadOptions(cmd, &args->load);
  cmd->add_flag("--no-cache-output", args->no_cache_output,
                "Working set and reuse bound when only prompts are cached");
  cmd->add_option("--json", args->json, "Also write the statistics as JSON to this file");
  cmd->footer(
      "Examples:\n"
      "  kvsim inspect workloads/support_chat.json\n"
      "  kvsim inspect workloads/mooncake/conversation_trace.jsonl --json stats.json");
  cmd->callback([args] { Inspect(*args); });
}

}  // namespace kvsim::cli
