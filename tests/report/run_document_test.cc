// The run document: derived figures computed once from the counts, and JSON at the edges that
// reads back exactly what it wrote (the committed baselines included, byte for byte).
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "kvsim/error.h"
#include "kvsim/merge.h"
#include "kvsim/probe.h"
#include "kvsim/run_document_json.h"
#include "kvsim/sweep.h"
#include "support/random_workload.h"
#include "support/small_probe.h"

namespace kvsim {
namespace {

RunDocument ProbedSweep() {
  auto w = testing::RandomWorkload(11);
  RunOptions o;
  o.model = FindModel("llama-3-8b");
  o.prefill_tokens_per_second = 1234.5;
  const auto strategies = ParseStrategyList({"radix,two-tier,turboquant"});
  const auto budgets = ParseBudgetList({"inf,30tok,10%"});
  RunResult run = Sweep(*w, strategies, budgets, o, SweepOptions{});
  ProbeAttention(*w, testing::SmallProbe(), o, &run);
  RunDocument doc = MakeRunDocument(w->info(), run, o, RunContext{"scalar", {}});
  doc.sweep = SweepFacts{9, "0/1", {"radix", "two-tier", "turboquant"}, {"inf", "30tok", "10%"}};
  doc.workload_stats = ComputeStats(*w, true);
  doc.command = {"kvsim", "sweep", "w.json"};
  return doc;
}

TEST_CASE("derived figures are the counts' ratios, computed once") {
  const RunDocument doc = ProbedSweep();
  REQUIRE(doc.rows.size() == 9);
  bool probed = false;
  for (const DocumentRow& r : doc.rows) {
    REQUIRE(r.prompt_tokens > 0);
    CHECK(r.prefill_tokens == r.prompt_tokens - r.hit_tokens);
    CHECK(r.token_hit_rate == static_cast<double>(r.hit_tokens) / static_cast<double>(r.prompt_tokens));
    CHECK(r.request_hit_rate == static_cast<double>(r.hit_requests) / static_cast<double>(r.requests));
    CHECK(*r.prefill_gpu_seconds_saved == static_cast<double>(r.hit_tokens) / 1234.5);
    CHECK(*r.prefill_gpu_seconds == static_cast<double>(r.prefill_tokens) / 1234.5);
    uint64_t turn_hits = 0;
    for (const ClassRow& c : r.by_turn) turn_hits += c.hit_tokens;
    CHECK(turn_hits == r.hit_tokens);
    probed = probed || r.attention.has_value();
  }
  CHECK(probed);
  CHECK(doc.BudgetBytes(doc.rows[1]) == 30.0 * static_cast<double>(doc.model.fp16_bytes_per_token));
  CHECK(!doc.BudgetBytes(doc.rows[0]).has_value());
}

TEST_CASE("a document reads back from its JSON exactly, and writes the same bytes") {
  const RunDocument doc = ProbedSweep();
  const std::string json = ToJson(doc).dump(2);
  const RunDocument back = ReadRunDocument(nlohmann::ordered_json::parse(json), "doc.json");
  CHECK(back.rows == doc.rows);
  CHECK(back.workload == doc.workload);
  CHECK(back.model == doc.model);
  CHECK(back.sweep == doc.sweep);
  CHECK(back.command == doc.command);
  CHECK(ToJson(back).dump(2) == json);
  // Merge reads shards and writes them back: the rows pass through unchanged.
  const RunDocument merged = MergeRuns({ReadShard(ToJson(doc), "a.json")}, {"a.json"});
  CHECK(merged.rows == doc.rows);
}

TEST_CASE("every committed baseline reads and writes back byte for byte") {
  for (const char* name : {"support_chat", "gen_support", "agent_tools", "mooncake_synthetic"}) {
    INFO(name);
    const std::string path = std::string(KVSIM_SOURCE_DIR) + "/results/" + name + ".json";
    std::ifstream in(path);
    REQUIRE(in);
    std::stringstream text;
    text << in.rdbuf();
    const RunDocument doc = ReadRunDocument(nlohmann::ordered_json::parse(text.str()), path);
    CHECK(doc.sweep.has_value());
    CHECK(ToJson(doc).dump(2) + "\n" == text.str());
  }
}

TEST_CASE("a non-finite or missing figure is an input error naming its path") {
  auto json = ToJson(ProbedSweep());
  json["results"][2]["memory"].erase("mean_tokens");
  CHECK_THROWS_WITH_AS(ReadRunDocument(json, "f.json"),
                       "f.json: results[2].memory.mean_tokens: missing (not the JSON of a kvsim run or sweep?)",
                       Error);
  json = ToJson(ProbedSweep());
  json["results"][0]["by_turn"][0]["turn"] = "first";
  CHECK_THROWS_WITH_AS(ReadRunDocument(json, "f.json"),
                       doctest::Contains("results[0].by_turn[0].turn: expected a non-negative integer"), Error);
}

}  // namespace
}  // namespace kvsim
