// The limits of kvsim/input_limits.h: absurd sizes are rejected with a message naming the
// limit and its flag, before memory or stack is spent on them.
#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>

#include "kvsim/error.h"
#include "kvsim/input_limits.h"
#include "kvsim/workload.h"
#include "support/temp_dir.h"

namespace kvsim {
namespace {

std::string Nested(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

std::string LoadError(const std::string& path, const LoadOptions& options = {}) {
  try {
    LoadWorkload(path, options);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

std::string ParseError(const std::string& text, const LoadOptions& options = {}) {
  try {
    ParseWorkload(text, "w", options);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// A file of `size` bytes that starts with `head`; the rest is a hole (no disk is used).
std::string Sparse(const testing::TempDir& dir, const std::string& name, const std::string& head,
                   off_t size) {
  const std::string p = dir.Write(name, head);
  REQUIRE(truncate(p.c_str(), size) == 0);
  return p;
}

TEST_CASE("JSON nesting is checked before parsing, strings and escapes skipped") {
  CHECK_NOTHROW(CheckJsonDepth(Nested(64), 64, "f"));
  CHECK_THROWS_WITH_AS(CheckJsonDepth(Nested(65), 64, "f"),
                       "f: line 1: JSON nested deeper than 64 levels", Error);
  CHECK_NOTHROW(CheckJsonDepth("[\"" + std::string(100, '[') + "\"]", 2, "f"));
  CHECK_NOTHROW(CheckJsonDepth("[\"\\\"[[[[\"]", 1, "f"));
  CHECK_THROWS_WITH_AS(CheckJsonDepth("{\n\"a\":\n[[1]]}", 2, "f"),
                       "f: line 3: JSON nested deeper than 2 levels", Error);
}

TEST_CASE("100,000-deep nesting: a clear error from every reader") {
  const std::string deep = Nested(100000);
  CHECK(ParseError("{\"format\": \"kvsim-chat/1\", \"sessions\": " + deep + "}") ==
        "w: line 1: JSON nested deeper than 64 levels");
  CHECK(ParseError("{\"prompt\": [1]}\n{\"prompt\": " + deep + "}\n") ==
        "w:2: JSON nested deeper than 64 levels");
  CHECK(ParseError(deep + "\n") == "w: line 1: JSON nested deeper than 64 levels");
}

TEST_CASE("absurd lengths name --max-tokens") {
  CHECK(ParseError("{\"prompt\": [1], \"output\": 1000000000000}\n") ==
        "w:1: output: more than 536870912 tokens in one request (raise --max-tokens)");
  CHECK(ParseError("{\"timestamp\": 0, \"input_length\": 1000000000000, \"output_length\": 1, "
                   "\"hash_ids\": [1]}\n") ==
        "w:1: input_length + output_length: more than 536870912 tokens in one request (raise "
        "--max-tokens)");
  CHECK(ParseError("{\"timestamp\": 0, \"input_length\": 1e300, \"output_length\": 1, "
                   "\"hash_ids\": [1]}\n") == "w:1: input_length: absurd value 1e+300");
  LoadOptions small;
  small.limits.max_tokens = 5;
  const std::string chat =
      "{\"format\": \"kvsim-chat/1\", \"sessions\": [{\"messages\": ["
      "{\"role\": \"user\", \"tokens\": [1, 2, 3]}, {\"role\": \"assistant\", \"length\": 3}]}]}";
  CHECK(ParseError(chat) == "(no error)");
  CHECK(ParseError(chat, small) ==
        "w: sessions[0].messages[1].length: the workload would hold more than 5 tokens, the "
        "limit kvsim keeps in memory (raise --max-tokens, or use a JSONL trace, which streams)");
  CHECK(ParseError("{\"prompt\": [1, 2, 3], \"output\": [4, 5, 6]}\n", small) ==
        "w:1: output: more than 5 tokens in one request (raise --max-tokens)");
}

TEST_CASE("a 2 GB line is refused after reading at most the line limit") {
  testing::TempDir dir;
  const off_t two_gb = off_t{1} << 31;
  // A trace whose second line is 2 GB long (a hole in a sparse file: no disk is used).
  const std::string trace = Sparse(dir, "t.jsonl", "{\"prompt\": [1]}\n{\"prompt\": [", two_gb);
  CHECK(LoadError(trace) == trace + ":2: line longer than 67108864 bytes (raise --max-line-bytes)");
  // One 2 GB line: can only be a chat document, and is larger than one may be.
  const std::string one = Sparse(dir, "one.json", "{\"format\": ", two_gb);
  CHECK(LoadError(one) == one + ": 2147483648 bytes, more than the limit of 1073741824 for a "
                              "JSON document (raise it with --max-json-bytes)");
  LoadOptions small;
  small.limits.max_line_bytes = 100;
  const std::string line = "{\"prompt\": [" + std::string(200, ' ') + "1]}\n";
  CHECK(ParseError("{\"prompt\": [1]}\n" + line, small) ==
        "w:2: line longer than 100 bytes (raise --max-line-bytes)");
  CHECK(ParseError(line, small) == "w: prompt: unknown field (expected one of: format, name, description, generator, sessions)");  // read as chat
}

TEST_CASE("lines just under the limit, and past a 64 KiB read buffer, are read whole") {
  LoadOptions options;
  options.limits.max_line_bytes = 200000;
  std::string prompt;
  for (int i = 0; i < 30000; ++i) prompt += (i ? ", " : "") + std::to_string(i % 7);
  const std::string line = "{\"prompt\": [" + prompt + "]}";
  REQUIRE(line.size() > 65536);
  REQUIRE(line.size() < 200000);
  auto w = ParseWorkload(line + "\n" + line, "w", options);  // last line without '\n'
  CHECK(w->info().requests == 2);
  CHECK(w->info().prompt_tokens == 60000);
}

}  // namespace
}  // namespace kvsim
