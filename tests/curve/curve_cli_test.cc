// kvsim curve and the sweep's curves from the command line: the JSON carries each curve, equal
// across runs and equal to `kvsim run` at a budget on it; sampled curves report their error; a
// sweep's rows are unchanged by curves and its shards merge with them; bad input writes nothing.
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/kvsim_cli.h"
#include "support/temp_dir.h"

namespace kvsim {
namespace {

using nlohmann::json;
using testing::RunKvsim;
using testing::Slurp;

const std::string kChat = "workloads/support_chat.json";

TEST_CASE("kvsim curve writes each strategy's curve, the same every run, equal to kvsim run") {
  testing::TempDir dir;
  const std::string args = "curve " + kChat +
                           " --strategy block-trie:block_size=4,block-trie+q4 --probe-requests 0 -q";
  REQUIRE(RunKvsim(args + " --json " + dir.Path("a.json") + " --csv " + dir.Path("a.csv")).code == 0);
  REQUIRE(RunKvsim(args + " --json " + dir.Path("b.json")).code == 0);
  CHECK(Slurp(dir.Path("a.json")) == Slurp(dir.Path("b.json")));
  const json doc = json::parse(Slurp(dir.Path("a.json")));
  REQUIRE(doc["results"].size() == 2);
  const json& row = doc["results"][0];
  CHECK(row["curve_info"]["block_size"] == 4);
  CHECK(row["curve_info"]["sample"] == 1.0);
  const json& points = row["curve"];
  REQUIRE(points.size() > 10);
  CHECK(points.back()["hit_tokens"] == row["hit_tokens"]);
  const json& mid = points[points.size() / 2];
  const std::string budget = std::to_string(mid["tokens"].get<uint64_t>()) + "tok";
  REQUIRE(RunKvsim("run " + kChat + " --strategy block-trie:block_size=4 --probe-requests 0 -q --budget " +
                   budget + " --json " + dir.Path("run.json")).code == 0);
  const json run = json::parse(Slurp(dir.Path("run.json")))["results"][0];
  CHECK(run["hit_tokens"] == mid["hit_tokens"]);
  CHECK(run["hit_requests"] == mid["hit_requests"]);
  CHECK(Slurp(dir.Path("a.csv")).rfind("strategy,block_size,sample,tokens,bytes,", 0) == 0);
}

TEST_CASE("a sampled curve reports its error against the exact one") {
  testing::TempDir dir;
  REQUIRE(RunKvsim("curve " + kChat + " --sample 0.5 --check-sample --probe-requests 0 -q --json " +
                   dir.Path("s.json")).code == 0);
  const json info = json::parse(Slurp(dir.Path("s.json")))["results"][0]["curve_info"];
  CHECK(info["sample"] == 0.5);
  CHECK(info["error"]["max_abs"].get<double>() >= info["error"]["mean_abs"].get<double>());
  CHECK(info["error"]["mean_abs"].get<double>() < 0.1);
}

// A sampled curve without --check-sample replays no row: its counts come from the reader and
// must equal the exact run's, on a chat workload (working set from the hidden radix row) and a
// block-identified trace (working set from the reader).
TEST_CASE("a sampled curve's row counts equal the exact curve's, with no row replayed") {
  testing::TempDir dir;
  for (const std::string& w : {kChat, std::string("workloads/mooncake/synthetic_trace.jsonl")}) {
    const std::string args = "curve " + w + " --probe-requests 0 -q --json ";
    REQUIRE(RunKvsim(args + dir.Path("exact.json")).code == 0);
    REQUIRE(RunKvsim(args + dir.Path("sampled.json") + " --sample 0.5").code == 0);
    const json exact = json::parse(Slurp(dir.Path("exact.json")));
    const json sampled = json::parse(Slurp(dir.Path("sampled.json")));
    CHECK(sampled["results"][0]["requests"] == exact["results"][0]["requests"]);
    CHECK(sampled["results"][0]["prompt_tokens"] == exact["results"][0]["prompt_tokens"]);
    CHECK(sampled["workload"] == exact["workload"]);
  }
}

TEST_CASE("a sweep's rows are the same with curves, its report draws them, its shards merge") {
  testing::TempDir dir;
  const std::string sweep = "sweep " + kChat +
                            " --strategy radix,block-trie --budget 2%,10%,40% --probe-requests 0 -q";
  REQUIRE(RunKvsim(sweep + " --json " + dir.Path("full.json") + " --report " + dir.Path("r.md")).code == 0);
  const json full = json::parse(Slurp(dir.Path("full.json")));
  REQUIRE(full["curves"].size() == 2);  // block-trie, and the token LRU beside radix
  CHECK(full["curves"][1]["strategy"] == "block-trie:block_size=1");
  for (size_t i = 0; i < full["results"].size(); ++i) {
    const json& r = full["results"][i];
    const auto one = RunKvsim("run " + kChat + " --strategy " + r["strategy"].get<std::string>() +
                              " --budget " + r["budget"]["spec"].get<std::string>() +
                              " --probe-requests 0 -q --json " + dir.Path("one.json"));
    REQUIRE(one.code == 0);
    const json o = json::parse(Slurp(dir.Path("one.json")))["results"][0];
    CHECK(o["hit_tokens"] == r["hit_tokens"]);
    CHECK(o["evictions"] == r["evictions"]);
    CHECK(o["memory"] == r["memory"]);
    CHECK(o["by_session"] == r["by_session"]);
  }
  CHECK(Slurp(dir.Path("r.md")).find("radix vs token LRU") != std::string::npos);
  REQUIRE(RunKvsim(sweep + " --shard 0/2 --json " + dir.Path("s0.json")).code == 0);
  REQUIRE(RunKvsim(sweep + " --shard 1/2 --json " + dir.Path("s1.json")).code == 0);
  REQUIRE(RunKvsim("merge " + dir.Path("s0.json") + " " + dir.Path("s1.json") + " --json " +
                   dir.Path("m.json")).code == 0);
  json merged = json::parse(Slurp(dir.Path("m.json")));
  CHECK(merged["curves"] == full["curves"]);
  CHECK(merged["results"] == full["results"]);
}

TEST_CASE("bad curve input exits 2, says why and writes nothing") {
  testing::TempDir dir;
  for (const std::string bad : {"--strategy radix", "--strategy lru-buckets", "--strategy two-tier",
                                "--sample 0", "--sample 1.5", "--check-sample", "--points -1",
                                "--budget 10%"}) {
    INFO(bad);
    const auto r = RunKvsim("curve " + kChat + " " + bad + " --json " + dir.Path("c.json"));
    CHECK(r.code == 2);
    CHECK(!r.out.empty());
    CHECK(std::filesystem::is_empty(dir.Path("")));
  }
  CHECK(RunKvsim("curve " + kChat + " --strategy radix").out.find("kvsim sweep") != std::string::npos);
}

}  // namespace
}  // namespace kvsim
