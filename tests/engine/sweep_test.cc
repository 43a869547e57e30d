// Sweeps: ranges, parallel points equal to sequential runs, shards that partition the grid,
// merges that restore it, and the errors of a bad merge.
#include <doctest/doctest.h>

#include "kvsim/error.h"
#include "kvsim/plan_report.h"
#include "kvsim/run_document.h"
#include "kvsim/csv.h"
#include "kvsim/merge.h"
#include "kvsim/sweep.h"
#include "support/random_workload.h"

namespace kvsim {
namespace {

TEST_CASE("budget ranges: geometric and evenly spaced") {
  auto g = ParseBudgetRange("1GiB..64GiB:x2");
  REQUIRE(g.size() == 7);
  CHECK(g.front().value == (1ull << 30));
  CHECK(g.back().value == (64ull << 30));
  CHECK(g[3].text == "8GiB");
  auto p = ParseBudgetRange("1%..100%:10");
  REQUIRE(p.size() == 10);
  CHECK(p[0].text == "1%");
  CHECK(p[1].text == "12%");
  CHECK(p[9].text == "100%");
  CHECK(ParseBudgetList({"inf,1Mtok..4Mtok:x2"}).size() == 4);
  CHECK_THROWS_AS(ParseBudgetRange("1GiB..64%:x2"), Error);
  CHECK_THROWS_AS(ParseBudgetRange("8GiB..1GiB:x2"), Error);
  CHECK_THROWS_AS(ParseBudgetRange("1GiB..8GiB:x1"), Error);
  CHECK_THROWS_AS(ParseBudgetRange("1GiB..8GiB:1"), Error);
  CHECK_THROWS_AS(ParseBudgetRange("1GiB..8GiB"), Error);
}

RunOptions Options() {
  RunOptions o;
  o.model = FindModel("llama-3-8b");
  return o;
}

TEST_CASE("sweep points in parallel equal a sequential run; shards partition them") {
  auto w = testing::RandomWorkload(4);
  const auto strategies = ParseStrategyList({"radix,block-trie:block_size=4,lru-buckets,two-tier"});
  const auto budgets = ParseBudgetList({"inf,20tok,10%,50%"});
  const RunResult seq = Replay(*w, strategies, budgets, Options());
  SweepOptions sw;
  sw.jobs = 3;
  const RunResult par = Sweep(*w, strategies, budgets, Options(), sw);
  REQUIRE(par.rows.size() == seq.rows.size());
  CHECK(par.working_set_tokens == seq.working_set_tokens);
  for (size_t i = 0; i < seq.rows.size(); ++i) {
    CHECK(par.rows[i].point == i);
    CHECK(par.rows[i].hit_tokens == seq.rows[i].hit_tokens);
    CHECK(par.rows[i].peak_bytes == seq.rows[i].peak_bytes);
    CHECK(par.rows[i].evictions == seq.rows[i].evictions);
  }
  std::vector<size_t> seen(seq.rows.size(), 0);
  for (uint32_t s = 0; s < 3; ++s) {
    SweepOptions shard;
    shard.shard = Shard::Parse(std::to_string(s) + "/3");
    for (const auto& row : Sweep(*w, strategies, budgets, Options(), shard).rows) {
      CHECK(row.point % 3 == s);
      CHECK(row.hit_tokens == seq.rows[row.point].hit_tokens);
      ++seen[row.point];
    }
  }
  for (size_t c : seen) CHECK(c == 1);
  CHECK_THROWS_AS(Shard::Parse("3/3"), Error);
  CHECK_THROWS_AS(Shard::Parse("1"), Error);
  CHECK_THROWS_AS(Shard::Parse("a/b"), Error);
}

RunDocument ShardDoc(const Workload& w, const std::string& shard) {
  const auto strategies = ParseStrategyList({"radix,block-trie"});
  const auto budgets = ParseBudgetList({"inf,30tok,60tok"});
  SweepOptions sw;
  sw.shard = Shard::Parse(shard);
  RunOptions o = Options();
  const RunResult run = Sweep(w, strategies, budgets, o, sw);
  auto doc = MakeRunDocument(w.info(), run, o, RunContext{"scalar", {"kvsim", "sweep"}});
  doc.sweep = SweepFacts{6, shard, {"radix", "block-trie"}, {"inf", "30tok", "60tok"}};
  return doc;
}

TEST_CASE("merge joins shards in point order and refuses what is not one sweep") {
  auto w = testing::RandomWorkload(5);
  const auto a = ShardDoc(*w, "0/2"), b = ShardDoc(*w, "1/2"), all = ShardDoc(*w, "0/1");
  const auto merged = MergeRuns({b, a}, {"b.json", "a.json"});
  REQUIRE(merged.rows.size() == 6);
  for (size_t i = 0; i < 6; ++i) {
    CHECK(merged.rows[i].point == i);
    CHECK(merged.rows[i] == all.rows[i]);
  }
  CHECK(merged.sweep->shard == "merged");
  CHECK_THROWS_WITH_AS(MergeRuns({a}, {"a.json"}), "merge: points missing: 1, 3, 5 (is a shard absent?)",
                       Error);
  CHECK_THROWS_WITH_AS(MergeRuns({a, a}, {"a.json", "a2.json"}), "merge: point 0 appears twice (a2.json)",
                       Error);
  auto other = b;
  other.workload.requests = 1;
  CHECK_THROWS_AS(MergeRuns({a, other}, {"a.json", "other.json"}), Error);
  const std::string csv = RunToCsv(merged);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 7);  // header + 6 points
}

TEST_CASE("reports: HTML with inline SVG charts, Markdown with chart files") {
  auto w = testing::RandomWorkload(6);
  auto doc = ShardDoc(*w, "0/1");
  const std::string html = HtmlReport(doc);
  CHECK(html.find("<svg") != std::string::npos);
  CHECK(html.find("Token hit rate against cache budget") != std::string::npos);
  CHECK(html.find("token hit rate</text>") != std::string::npos);  // y axis label
  CHECK(html.find("(log scale)") == std::string::npos);            // 30 vs 60 tokens: linear
  const auto charts = ReportCharts(doc);
  CHECK(charts.size() == 3);  // fp16 only: no compression or attention charts
  const std::string md = MarkdownReport(doc, "r-");
  CHECK(md.find("![hit_rate](r-hit_rate.svg)") != std::string::npos);
  CHECK(md.find("| radix | 30tok |") != std::string::npos);
}

}  // namespace
}  // namespace kvsim
