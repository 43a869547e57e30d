// End-to-end tests of the kvsim binary: exit codes, JSON fields, determinism, and that nothing
// is written on error.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <thread>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "support/kvsim_cli.h"
#include "support/temp_dir.h"

namespace kvsim {
namespace {

using Result = testing::CliResult;
using testing::Slurp;
Result Kvsim(const std::string& args) { return testing::RunKvsim(args); }

const char* kDefault = "workloads/support_chat.json";

TEST_CASE("run prints the table and writes every documented output field") {
  testing::TempDir dir;
  const std::string json = dir.Path("r.json");
  const Result r = Kvsim(std::string("run ") + kDefault + " --budget inf,25% --json " + json);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("hit rate") != std::string::npos);
  CHECK(r.out.find("radix") != std::string::npos);
  const auto doc = nlohmann::json::parse(Slurp(json));
  CHECK(doc["kvsim"].contains("version"));
  CHECK(doc["kvsim"].contains("kernels"));
  CHECK(doc["seed"] == 42);
  for (const char* f : {"name", "path", "format", "requests", "sessions", "prompt_tokens",
                        "output_tokens", "working_set_tokens"}) {
    CHECK_MESSAGE(doc["workload"].contains(f), f);
  }
  for (const char* f : {"name", "layers", "kv_heads", "head_dim", "fp16_bytes_per_token"}) {
    CHECK_MESSAGE(doc["model"].contains(f), f);
  }
  REQUIRE(doc["results"].size() >= 6);  // every preset x 2 budgets
  for (const auto& row : doc["results"]) {
    for (const char* f : {"strategy", "index", "codec", "options", "budget", "hit_tokens",
                          "prompt_tokens", "prefill_tokens", "token_hit_rate", "requests",
                          "hit_requests", "request_hit_rate", "evictions", "memory",
                          "compression_ratio", "attention", "by_turn", "by_session"}) {
      CHECK_MESSAGE(row.contains(f), f);
    }
    for (const char* f : {"peak_tokens", "peak_bytes", "mean_bytes"}) CHECK(row["memory"].contains(f));
    CHECK(row["budget"].contains("tokens"));
    CHECK(row["budget"].contains("bytes"));
    CHECK(row["prefill_tokens"].get<uint64_t>() ==
          row["prompt_tokens"].get<uint64_t>() - row["hit_tokens"].get<uint64_t>());
    if (!row["budget"]["bytes"].is_null()) {
      CHECK(row["memory"]["peak_bytes"].get<uint64_t>() <= row["budget"]["bytes"].get<uint64_t>());
    }
  }
}

TEST_CASE("same input and seed: byte-identical JSON") {
  testing::TempDir dir;
  const std::string a = dir.Path("a.json"), b = dir.Path("b.json");
  const std::string args = std::string("run ") + kDefault + " --budget inf,10%,50% -q --json ";
  REQUIRE(Kvsim(args + a).code == 0);
  REQUIRE(Kvsim(args + b).code == 0);
  // The output paths differ only in the command, which is not part of the JSON.
  CHECK(Slurp(a) == Slurp(b));
  CHECK(!Slurp(a).empty());
}

TEST_CASE("bad input: exit code 2, a clear message, no output file") {
  testing::TempDir dir;
  const std::string json = dir.Path("out.json");
  const std::string bad = dir.Write("bad.json",
                                    R"({"format":"kvsim-chat/1","sessions":[{"messages":[)"
                                    R"({"role":"user","tokens":[1,-4]}]}]})");
  Result r = Kvsim("run " + bad + " --json " + json);
  CHECK(r.code == 2);
  CHECK(r.out.find("sessions[0].messages[0].tokens[1]: expected an unsigned 32-bit integer, got -4") !=
        std::string::npos);
  CHECK(!std::filesystem::exists(json));

  r = Kvsim(std::string("run ") + kDefault + " --strategy nope --json " + json);
  CHECK(r.code == 2);
  CHECK(r.out.find("unknown strategy or index 'nope'") != std::string::npos);
  r = Kvsim(std::string("run ") + kDefault + " --budget -1tok");
  CHECK(r.code == 2);
  r = Kvsim(std::string("run ") + kDefault + " --model gpt-9");
  CHECK(r.code == 2);
  CHECK(r.out.find("unknown model 'gpt-9'") != std::string::npos);
  r = Kvsim(std::string("run ") + kDefault + " --head-dim 100000");
  CHECK(r.code == 2);
  r = Kvsim("run /nonexistent.json");
  CHECK(r.code == 2);
  r = Kvsim("run " + dir.Write("empty.json", ""));
  CHECK(r.code == 2);
  CHECK(r.out.find("the file is empty") != std::string::npos);
  r = Kvsim("frobnicate");
  CHECK(r.code == 2);
  r = Kvsim(std::string("run ") + kDefault + " --json /nonexistent-dir/x.json");
  CHECK(r.code == 2);
  CHECK(!std::filesystem::exists(json));
}

TEST_CASE("values that would be ignored or wrapped are refused; parser errors say what was expected") {
  const std::string run = std::string("run ") + kDefault + " --strategy radix --probe-requests 0 ";
  Result r = Kvsim(run + "--layers 0");
  CHECK(r.code == 2);
  CHECK(r.out.find("kvsim: error: --layers must be in 1..4096, got 0") != std::string::npos);
  r = Kvsim(run + "--prefill-tps 0");
  CHECK(r.code == 2);
  CHECK(r.out.find("--prefill-tps must be a positive number of tokens/s") != std::string::npos);
  r = Kvsim("gen --sessions -5");
  CHECK(r.code == 2);
  CHECK(r.out.find("--sessions must be in 1..10000000, got -5") != std::string::npos);
  r = Kvsim(run + "--seed abc");
  CHECK(r.code == 2);
  CHECK(r.out.find("kvsim: error: --seed: expected an integer, got 'abc'") != std::string::npos);
  r = Kvsim(run + "--bugdet 5%");
  CHECK(r.code == 2);
  CHECK(r.out.find("kvsim: error: unexpected argument '5%'; unexpected argument '--bugdet' (did you "
                   "mean '--budget'?)") != std::string::npos);
  r = Kvsim("swep");
  CHECK(r.code == 2);
  CHECK(r.out.find("unknown command 'swep' (did you mean 'sweep'?)") != std::string::npos);
  r = Kvsim("run .");
  CHECK(r.code == 2);
  CHECK(r.out.find("kvsim: error: .: is a directory") != std::string::npos);
  r = Kvsim("--version");
  CHECK(r.code == 0);
  CHECK(r.out.rfind("kvsim ", 0) == 0);
}

TEST_CASE("the default table fits 120 columns and shows GPU-seconds saved; -v shows every figure") {
  const std::string run = std::string("run ") + kDefault +
                          " --budget 10GB --probe-requests 2 --strategy radix,turboquant,"
                          "block-trie:block_size=512+turboquant:key_bits=3,value_bits=3";
  Result r = Kvsim(run);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("GPU-s saved") != std::string::npos);
  CHECK(r.out.find("evictions") == std::string::npos);
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) CHECK_MESSAGE(line.size() <= 120, line);
  r = Kvsim(run + " -v");
  for (const char* column : {"evictions", "peak tokens", "bits/ch", "rel-L2 p99", "top-8", "KL",
                             "block-trie:block_size=512+turboquant:key_bits=3,value_bits=3"}) {
    CHECK_MESSAGE(r.out.find(column) != std::string::npos, column);
  }
}

