// Token-trace and Mooncake JSONL readers (docs/contract.md, "Token traces", "Mooncake traces"): known answers, equivalence, and the
// message of every malformed-line case.
#include <doctest/doctest.h>

#include "kvsim/error.h"
#include "kvsim/replay.h"
#include "kvsim/workload.h"
#include "support/replay_one.h"
#include "support/temp_dir.h"

namespace kvsim {
namespace {

using testing::TempDir;

LoadOptions Options(const std::string& format, uint64_t block) {
  LoadOptions o;
  o.format = format;
  o.trace_block = block;
  return o;
}

std::string ErrorOf(const std::string& text, const std::string& format = "",
                    uint64_t block = 512) {
  TempDir dir;
  const std::string path = dir.Write("t.jsonl", text);
  try {
    LoadWorkload(path, Options(format, block));
  } catch (const Error& e) {
    std::string m = e.what();
    return m.substr(m.find("t.jsonl"));
  }
  return "(no error)";
}

std::vector<uint64_t> Hits(const Workload& w, const std::string& strategy, const std::string& budget) {
  return testing::HitsOf(w, strategy, budget);
}

TEST_CASE("token trace: format detected, known hits, time order, sessions and turns") {
  TempDir dir;
  const std::string path = dir.Write(
      "t.jsonl",
      "{\"t\": 2, \"session\": \"b\", \"prompt\": [1, 2, 3, 4, 9], \"output\": 2}\n"
      "\n"
      "{\"t\": 1, \"session\": \"a\", \"prompt\": [1, 2, 3, 4, 5], \"output\": [6, 7]}\n"
      "{\"t\": 3, \"session\": \"a\", \"prompt\": [1, 2, 3, 4, 5, 6, 7, 8]}\n");
  auto w = LoadWorkload(path);
  CHECK(w->info().format == "trace");
  CHECK(w->info().requests == 3);
  CHECK(w->info().prompt_tokens == 18);
  CHECK(w->info().output_tokens == 4);
  CHECK(w->info().session_names == std::vector<std::string>{"b", "a"});
  auto s = w->Open();
  const Request* r = s->Next();
  CHECK(r->time == 1);
  CHECK(r->turn == 1);
  r = s->Next();
  CHECK(r->time == 2);
  CHECK(r->output().size() == 2);
  CHECK(r->output()[0] >= 0x80000000u);
  r = s->Next();
  CHECK(r->turn == 2);
  CHECK(s->Next() == nullptr);
  // Request a (t=1) inserts [1..7]; b (t=2) shares 4; a's second turn shares 7.
  CHECK(Hits(*w, "radix", "inf") == std::vector<uint64_t>{0, 4, 7});
}

TEST_CASE("token trace: sorted lines then out of order: time order, ties in file order, line ids kept") {
  // Non-blank line i has prompt [10 + i]; its synthetic output is sequence 2 i + 1.
  const auto w = ParseWorkload(
      "{\"t\": 1, \"prompt\": [10], \"output\": 2}\n"
      "{\"t\": 3, \"prompt\": [11], \"output\": 2}\n"
      "\n"
      "{\"t\": 3, \"prompt\": [12], \"output\": 2}\n"
      "{\"t\": 2, \"prompt\": [13], \"output\": 2}\n"
      "{\"t\": 0, \"prompt\": [14], \"output\": 2}\n",
      "t.jsonl");
  auto s = w->Open();
  for (const uint64_t line : {4, 0, 3, 1, 2}) {
    const Request* r = s->Next();
    REQUIRE(r != nullptr);
    CHECK(r->prompt()[0] == 10 + line);
    CHECK(r->output()[0] == SyntheticToken(2 * line + 1, 0));
  }
  CHECK(s->Next() == nullptr);
}

std::string MooncakeLine(double ts, uint64_t in, uint64_t out, const std::vector<uint64_t>& ids) {
  std::string s = "{\"timestamp\": " + std::to_string(static_cast<long long>(ts)) +
                  ", \"input_length\": " + std::to_string(in) + ", \"output_length\": " +
                  std::to_string(out) + ", \"hash_ids\": [";
  for (size_t i = 0; i < ids.size(); ++i) s += (i ? ", " : "") + std::to_string(ids[i]);
  return s + "]}\n";
}

TEST_CASE("mooncake: expansion by block, hits by shared hash-id prefix") {
  TempDir dir;
  const std::string path = dir.Write("m.jsonl", MooncakeLine(0, 1000, 10, {0, 1}) +
                                                    MooncakeLine(5, 1500, 10, {0, 1, 2}) +
                                                    MooncakeLine(9, 700, 3, {0, 3}));
  auto w = LoadWorkload(path);
  CHECK(w->info().format == "mooncake");
  CHECK(w->info().prompt_tokens == 3200);
  // Request 2 shares blocks 0 and 1 = 1000 tokens (block 1 was partial: 488 tokens, so its
  // tokens match the first 488 of the new full block 1). Request 3 shares block 0 = 512.
  CHECK(Hits(*w, "radix", "inf") == std::vector<uint64_t>{0, 1000, 512});
  CHECK(Hits(*w, "block-trie:block_size=512", "inf") == std::vector<uint64_t>{0, 512, 512});
  // --trace-block changes the expansion.
  auto small = LoadWorkload(dir.Write("s.jsonl", MooncakeLine(0, 10, 1, {4, 5, 6})), Options("", 4));
  CHECK(small->info().prompt_tokens == 10);
}

TEST_CASE("a mooncake trace and the equivalent token trace give identical results") {
  TempDir dir;
  std::string mooncake, tokens;
  const uint64_t b = 8;
  std::vector<std::vector<uint64_t>> prompts = {{0, 1, 2}, {0, 1, 3}, {0, 4}, {0, 1, 2, 5}, {6}, {0, 4, 7}};
  std::vector<uint64_t> lengths = {20, 24, 16, 30, 3, 17};
  for (size_t i = 0; i < prompts.size(); ++i) {
    mooncake += MooncakeLine(static_cast<double>(i), lengths[i], 5, prompts[i]);
    std::string p;
    for (size_t j = 0; j < prompts[i].size(); ++j) {
      for (uint64_t k = 0; k < std::min(b, lengths[i] - b * j); ++k) {
        p += (p.empty() ? "" : ", ") + std::to_string(prompts[i][j] * 1000 + k);
      }
    }
    tokens += "{\"t\": " + std::to_string(i) + ", \"prompt\": [" + p + "], \"output\": 5}\n";
  }
  auto m = LoadWorkload(dir.Write("m.jsonl", mooncake), Options("", b));
  auto t = LoadWorkload(dir.Write("t.jsonl", tokens));
  for (const char* s : {"radix", "block-trie:block_size=4", "lru-buckets"}) {
    for (const char* budget : {"inf", "30tok"}) {
      CHECK_MESSAGE(Hits(*m, s, budget) == Hits(*t, s, budget), s << " " << budget);
    }
  }
}

TEST_CASE("malformed lines name the file, the line and the field") {
  CHECK(ErrorOf("{\"prompt\": [1, 2]}\n{\"prompt\": [1, -2]}\n") ==
        "t.jsonl:2: prompt[1]: expected a token id below 2^31, got -2");
  CHECK(ErrorOf("{\"prompt\": [1, 2]}\n{\"prompt\": [1, 2]\n") ==
        "t.jsonl:2: not valid JSON (each line must be one JSON object)");
  CHECK(ErrorOf("{\"prompt\": [1]}\n{\"t\": -1, \"prompt\": [1]}\n") ==
        "t.jsonl:2: t: expected a non-negative time, got -1");
  CHECK(ErrorOf("{\"prompt\": [1]}\n{\"t\": \"soon\", \"prompt\": [1]}\n") ==
        "t.jsonl:2: t: expected a number, got the string \"soon\"");
  CHECK(ErrorOf("{\"prompt\": [1], \"output\": -3}\n") ==
        "t.jsonl:1: output: expected a non-negative integer, got -3");
  CHECK(ErrorOf("{\"prompt\": [1], \"outptu\": 3}\n") ==
        "t.jsonl:1: outptu: unknown field (did you mean 'output'?) (expected t, session, prompt, output)");
  CHECK(ErrorOf("{\"t\": 1, \"prompt\": [1]}\n{\"t\": 1}\n", "trace") ==
        "t.jsonl:2: prompt: missing (an array of token ids)");
  CHECK(ErrorOf("{\"prompt\": [1]}\n[1, 2]\n") == "t.jsonl:2: expected a JSON object, got an array");
  CHECK(ErrorOf("\n\n") == "t.jsonl: the file is empty");
  CHECK(ErrorOf("\n\n", "trace") == "t.jsonl: the trace holds no requests");
  CHECK(ErrorOf(MooncakeLine(0, 1000, 1, {0})) ==
        "t.jsonl:1: hash_ids: 1 ids do not cover input_length 1000 at block size 512 (expected "
        "2; see --trace-block)");
  CHECK(ErrorOf(MooncakeLine(0, 10, 1, {0}) + "{\"timestamp\": 1, \"input_length\": 5}\n") ==
        "t.jsonl:2: output_length: missing");
  CHECK(ErrorOf("{\"timestamp\": 1, \"input_length\": 5.5, \"output_length\": 1, \"hash_ids\": [1]}\n") ==
        "t.jsonl:1: input_length: expected a non-negative integer, got 5.5");
  CHECK(ErrorOf("{\"timestamp\": 1, \"input_length\": 5, \"output_length\": 1, \"hash_ids\": [-1]}\n") ==
        "t.jsonl:1: hash_ids[0]: expected a non-negative integer, got -1");
  CHECK(ErrorOf("{\"timestamp\": 1, \"input_lenght\": 5, \"output_length\": 1, \"hash_ids\": [1]}\n",
                "mooncake") ==
        "t.jsonl:1: input_lenght: unknown field (did you mean 'input_length'?) (expected timestamp, "
        "input_length, output_length, hash_ids)");
}

TEST_CASE("missing and empty files") {
  CHECK_THROWS_WITH_AS(LoadWorkload("/nonexistent/w.json"),
                       "/nonexistent/w.json: cannot open the workload file", Error);
  TempDir dir;
  const std::string empty = dir.Write("e.json", "");
  CHECK_THROWS_WITH_AS(LoadWorkload(empty), (empty + ": the file is empty").c_str(), Error);
  const std::string none = dir.Write("none.json", R"({"format":"kvsim-chat/1","sessions":[]})");
  CHECK_THROWS_WITH_AS(LoadWorkload(none),
                       (none + ": the workload holds no requests (nothing to replay)").c_str(), Error);
  CHECK_THROWS_WITH_AS(ParseWorkload(R"({"format":"kvsim-chat/1","sessions":[]})", "w.json"),
                       "w.json: the workload holds no requests (nothing to replay)", Error);
  const std::string folder = dir.Path("");
  CHECK_THROWS_WITH_AS(LoadWorkload(folder),
                       (folder + ": is a directory; give a workload file (chat JSON, token trace "
                                 "or Mooncake JSONL)").c_str(),
                       Error);
}

}  // namespace
}  // namespace kvsim
