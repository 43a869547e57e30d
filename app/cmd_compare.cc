// `kvsim compare`: a fresh run against a baseline; exit 1 on a regression, 2 if incompatible.
#include <iostream>

#include "commands.h"
#include "kvsim/compare.h"
#include "kvsim/report.h"

namespace kvsim::cli {

void AddCompareCommand(CLI::App& app) {
  struct Args {
    std::string baseline, current, tolerance = "hit=0.001,error=0.05", format = "text";
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
  cmd->footer(
      "Rows are matched by strategy and budget.\n"
      "Exit codes: 0 no regression, 1 a regression beyond tolerance, 2 incompatible inputs\n"
      "(different workload or model, rows missing on either side) or bad usage.\n"
      "Example:\n  kvsim compare results/support_chat.json current.json --format markdown");
  cmd->callback([a] {
    const CompareTolerance tol = CompareTolerance::Parse(a->tolerance);
    const auto base = ReadJsonFile(a->baseline), cur = ReadJsonFile(a->current);
    CheckRunJson(base, a->baseline);
    CheckRunJson(cur, a->current);
    const auto result = Compare(base, cur, tol);
    std::cout << FormatCompare(result, tol, a->format == "markdown");
    if (result.regression) throw ExitWith{1};
  });
}

}  // namespace kvsim::cli