TEST_CASE("decimal byte budgets are shown with their binary size") {
  const Result r = Kvsim(std::string("run ") + kDefault +
                         " --strategy radix --probe-requests 0 --budget 10GB,10GiB");
  REQUIRE(r.code == 0);
  CHECK(r.out.find("10GB (9.31 GiB)") != std::string::npos);
  CHECK(r.out.find("10GiB (") == std::string::npos);
}

TEST_CASE("help and strategies") {
  Result r = Kvsim("--help");
  CHECK(r.code == 0);
  CHECK(r.out.find("Examples") != std::string::npos);
  r = Kvsim("run --help");
  CHECK(r.code == 0);
  CHECK(r.out.find("--budget") != std::string::npos);
  r = Kvsim("strategies");
  CHECK(r.code == 0);
  for (const char* name : {"radix", "block-trie", "lru-buckets", "block_size=16", "max_entries=10"}) {
    CHECK_MESSAGE(r.out.find(name) != std::string::npos, name);
  }
}

TEST_CASE("custom model dimensions change bytes per token") {
  testing::TempDir dir;
  const std::string json = dir.Path("c.json");
  REQUIRE(Kvsim(std::string("run ") + kDefault +
                " --strategy radix --budget inf --layers 2 --kv-heads 4 --head-dim 64 -q --json " + json)
              .code == 0);
  const auto doc = nlohmann::json::parse(Slurp(json));
  CHECK(doc["model"]["name"] == "custom");
  CHECK(doc["model"]["fp16_bytes_per_token"] == 2 * 2 * 4 * 64 * 2);
}

