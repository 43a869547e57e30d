// kvsim plan from the command line: shards merge into exactly the unsharded plan, the report is
// written, and bad options are input errors that write nothing.
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/kvsim_cli.h"
#include "support/temp_dir.h"

namespace kvsim {
namespace {

const std::string kPlan =
    "plan workloads/support_chat.json --slo ttft_p99=40ms --strategy radix,turboquant "
    "--router round-robin,kv-aware --budget 2% --speedup 200 -q ";

nlohmann::json Comparable(const std::string& path) {
  auto j = nlohmann::json::parse(testing::Slurp(path));
  j.erase("command");
  j["sweep"]["shard"] = "";
  return j;
}

TEST_CASE("plan shards merge into the unsharded plan, with its report") {
  testing::TempDir dir;
  const std::string full = dir.Path("full.json"), s0 = dir.Path("s0.json"), s1 = dir.Path("s1.json");
  REQUIRE(testing::RunKvsim(kPlan + "--json " + full + " --report " + dir.Path("plan.html")).code == 0);
  REQUIRE(testing::RunKvsim(kPlan + "--shard 0/2 --json " + s0).code == 0);
  REQUIRE(testing::RunKvsim(kPlan + "--shard 1/2 --json " + s1).code == 0);
  const std::string merged = dir.Path("merged.json");
  REQUIRE(testing::RunKvsim("merge " + s0 + " " + s1 + " --json " + merged).code == 0);
  CHECK(Comparable(merged) == Comparable(full));
  const auto plan = nlohmann::json::parse(testing::Slurp(full))["plan"];
  CHECK(plan["answers"].size() == 4);
  const std::string html = testing::Slurp(dir.Path("plan.html"));
  CHECK(html.find("ttft_p99 against replicas") != std::string::npos);
  CHECK(testing::RunKvsim("merge " + s0 + " --json " + dir.Path("m.json")).code == 2);  // a shard missing
}

TEST_CASE("bad plan options exit 2 and write nothing") {
  testing::TempDir dir;
  for (const std::string bad : {"--slo ttft=2s", "--slo ttft_p99=2h", "--router nearest", "--max-replicas 0",
                                "--shard 2/2"}) {
    INFO(bad);
    const auto r = testing::RunKvsim("plan workloads/support_chat.json --strategy radix --budget 2% " + bad +
                                     " --json " + dir.Path("p.json"));
    CHECK(r.code == 2);
    CHECK(std::filesystem::is_empty(dir.Path("")));
  }
}

}  // namespace
}  // namespace kvsim
