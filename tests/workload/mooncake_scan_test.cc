// The Mooncake line scanner against the JSON parser: every line it accepts reads to the values
// the JSON parser gives, lines of other shapes are declined, and a trace read through it equals
// the same trace read through the JSON parser (lines reshaped so that the scanner declines).
#include "workload/mooncake_scan.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <random>

#include "kvsim/error.h"
#include "kvsim/workload.h"
#include "support/hash_id_trace.h"

namespace kvsim {
namespace {

// The scanner's answer, checked against the JSON parser when it accepts.
bool ScansLikeJson(const std::string& line) {
  MooncakeFields f;
  if (!ScanMooncakeLine(line, &f)) return false;
  const auto j = nlohmann::json::parse(line);
  CHECK(j.size() == 4);
  CHECK(j["timestamp"].get<double>() == static_cast<double>(f.timestamp));
  CHECK(j["input_length"].get<uint64_t>() == f.input_length);
  CHECK(j["output_length"].get<uint64_t>() == f.output_length);
  CHECK(j["hash_ids"].get<std::vector<uint64_t>>() == f.hash_ids);
  return true;
}

TEST_CASE("mooncake scan: the common shape is read as the JSON parser reads it") {
  for (
      const char* line : {
          R"({"timestamp": 0, "input_length": 6758, "output_length": 500, "hash_ids": [0, 1, 2]})",
          R"({"hash_ids":[],"output_length":0,"input_length":0,"timestamp":27482})",
          "\t{ \"timestamp\" :1 ,\"input_length\":\r1, \"output_length\": 2 , \"hash_ids\" : [ 7 ] "
          "}  ",
          R"({"timestamp": 999999999999999999, "input_length": 1, "output_length": 1, "hash_ids": [999999999999999999]})",
      }) {
    CAPTURE(line);
    CHECK(ScansLikeJson(line));
  }
}

TEST_CASE("mooncake scan: other shapes are left to the JSON parser") {
  for (
      const char* line : {
          R"({"timestamp": 1.5, "input_length": 1, "output_length": 1, "hash_ids": [1]})",
          R"({"timestamp": 1e3, "input_length": 1, "output_length": 1, "hash_ids": [1]})",
          R"({"timestamp": -1, "input_length": 1, "output_length": 1, "hash_ids": [1]})",
          R"({"timestamp": 01, "input_length": 1, "output_length": 1, "hash_ids": [1]})",
          R"({"timestamp": 1, "input_length": 1, "output_length": 1, "hash_ids": [1.0]})",
          R"({"timestamp": 1, "input_length": 1, "output_length": 1, "hash_ids": [[1]]})",
          R"({"timestamp": 1, "input_length": 1, "output_length": 1, "hash_ids": [1,]})",
          R"({"timestamp": 1, "input_length": 1, "output_length": 1, "hash_ids": 1})",
          R"({"timestamp": 1, "input_length": 1, "output_length": 1})",
          R"({"timestamp": 1, "input_length": 1, "output_length": 1, "hash_ids": [1], "x": 2})",
          R"({"timestamp": 1, "timestamp": 2, "input_length": 1, "output_length": 1, "hash_ids": [1]})",
          R"({"\u0074imestamp": 1, "input_length": 1, "output_length": 1, "hash_ids": [1]})",
          R"({"timestamp": 1, "input_length": 1, "output_length": 1, "hash_ids": [1]} x)",
          R"({"timestamp": 1, "input_length": 1, "output_length": 1, "hash_ids": [1]},)",
          R"({"timestamp": 1, "input_length": 1, "output_length": 1, "hash_ids": [1])",
          R"({"timestamp": 1000000000000000000, "input_length": 1, "output_length": 1, "hash_ids": [1]})",
          R"({"timestamp": "1", "input_length": 1, "output_length": 1, "hash_ids": [1]})",
          R"({"timestamp": null, "input_length": 1, "output_length": 1, "hash_ids": [1]})",
          R"([{"timestamp": 1, "input_length": 1, "output_length": 1, "hash_ids": [1]}])",
          "",
          "{}",
      }) {
    CAPTURE(line);
    MooncakeFields f;
    CHECK_FALSE(ScanMooncakeLine(line, &f));
  }
}

TEST_CASE("mooncake scan: random corruptions are declined or read as JSON reads them") {
  std::mt19937_64 rng(7);
  const std::string base =
      R"({"timestamp": 120, "input_length": 1030, "output_length": 9, "hash_ids": [4, 50, 600]})";
  const std::string alphabet = "0123456789 ,:[]{}\"-.eE\\ax";
  for (int i = 0; i < 20000; ++i) {
    std::string line = base;
    for (int k = std::uniform_int_distribution<int>(1, 3)(rng); k > 0; --k) {
      const size_t at = std::uniform_int_distribution<size_t>(0, line.size() - 1)(rng);
      const char c = alphabet[std::uniform_int_distribution<size_t>(0, alphabet.size() - 1)(rng)];
      switch (std::uniform_int_distribution<int>(0, 2)(rng)) {
        case 0:
          line[at] = c;
          break;
        case 1:
          line.insert(line.begin() + static_cast<std::ptrdiff_t>(at), c);
          break;
        default:
          line.erase(at, 1);
      }
    }
    MooncakeFields f;
    if (!ScanMooncakeLine(line, &f)) continue;
    CAPTURE(line);
    const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    REQUIRE_FALSE(j.is_discarded());
    ScansLikeJson(line);
  }
}

TEST_CASE("mooncake scan: a trace read by the scanner equals the trace read by the JSON parser") {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    const std::string fast = testing::HashIdTraceText(seed);
    // The same lines with float timestamps: the scanner declines every one.
    std::string slow;
    for (size_t at = 0; at < fast.size();) {
      const size_t end = fast.find('\n', at);
      std::string line = fast.substr(at, end - at);
      const size_t comma = line.find(',');
      line.insert(comma, ".0");
      slow += line + "\n";
      at = end + 1;
    }
    LoadOptions o;
    o.trace_block = 16;
    const auto a = ParseWorkload(fast, "a.jsonl", o);
    const auto b = ParseWorkload(slow, "b.jsonl", o);
    CHECK(a->info().requests == b->info().requests);
    CHECK(a->info().prompt_tokens == b->info().prompt_tokens);
    CHECK(a->info().output_tokens == b->info().output_tokens);
    CHECK(a->info().distinct_prompt_tokens == b->info().distinct_prompt_tokens);
    auto sa = a->Open();
    auto sb = b->Open();
    for (;;) {
      const Request* ra = sa->Next();
      const Request* rb = sb->Next();
      REQUIRE((ra == nullptr) == (rb == nullptr));
      if (ra == nullptr) break;
      CHECK(ra->time == rb->time);
      CHECK(ra->prompt_len == rb->prompt_len);
      CHECK(std::equal(ra->tokens.begin(), ra->tokens.end(), rb->tokens.begin(), rb->tokens.end()));
    }
  }
}

TEST_CASE("mooncake scan: errors of scanned lines name the file and the line") {
  LoadOptions o;
  o.trace_block = 4;
  const std::string ok =
      R"({"timestamp": 0, "input_length": 4, "output_length": 1, "hash_ids": [1]})";
  const auto message = [&](const std::string& bad) {
    try {
      ParseWorkload(ok + "\n" + bad + "\n", "m.jsonl", o);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message(R"({"timestamp": 0, "input_length": 5, "output_length": 1, "hash_ids": [1]})") ==
        "m.jsonl:2: hash_ids: 1 ids do not cover input_length 5 at block size 4 (expected 2; see "
        "--trace-block)");
  CHECK(
      message(
          R"({"timestamp": 0, "input_length": 4, "output_length": 1, "hash_ids": [1073741824]})") ==
      "m.jsonl:2: hash id 1073741824 is out of range (must be below 2^30)");
}

}  // namespace
}  // namespace kvsim