TEST_CASE("run probes attention error for lossy codecs; attention prints codec x context") {
  testing::TempDir dir;
  const std::string json = dir.Path("a.json");
  Result r = Kvsim(std::string("run ") + kDefault +
                   " --strategy radix+fp32,turboquant,two-tier --budget 25% --probe-requests 4 --json " + json);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("rel-L2") != std::string::npos);
  const auto doc = nlohmann::json::parse(Slurp(json));
  CHECK(doc["results"][0]["attention"].is_null());  // fp32 is lossless
  for (int i = 1; i <= 2; ++i) {
    const auto& a = doc["results"][i]["attention"];
    REQUIRE(a.is_object());
    for (const char* f : {"output_rel_l2", "output_cosine", "score_rmse", "weights_kl",
                          "top8_recall", "tokens_probed", "attention_entropy"}) {
      CHECK_MESSAGE(a.contains(f), f);
    }
    CHECK(a["output_rel_l2"]["mean"].get<double>() > 0);
    CHECK(a["tokens_probed"].get<uint64_t>() > 0);
  }
  // Symmetric q8 (the q8_0 layout) through run's attention probe: error near q8's, 136 bytes.
  r = Kvsim(std::string("run ") + kDefault +
            " --strategy radix+q8,radix+q8:mode=symmetric --budget 25% --probe-requests 4 --json " + json);
  REQUIRE(r.code == 0);
  const auto sym = nlohmann::json::parse(Slurp(json));
  REQUIRE(sym["results"].size() == 2);
  for (int i = 0; i < 2; ++i) {
    const auto& a = sym["results"][i]["attention"];
    REQUIRE(a.is_object());
    CHECK(a["tokens_probed"].get<uint64_t>() > 0);
    CHECK(a["output_rel_l2"]["mean"].get<double>() > 0);
    CHECK(a["output_rel_l2"]["mean"].get<double>() < 0.05);
  }
  CHECK(sym["results"][0]["compression_ratio"].get<double>() == doctest::Approx(256.0 / 144).epsilon(0.01));
  CHECK(sym["results"][1]["compression_ratio"].get<double>() == doctest::Approx(256.0 / 136).epsilon(0.01));
  r = Kvsim("attention --codec q8,turboquant:key_bits=3,value_bits=3 --context 128,256 --heads 2 --queries 4");
  CHECK(r.code == 0);
  CHECK(r.out.find("turboquant:key_bits=3,value_bits=3") != std::string::npos);
  r = Kvsim("attention --kv-dump /nonexistent");
  CHECK(r.code == 2);
  CHECK(r.out.find("/nonexistent/keys.npy: cannot open") != std::string::npos);
  r = Kvsim(std::string("run ") + kDefault + " --strategy turboquant --kv-dump /nonexistent");
  CHECK(r.code == 2);
}

TEST_CASE("sweep, shards, merge and compare through the CLI, with their exit codes") {
  testing::TempDir dir;
  const std::string args = std::string("sweep ") + kDefault +
                           " --strategy radix,block-trie,lru-buckets --budget 5%..100%:3 "
                           "--probe-requests 0 -q";
  REQUIRE(Kvsim(args + " --json " + dir.Path("all.json") + " --csv " + dir.Path("all.csv") +
                " --report " + dir.Path("all.html"))
              .code == 0);
  CHECK(Slurp(dir.Path("all.html")).find("<svg") != std::string::npos);
  for (int i = 0; i < 2; ++i) {
    REQUIRE(Kvsim(args + " --shard " + std::to_string(i) + "/2 --json " +
                  dir.Path("s" + std::to_string(i) + ".json"))
                .code == 0);
  }
  Result r = Kvsim("merge " + dir.Path("s0.json") + " " + dir.Path("s1.json") + " --json " +
                   dir.Path("merged.json") + " --report " + dir.Path("merged.md"));
  REQUIRE(r.code == 0);
  CHECK(std::filesystem::exists(dir.Path("merged-hit_rate.svg")));
  const auto all = nlohmann::json::parse(Slurp(dir.Path("all.json")));
  const auto merged = nlohmann::json::parse(Slurp(dir.Path("merged.json")));
  REQUIRE(all["results"].size() == 9);
  for (size_t i = 0; i < 9; ++i) CHECK(all["results"][i]["hit_tokens"] == merged["results"][i]["hit_tokens"]);
  CHECK(Kvsim("merge " + dir.Path("s0.json") + " --json " + dir.Path("x.json")).code == 2);

  // compare: pass (0), injected regression (1), incompatible (2).
  r = Kvsim("compare " + dir.Path("all.json") + " " + dir.Path("merged.json"));
  CHECK(r.code == 0);
  CHECK(r.out.find("no regression") != std::string::npos);
  auto worse = all;
  worse["results"][4]["token_hit_rate"] = worse["results"][4]["token_hit_rate"].get<double>() - 0.05;
  std::ofstream(dir.Path("worse.json")) << worse.dump();
  r = Kvsim("compare " + dir.Path("all.json") + " " + dir.Path("worse.json") + " --format markdown");
  CHECK(r.code == 1);
  CHECK(r.out.find("**REGRESSION**") != std::string::npos);
  r = Kvsim("compare " + dir.Path("all.json") + " " + dir.Path("s0.json"));
  CHECK(r.code == 0);  // a shard: the other shard's rows are listed as missing
  CHECK(r.out.find("missing from the current run (in the baseline):") != std::string::npos);
  r = Kvsim("compare " + dir.Path("all.json") + " " + dir.Path("s0.json") + " --strict");
  CHECK(r.code == 2);
  CHECK(r.out.find("incompatible inputs: --strict") != std::string::npos);
  REQUIRE(Kvsim(args + " --no-cache-output --json " + dir.Path("nco.json")).code == 0);
  r = Kvsim("compare " + dir.Path("all.json") + " " + dir.Path("nco.json"));
  CHECK(r.code == 2);
  CHECK(r.out.find("incompatible inputs: different configurations (cache_output") != std::string::npos);
  CHECK(Kvsim("compare " + dir.Path("all.json") + " /nonexistent.json").code == 2);
}

