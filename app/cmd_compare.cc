// `kvsim compare`: a fresh run against a baseline; exit 1 on a regression, 2 if incompatible.
#include <iostream>

#include "commands.h"
#include "kvsim/compare.h"
#include "kvsim/run_document_json.h"

namespace kvsim::cli {

void AddCompareCommand(CLI::App& app) {
  struct Args {
    std::string baseline, current, tolerance = "hit=0.001,error=0.05", format = "text";
    bool only_regressions = false, strict = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("compare", "Compare a run against a baseline: did caching get worse?");
  cmd->add_option("baseline", a->baseline, "Baseline JSON (kvsim run/sweep --json)")->required();
  cmd->add_option("current", a->current, "Current JSON")->required();
  cmd->add_option("--tolerance", a->tolerance,
                  "hit=ABS (hit rates may fall by this much), error=REL (attention error may grow "
                  "by this share)")
      ->capture_default_str();
  cmd->add_option("--format", a->format, "text or markdown (for CI comments)")
      ->check(CLI::IsMember({"text", "markdown"}))
      ->capture_default_str();
  cmd->add_flag("--only-regressions", a->only_regressions,
                "List only the metrics that regressed (the summary still counts all)");
  cmd->add_flag("--strict", a->strict,
                "Rows on one side only (a new or a dropped strategy or budget) are incompatible");
  cmd->footer(
      "Rows are matched by strategy and budget; rows on one side only are listed as new or\n"
      "missing and not compared (unless --strict).\n"
      "Exit codes: 0 no regression, 1 a regression beyond tolerance, 2 incompatible inputs\n"
      "(a different workload, model, seed or --no-cache-output; with --strict, rows on one side\n"
      "only) or bad usage.\n"
      "Example:\n  kvsim compare results/support_chat.json current.json --format markdown");
  cmd->callback([a] {
    const CompareTolerance tol = CompareTolerance::Parse(a->tolerance);
    const RunDocument base = ReadRunDocument(ReadJsonFile(a->baseline), a->baseline);
    const RunDocument cur = ReadRunDocument(ReadJsonFile(a->current), a->current);
    const auto result = Compare(base, cur, tol, a->strict);
    std::cout << FormatCompare(result, tol, {a->format == "markdown", a->only_regressions});
    if (result.regression) throw ExitWith{1};
  });
}

}  // namespace kvsim::cli
