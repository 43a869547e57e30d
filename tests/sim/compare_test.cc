// kvsim compare: pass, regression, improvement, and incompatible inputs.
#include <doctest/doctest.h>

#include "kvsim/compare.h"
#include "kvsim/error.h"
#include "kvsim/report.h"
#include "support/random_workload.h"

namespace kvsim {
namespace {

nlohmann::ordered_json Doc(uint64_t seed = 8) {
  auto w = testing::RandomWorkload(seed);
  RunOptions o;
  o.model = FindModel("llama-3-8b");
  const RunResult run = Replay(*w, ParseStrategyList({"radix,block-trie"}),
                               ParseBudgetList({"inf,40tok"}), o);
  return RunToJson(w->info(), run, o, RunContext{"scalar", {}});
}

TEST_CASE("identical runs pass; an injected regression is caught; improvements are not") {
  const auto base = Doc();
  const CompareTolerance tol;
  auto same = Compare(base, base, tol);
  CHECK(!same.regression);
  CHECK(same.lines.size() == 8);  // 4 rows x (token, request hit rate)
  auto worse = base;
  worse["results"][3]["token_hit_rate"] = base["results"][3]["token_hit_rate"].get<double>() - 0.01;
  const auto r = Compare(base, worse, tol);
  CHECK(r.regression);
  CHECK(FormatCompare(r, tol, false).find("REGRESSION") != std::string::npos);
  CHECK(FormatCompare(r, tol, true).find("| **REGRESSION** |") != std::string::npos);
  // Within tolerance: no regression.
  auto slight = base;
  slight["results"][3]["token_hit_rate"] = base["results"][3]["token_hit_rate"].get<double>() - 0.0005;
  CHECK(!Compare(base, slight, tol).regression);
  auto better = base;
  better["results"][1]["token_hit_rate"] = 1.0;
  const auto b = Compare(base, better, tol);
  CHECK(!b.regression);
  CHECK(FormatCompare(b, tol, false).find("better") != std::string::npos);
}

TEST_CASE("attention error growing beyond the relative tolerance is a regression") {
  auto base = Doc();
  base["results"][0]["attention"] = {{"output_rel_l2", {{"mean", 0.10}, {"p99", 0.3}}}};
  auto cur = base;
  cur["results"][0]["attention"]["output_rel_l2"]["mean"] = 0.104;  // +4% < 5%
  CHECK(!Compare(base, cur, CompareTolerance{}).regression);
  cur["results"][0]["attention"]["output_rel_l2"]["mean"] = 0.11;   // +10%
  CHECK(Compare(base, cur, CompareTolerance{}).regression);
  CHECK(!Compare(base, cur, CompareTolerance::Parse("error=0.2")).regression);
}

TEST_CASE("incompatible inputs are errors") {
  const auto base = Doc();
  CHECK_THROWS_WITH_AS(Compare(base, Doc(9), CompareTolerance{}),
                       doctest::Contains("incompatible inputs: different workloads"), Error);
  auto missing = base;
  missing["results"].erase(missing["results"].begin() + 1);
  CHECK_THROWS_WITH_AS(Compare(base, missing, CompareTolerance{}),
                       "incompatible inputs: row radix @ 40tok of the baseline is missing from the "
                       "current run",
                       Error);
  CHECK_THROWS_WITH_AS(Compare(missing, base, CompareTolerance{}),
                       "incompatible inputs: row radix @ 40tok of the current run is not in the "
                       "baseline",
                       Error);
  CHECK_THROWS_AS(CompareTolerance::Parse("hit=-1"), Error);
  CHECK_THROWS_AS(CompareTolerance::Parse("speed=2"), Error);
}

}  // namespace
}  // namespace kvsim
