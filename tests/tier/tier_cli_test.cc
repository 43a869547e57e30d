// Memory tiers from the command line: run, sweep and serve take --tier and write each row's
// hits by tier, bytes moved and per-tier figures; the document reads back and merges; bad
// --tier values exit 2 naming the option and write nothing.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "support/kvsim_cli.h"
#include "support/temp_dir.h"

namespace kvsim {
namespace {

using nlohmann::json;
using testing::RunKvsim;
using testing::Slurp;

const std::string kChat = "workloads/support_chat.json";
const std::string kTiers = " --tier host:2x --tier disk:4x:mode=exclusive:codec=q4";

TEST_CASE("run, sweep and serve write hits by tier that add up, the same rows every run") {
  testing::TempDir dir;
  for (const std::string cmd : {"run", "sweep", "serve"}) {
    CAPTURE(cmd);
    const std::string args = cmd + " " + kChat + " --strategy radix,block-trie --budget 5%,10% " +
                             "--probe-requests 0 -q" + kTiers;
    REQUIRE(RunKvsim(args + " --json " + dir.Path(cmd + "-a.json")).code == 0);
    REQUIRE(RunKvsim(args + " --json " + dir.Path(cmd + "-b.json")).code == 0);
    const json doc = json::parse(Slurp(dir.Path(cmd + "-a.json")));
    CHECK(doc["results"] == json::parse(Slurp(dir.Path(cmd + "-b.json")))["results"]);
    REQUIRE(doc["results"].size() == 4);
    for (const json& row : doc["results"]) {
      const json& by = row["hit_tokens_by_tier"];
      CHECK(by["gpu"].get<uint64_t>() + by["host"].get<uint64_t>() + by["disk"].get<uint64_t>() ==
            row["hit_tokens"].get<uint64_t>());
      CHECK(row["tiers"].size() == 2);
      CHECK(row["tiers"][1]["codec"] == "q4");
      CHECK(row["tiers"][1]["mode"] == "exclusive");
      CHECK(row["bytes_moved"].contains("host_to_gpu"));
      CHECK(row["bytes_moved"].contains("host_to_disk"));
    }
  }
  // The sweep's rows are the run's, figure by figure.
  const json run = json::parse(Slurp(dir.Path("run-a.json")));
  const json sweep = json::parse(Slurp(dir.Path("sweep-a.json")));
  for (size_t i = 0; i < 4; ++i) {
    CHECK(run["results"][i]["hit_tokens_by_tier"] == sweep["results"][i]["hit_tokens_by_tier"]);
    CHECK(run["results"][i]["tiers"] == sweep["results"][i]["tiers"]);
  }
  // Served rows carry the break-even context of each tier.
  const json serve = json::parse(Slurp(dir.Path("serve-a.json")));
  CHECK(serve["results"][0]["tiers"][0]["break_even_context"].is_number());
}

TEST_CASE("a tiered sweep's report says its hit rates count every tier") {
  testing::TempDir dir;
  REQUIRE(RunKvsim("sweep " + kChat + " --strategy radix --budget 5% --probe-requests 0 -q --report " +
                   dir.Path("r.html") + kTiers).code == 0);
  const std::string html = Slurp(dir.Path("r.html"));
  CHECK(html.find("memory tiers") != std::string::npos);
  CHECK(html.find("host (inclusive, lru, fp16, 25 GB/s); disk (exclusive, lru, q4, 5 GB/s)") != std::string::npos);
  REQUIRE(RunKvsim("sweep " + kChat + " --strategy radix --budget 5% --probe-requests 0 -q --report " +
                   dir.Path("plain.html")).code == 0);
  CHECK(Slurp(dir.Path("plain.html")).find("memory tiers") == std::string::npos);
}

TEST_CASE("a tiered sweep's shards merge into the unsharded document") {
  testing::TempDir dir;
  const std::string args = "sweep " + kChat + " --strategy radix,block-trie --budget 5%,10% --probe-requests 0 -q" + kTiers;
  REQUIRE(RunKvsim(args + " --json " + dir.Path("all.json")).code == 0);
  REQUIRE(RunKvsim(args + " --shard 0/2 --json " + dir.Path("s0.json")).code == 0);
  REQUIRE(RunKvsim(args + " --shard 1/2 --json " + dir.Path("s1.json")).code == 0);
  REQUIRE(RunKvsim("merge " + dir.Path("s0.json") + " " + dir.Path("s1.json") + " --json " +
                   dir.Path("merged.json")).code == 0);
  const json all = json::parse(Slurp(dir.Path("all.json")));
  const json merged = json::parse(Slurp(dir.Path("merged.json")));
  CHECK(all["results"] == merged["results"]);
}

TEST_CASE("bad --tier values exit 2, name the option and write nothing") {
  testing::TempDir dir;
  const std::string out = " --json " + dir.Path("out.json");
  for (const std::string bad : {"--tier gpu:1GiB", "--tier host", "--tier host:lots",
                                "--tier host:1GiB:bw=-1", "--tier host:1GiB:mode=sometimes",
                                "--tier host:1GiB:codec=nope", "--tier host:1GiB --tier host:2GiB",
                                "--tier host:2x --budget inf", "--tier-chunk 16"}) {
    CAPTURE(bad);
    const auto r = RunKvsim("run " + kChat + " --probe-requests 0 " + bad + out);
    CHECK(r.code == 2);
    CHECK(r.out.find("--tier") != std::string::npos);
    CHECK(dir.Entries() == 0);
  }
  const auto curve = RunKvsim("curve " + kChat + " --tier host:1GiB" + out);
  CHECK(curve.code == 2);
  CHECK(curve.out.find("sweep the GPU budget") != std::string::npos);
  const auto overlap = RunKvsim("serve " + kChat + " --tier host:1GiB --tier-overlap always" + out);
  CHECK(overlap.code == 2);
  CHECK(overlap.out.find("--tier-overlap") != std::string::npos);
  CHECK(dir.Entries() == 0);
}

}  // namespace
}  // namespace kvsim
