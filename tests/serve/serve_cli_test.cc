// kvsim serve from the command line: the table, the JSON a compare reads back, the timeline, and
// bad options as input errors.
#include <doctest/doctest.h>

#include <sstream>

#include "support/kvsim_cli.h"
#include "support/temp_dir.h"

namespace kvsim {
namespace {

TEST_CASE("serve writes its table, JSON and timeline; compare reads the JSON back") {
  testing::TempDir dir;
  const std::string json = dir.Path("s.json"), csv = dir.Path("t.csv");
  const auto r = testing::RunKvsim("serve workloads/support_chat.json --strategy radix,turboquant --budget 10% "
                                   "--speedup 200 --json " + json + " --timeline " + csv);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("TTFT p99") != std::string::npos);
  const std::string text = testing::Slurp(json);
  for (const char* field : {"\"ttft\"", "\"queue_wait\"", "\"pooled_token_hit_rate\"", "\"serve\""}) {
    CHECK(text.find(field) != std::string::npos);
  }
  CHECK(testing::RunKvsim("compare " + json + " " + json).code == 0);
  std::istringstream lines(testing::Slurp(csv));
  std::string line;
  std::getline(lines, line);
  CHECK(line == "point,strategy,budget,time_s,pinned_tokens,cached_tokens,free_tokens,held_bytes,"
                "free_bytes,queued,running");
  size_t rows = 0, queued = 0;
  while (std::getline(lines, line)) {
    ++rows;
    queued += line.substr(line.rfind(',', line.rfind(',') - 1) + 1, 1) != "0";
  }
  CHECK(rows > 100);
  CHECK(queued > 0);  // at x200 requests wait for room
}

TEST_CASE("bad serve options are input errors") {
  for (const char* args : {"--gpu h10", "--speedup 0", "--tp 0", "--max-num-seqs 0", "--admission lazy",
                           "--prefill-tps -1", "--decode-tps 0"}) {
    INFO(args);
    const auto r = testing::RunKvsim(std::string("serve workloads/support_chat.json ") + args);
    CHECK(r.code == 2);
    CHECK(r.out.find("kvsim: error: ") == 0);
  }
}

}  // namespace
}  // namespace kvsim