TEST_CASE("gen writes the same bytes for the same seed; inspect describes a workload") {
  testing::TempDir dir;
  const std::string a = dir.Path("a.json");
  // The output records its own command, so the same command must give the same bytes.
  REQUIRE(Kvsim("gen --sessions 20 --seed 7 -o " + a).code == 0);
  const std::string first = Slurp(a);
  REQUIRE(Kvsim("gen --sessions 20 --seed 7 -o " + a).code == 0);
  CHECK(Slurp(a) == first);
  REQUIRE(Kvsim("gen --sessions 20 --seed 8 -o " + a).code == 0);
  CHECK(Slurp(a) != first);
  Result r = Kvsim("inspect " + a);
  CHECK(r.code == 0);
  CHECK(r.out.find("max hit rate") != std::string::npos);
  CHECK(r.out.find("sessions        20") != std::string::npos);
  r = Kvsim("inspect workloads/mooncake/synthetic_trace.jsonl");
  CHECK(r.code == 0);
  CHECK(r.out.find("65.12%") != std::string::npos);  // pinned by mooncake_count_test
  CHECK(Kvsim("gen --turns nope -o " + dir.Path("c.json")).code == 2);
  CHECK(!std::filesystem::exists(dir.Path("c.json")));
}

}  // namespace
}  // namespace kvsim

namespace kvsim {
namespace {

// Starts kvsim with `args` (output to `log`), sends SIGINT after `delay`, and returns the exit
// code (-1: killed by a signal or still running 60 s later).
int InterruptedExit(const std::vector<std::string>& args, const std::string& log,
                    std::chrono::milliseconds delay) {
  const pid_t pid = fork();
  if (pid == 0) {
    if (chdir(KVSIM_SOURCE_DIR) != 0) _exit(99);
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> argv{const_cast<char*>(KVSIM_BINARY)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(KVSIM_BINARY, argv.data());
    _exit(98);
  }
  std::this_thread::sleep_for(delay);
  kill(pid, SIGINT);
  int status = 0;
  for (int i = 0; i < 600; ++i) {
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return -1;
}

TEST_CASE("SIGINT during a long run: exit 130 promptly, no output file, nothing left behind") {
  testing::TempDir dir;
  const std::string out = dir.Path("out.json"), csv = dir.Path("out.csv");
  // `attention` over three 32k contexts, then a two-thread sweep of the Mooncake trace: each
  // takes several seconds, so the signal lands mid-run.
  const std::vector<std::vector<std::string>> commands = {
      {"attention", "--codec", "fp16,q8,q4,turboquant,two-tier", "--context", "32768,32768,32768",
       "--json", out},
      {"sweep", "workloads/mooncake/conversation_trace.jsonl", "--strategy", "radix,block-trie",
       "--budget", "1%..100%:8", "--jobs", "2", "--json", out, "--csv", csv, "-q"},
  };
  for (const auto& args : commands) {
    CAPTURE(args[0]);
    const auto start = std::chrono::steady_clock::now();
    CHECK(InterruptedExit(args, dir.Path("log.txt"), std::chrono::milliseconds(800)) == 130);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(secs < 30);
    CHECK(Slurp(dir.Path("log.txt")).find("kvsim: interrupted; no output written") !=
          std::string::npos);
    size_t files = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir.Path(""))) {
      ++files;
      CHECK(e.path().filename() == "log.txt");
    }
    CHECK(files == 1);
  }
}

}  // namespace
}  // namespace kvsim
