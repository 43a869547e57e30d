// kvsim compare: pass, regression, improvement, and incompatible inputs.
#include <doctest/doctest.h>

#include "kvsim/compare.h"
#include "kvsim/error.h"
#include "kvsim/run_document_json.h"
#include "kvsim/csv.h"
#include "kvsim/merge.h"
#include "kvsim/sweep.h"
#include "support/random_workload.h"

namespace kvsim {
namespace {

RunDocument Doc(uint64_t seed = 8) {
  auto w = testing::RandomWorkload(seed);
  RunOptions o;
  o.model = FindModel("llama-3-8b");
  const RunResult run = Replay(*w, ParseStrategyList({"radix,block-trie"}),
                               ParseBudgetList({"inf,40tok"}), o);
  return MakeRunDocument(w->info(), run, o, RunContext{"scalar", {}});
}

TEST_CASE("identical runs pass; an injected regression is caught; improvements are not") {
  const auto base = Doc();
  const CompareTolerance tol;
  auto same = Compare(base, base, tol);
  CHECK(!same.regression);
  CHECK(same.lines.size() == 8);  // 4 rows x (token, request hit rate)
  auto worse = base;
  worse.rows[3].token_hit_rate -= 0.01;
  const auto r = Compare(base, worse, tol);
  CHECK(r.regression);
  CHECK(FormatCompare(r, tol, {}).find("REGRESSION") != std::string::npos);
  CHECK(FormatCompare(r, tol, {.markdown = true}).find("| **REGRESSION** |") != std::string::npos);
  // Within tolerance: no regression.
  auto slight = base;
  slight.rows[3].token_hit_rate -= 0.0005;
  CHECK(!Compare(base, slight, tol).regression);
  auto better = base;
  better.rows[1].token_hit_rate = 1.0;
  const auto b = Compare(base, better, tol);
  CHECK(!b.regression);
  CHECK(FormatCompare(b, tol, {}).find("better") != std::string::npos);
}

TEST_CASE("attention error growing beyond the relative tolerance is a regression") {
  auto base = Doc();
  base.rows[0].attention = AttentionSummary{};
  base.rows[0].attention->rel_l2_mean = 0.10;
  auto cur = base;
  cur.rows[0].attention->rel_l2_mean = 0.104;  // +4% < 5%
  CHECK(!Compare(base, cur, CompareTolerance{}).regression);
  cur.rows[0].attention->rel_l2_mean = 0.11;   // +10%
  CHECK(Compare(base, cur, CompareTolerance{}).regression);
  CHECK(!Compare(base, cur, CompareTolerance::Parse("error=0.2")).regression);
}

TEST_CASE("incompatible inputs are errors") {
  const auto base = Doc();
  CHECK_THROWS_WITH_AS(Compare(base, Doc(9), CompareTolerance{}),
                       doctest::Contains("incompatible inputs: different workloads"), Error);
  auto no_output = base;
  no_output.cache_output = false;
  CHECK_THROWS_WITH_AS(Compare(base, no_output, CompareTolerance{}),
                       doctest::Contains("incompatible inputs: different configurations (cache_output"),
                       Error);
  auto seed = base;
  seed.seed = 7;
  CHECK_THROWS_WITH_AS(Compare(base, seed, CompareTolerance{}),
                       doctest::Contains("incompatible inputs: different seeds"), Error);
  auto missing = base;
  missing.rows.erase(missing.rows.begin() + 1);
  CHECK_THROWS_WITH_AS(Compare(base, missing, CompareTolerance{}, /*strict=*/true),
                       "incompatible inputs: --strict: row radix @ 40tok of the baseline is missing "
                       "from the current run",
                       Error);
  CHECK_THROWS_WITH_AS(Compare(missing, base, CompareTolerance{}, /*strict=*/true),
                       "incompatible inputs: --strict: row radix @ 40tok of the current run is not "
                       "in the baseline",
                       Error);
  CHECK_THROWS_AS(CompareTolerance::Parse("hit=-1"), Error);
  CHECK_THROWS_AS(CompareTolerance::Parse("speed=2"), Error);
}

TEST_CASE("rows on one side only are listed, not failed; only regressions; no negative zero") {
  const auto base = Doc();
  auto fewer = base;
  fewer.rows.erase(fewer.rows.begin() + 1);
  const CompareTolerance tol;
  const auto added = Compare(fewer, base, tol);
  CHECK(!added.regression);
  CHECK(added.new_rows == std::vector<std::string>{"radix @ 40tok"});
  const auto dropped = Compare(base, fewer, tol);
  CHECK(dropped.missing_rows == std::vector<std::string>{"radix @ 40tok"});
  const std::string text = FormatCompare(added, tol, {});
  CHECK(text.find("new in the current run (not in the baseline):\n  radix @ 40tok") != std::string::npos);
  CHECK(text.find("1 new row(s) not compared") != std::string::npos);

  auto tiny = base;  // lower by less than the printed precision: the delta reads +0.000000
  tiny.rows[0].token_hit_rate -= 1e-9;
  const std::string zero = FormatCompare(Compare(base, tiny, tol), tol, {});
  CHECK(zero.find("-0.000000") == std::string::npos);
  CHECK(zero.find("+0.000000") != std::string::npos);

  auto worse = base;
  worse.rows[3].token_hit_rate -= 0.01;
  const std::string only = FormatCompare(Compare(base, worse, tol), tol, {.only_regressions = true});
  CHECK(only.find("REGRESSION") != std::string::npos);
  CHECK(only.find(" ok") == std::string::npos);
  CHECK(only.find("1 regression(s)") != std::string::npos);
}

// Found by mutating every field of a committed baseline (wrong types, nulls, deletions): these
// reached the JSON library's type errors (exit 70) or, for a row without its fields, a crash.
// Every one is now an input error naming the JSON path.
TEST_CASE("malformed run JSON: the path of the first bad field, never a crash") {
  const auto base = ToJson(Doc());
  auto check = [&](nlohmann::ordered_json doc, const std::string& message) {
    CHECK_THROWS_WITH_AS(ReadRunDocument(doc, "f.json"), message.c_str(), Error);
    doc["sweep"] = {{"points", 4}, {"shard", "0/1"}, {"strategies", {"radix"}}, {"budgets", {"inf"}}};
    CHECK_THROWS_AS(ReadShard(doc, "f.json"), Error);
  };
  const std::string tail = " (not the JSON of a kvsim run or sweep?)";
  auto d = base;
  d["results"][1] = nlohmann::ordered_json::object();
  check(d, "f.json: results[1].strategy: missing" + tail);
  d = base;
  d["results"][0] = nullptr;
  check(d, "f.json: results[0]: expected an object, got null" + tail);
  d = base;
  d["results"][2]["memory"]["peak_bytes"] = "7GiB";
  check(d, "f.json: results[2].memory.peak_bytes: expected a non-negative integer, got a string" + tail);
  d = base;
  d["results"][0]["prefill_gpu_seconds_saved"] = nullptr;
  check(d, "f.json: results[0].prefill_gpu_seconds_saved: expected a number, got null" + tail);
  d = base;
  d["model"]["prefill_tokens_per_second"] = "fast";
  check(d, "f.json: model.prefill_tokens_per_second: expected a number, got a string" + tail);
  d = base;
  d["workload"].erase("name");
  check(d, "f.json: workload.name: missing" + tail);
  CHECK_NOTHROW(ReadRunDocument(base, "f.json"));
  // Found by fuzz_run_json: a row without "point" (a plain run, not a sweep) read past the
  // row in RunToCsv (ASan heap-buffer-overflow). Its CSV cell is now empty.
  d = base;
  for (auto& row : d["results"]) row.erase("point");
  CHECK_NOTHROW(ReadRunDocument(d, "f.json"));
  const std::string csv = RunToCsv(ReadRunDocument(d, "f.json"));
  CHECK(csv.find("\n,\"radix\",\"radix\",\"fp16\",\"inf\",") != std::string::npos);
}

}  // namespace
}  // namespace kvsim
