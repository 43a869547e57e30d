// The output-file rules through the kvsim binary: standard output as "-", an unwritable standard
// output, outputs that name inputs, paths checked before the work, and `-q` with nothing to write.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "support/kvsim_cli.h"
#include "support/temp_dir.h"

namespace kvsim {
namespace {
namespace fs = std::filesystem;
using testing::RunKvsim;
using testing::Slurp;

const std::string kRun = "run workloads/support_chat.json --strategy radix --probe-requests 0";

TEST_CASE("- is standard output for every output option; the table then goes to stderr") {
  testing::TempDir dir;
  auto r = RunKvsim(kRun + " --json -", "2>/dev/null");
  REQUIRE(r.code == 0);
  CHECK(nlohmann::json::parse(r.out)["results"].size() == 1);  // JSON only: the table is not here
  r = RunKvsim(kRun + " --json - -q", "2>&1");
  CHECK(r.out.find("hit rate") == std::string::npos);
  r = RunKvsim("sweep workloads/support_chat.json --strategy radix --budget 10%,50% "
               "--probe-requests 0 --csv -", "2>/dev/null");
  REQUIRE(r.code == 0);
  CHECK(r.out.rfind("point,", 0) == 0);
  r = RunKvsim("inspect workloads/support_chat.json --json -", "2>/dev/null");
  CHECK(nlohmann::json::parse(r.out).contains("stats"));
  r = RunKvsim("gen --sessions 2 -o -", "2>/dev/null");
  CHECK(nlohmann::json::parse(r.out)["format"] == "kvsim-chat/1");
  r = RunKvsim("attention --codec q8 --context 64 --heads 1 --queries 2 --json -", "2>/dev/null");
  CHECK(nlohmann::json::parse(r.out)["results"].size() == 1);
  r = RunKvsim(kRun + " --json - --report -", "2>&1");
  CHECK(r.code == 2);  // run has no --report; two outputs on stdout are checked in the unit test
  CHECK(dir.Entries() == 0);
}

TEST_CASE("an unwritable standard output is an error, not exit 0") {
  testing::TempDir dir;
  const std::string full = dir.Path("full");
  if (::mknod(full.c_str(), S_IFCHR | 0666, makedev(1, 7)) != 0) {
    MESSAGE("mknod is not permitted here (not root): skipped");
    return;
  }
  auto r = RunKvsim(kRun, "2>&1 >'" + full + "'");
  CHECK(r.code == 2);
  CHECK(r.out.find("kvsim: error: cannot write to standard output: No space left on device") !=
        std::string::npos);
  r = RunKvsim("strategies", "2>&1 >'" + full + "'");
  CHECK(r.code == 2);
  r = RunKvsim(kRun + " --json " + dir.Path("r.json"), "2>&1 >'" + full + "'");
  CHECK(r.code == 2);
  CHECK_FALSE(fs::exists(dir.Path("r.json")));  // the table failed: no output lands
  r = RunKvsim(kRun + " --json '" + full + "' -q");
  CHECK(r.code == 2);
  CHECK(r.out.find("--json '" + full + "': write failed: No space left on device") !=
        std::string::npos);
  CHECK(fs::is_character_file(full));
}

TEST_CASE("an output that names an input is refused and the input is untouched") {
  testing::TempDir dir;
  const std::string w = dir.Write("w.json", Slurp(std::string(KVSIM_SOURCE_DIR) +
                                                  "/workloads/support_chat.json"));
  const std::string before = Slurp(w);
  auto r = RunKvsim("run " + w + " --json " + w);
  CHECK(r.code == 2);
  CHECK(r.out.find("--json '" + w + "': is an input of this command") != std::string::npos);
  CHECK(Slurp(w) == before);
  r = RunKvsim("gen --sessions 2 --user-length csv:" + w + ":x -o " + w);
  CHECK(r.code == 2);
  CHECK(r.out.find("--output '" + w + "': is an input of this command") != std::string::npos);
  CHECK(Slurp(w) == before);
}

TEST_CASE("output paths are checked before any work; a failing command writes nothing") {
  testing::TempDir dir;
  const std::string json = dir.Path("s.json");
  auto r = RunKvsim("sweep workloads/mooncake/conversation_trace.jsonl --strategy radix "
                    "--budget 1%..100%:50 --json " + json + " --csv " + dir.Path("no/x.csv"));
  CHECK(r.code == 2);
  CHECK(r.out.find("--csv '" + dir.Path("no/x.csv") + "': the directory") != std::string::npos);
  CHECK_FALSE(fs::exists(json));
  r = RunKvsim("sweep workloads/support_chat.json --report " + dir.Path("r.pdf"));
  CHECK(r.code == 2);
  CHECK(r.out.find("must end in .html or .md") != std::string::npos);
  r = RunKvsim(kRun + " -q");
  CHECK(r.code == 2);
  CHECK(r.out.find("-q: nothing would be written") != std::string::npos);
  CHECK(dir.Entries() == 0);
}

TEST_CASE("sweep lists the files it wrote, a Markdown report with its charts") {
  testing::TempDir dir;
  const auto r = RunKvsim("sweep workloads/support_chat.json --strategy radix --budget 10%,50% "
                          "--probe-requests 0 -q --json " + dir.Path("s.json") + " --report " +
                          dir.Path("s.md"));
  REQUIRE(r.code == 0);
  CHECK(r.out.find("wrote " + dir.Path("s.json")) != std::string::npos);
  CHECK(r.out.find(dir.Path("s-hit_rate.svg")) != std::string::npos);
  CHECK(fs::exists(dir.Path("s.md")));
}

}  // namespace
}  // namespace kvsim

namespace kvsim {
namespace {

TEST_CASE("a reader that goes away from standard output: an error, and no output left behind") {
  testing::TempDir dir, logs;
  const std::string err = logs.Path("err.txt");
  // head closes the pipe after 10 bytes of the JSON. The JSON output has failed, so, as when
  // any output fails, no other output is written, and no temporary file is left behind.
  testing::RunKvsim("serve workloads/support_chat.json --strategy radix,block-trie,turboquant --budget 10% "
                    "--json - -q --timeline " + dir.Path("t.csv"),
                    "2>" + err + " | head -c 10 >/dev/null");
  CHECK(std::filesystem::is_empty(dir.Path("")));
  CHECK(testing::Slurp(err).find("cannot write to standard output") != std::string::npos);
}

}  // namespace
}  // namespace kvsim
