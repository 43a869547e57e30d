// The chat reader (docs/contract.md, "Chat workloads") and every rule of "Bad input", with the message a user sees.
#include <doctest/doctest.h>

#include <string>

#include "kvsim/error.h"
#include "kvsim/replay.h"
#include "kvsim/tokenizer.h"
#include "kvsim/workload.h"

namespace kvsim {
namespace {

std::string ErrorOf(const std::string& text) {
  try {
    ParseChatWorkload(text, "w.json");
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

std::string One(const std::string& messages) {
  return R"({"format":"kvsim-chat/1","sessions":[{"id":"a","messages":[)" + messages + "]}]}";
}

TEST_CASE("requests: prompt is the history up to each user message, output the reply") {
  auto w = ParseChatWorkload(
      One(R"({"role":"system","tokens":[1,2]},{"role":"user","tokens":[3]},)"
          R"({"role":"assistant","tokens":[4,5]},{"role":"user","tokens":[6],"delay":2.5},)"
          R"({"role":"user","tokens":[7]})"),
      "w.json");
  auto s = w->Open();
  const Request* r = s->Next();
  REQUIRE(r != nullptr);
  CHECK(std::vector<Token>(r->prompt().begin(), r->prompt().end()) == std::vector<Token>{1, 2, 3});
  CHECK(std::vector<Token>(r->output().begin(), r->output().end()) == std::vector<Token>{4, 5});
  CHECK(r->system_len == 2);
  CHECK(r->turn == 1);
  r = s->Next();
  CHECK(r->prompt().size() == 6);
  CHECK(r->output().empty());  // the next message is a user message
  CHECK(r->time == 2.5);
  CHECK(r->turn == 2);
  r = s->Next();
  CHECK(r->prompt().size() == 7);
  CHECK(s->Next() == nullptr);
  CHECK(w->info().prompt_tokens == 3 + 6 + 7);
  CHECK(w->info().output_tokens == 2);
}

TEST_CASE("requests replay in time order; ties keep session then message order") {
  auto w = ParseChatWorkload(
      R"({"format":"kvsim-chat/1","sessions":[)"
      R"({"id":"late","start":10,"messages":[{"role":"user","tokens":[1]}]},)"
      R"({"id":"tie1","start":5,"messages":[{"role":"user","tokens":[2]}]},)"
      R"({"id":"tie2","start":5,"messages":[{"role":"user","tokens":[3]},)"
      R"({"role":"user","tokens":[4],"delay":0}]}]})",
      "w.json");
  auto s = w->Open();
  std::vector<Token> first;
  while (const Request* r = s->Next()) first.push_back(r->prompt().back());
  CHECK(first == std::vector<Token>{2, 3, 4, 1});
}

TEST_CASE("length tokens: unique unless shared; a shorter shared length is a prefix") {
  auto w = ParseChatWorkload(
      R"({"format":"kvsim-chat/1","sessions":[)"
      R"({"messages":[{"role":"system","length":8,"shared":"p"},{"role":"user","length":3}]},)"
      R"({"messages":[{"role":"system","length":5,"shared":"p"},{"role":"user","length":3}]}]})",
      "w.json");
  auto s = w->Open();
  const Request* a = s->Next();
  const std::vector<Token> pa(a->prompt().begin(), a->prompt().end());
  const Request* b = s->Next();
  const std::vector<Token> pb(b->prompt().begin(), b->prompt().end());
  CHECK(std::equal(pb.begin(), pb.begin() + 5, pa.begin()));
  CHECK(pa[5] != pb[5]);
  for (Token t : pa) CHECK(t >= 0x80000000u);  // synthetic ids use the upper half
  CHECK(w->info().session_names == std::vector<std::string>{"s0", "s1"});
}

TEST_CASE("text is tokenized by the built-in tokenizer") {
  auto w = ParseChatWorkload(One(R"({"role":"user","text":"Hello there, world!"})"), "w.json");
  std::vector<Token> expected;
  Tokenize("Hello there, world!", &expected);
  auto s = w->Open();
  const Request* r = s->Next();
  CHECK(std::vector<Token>(r->prompt().begin(), r->prompt().end()) == expected);
}

TEST_CASE("bad input names the file and the JSON path") {
  CHECK(ErrorOf(One(R"({"role":"user","tokens":[1,2,3,4,5,6,7,-4]})")) ==
        "w.json: sessions[0].messages[0].tokens[7]: expected an unsigned 32-bit integer, got -4");
  CHECK(ErrorOf(One(R"({"role":"user","tokens":[2147483648]})")) ==
        "w.json: sessions[0].messages[0].tokens[0]: token id 2147483648 is in kvsim's synthetic "
        "range; ids must be below 2^31");
  CHECK(ErrorOf(One(R"({"role":"user","tokens":[1.5]})")) ==
        "w.json: sessions[0].messages[0].tokens[0]: expected an unsigned 32-bit integer, got 1.5");
  CHECK(ErrorOf(One(R"({"role":"user","tokens":["a"]})")) ==
        "w.json: sessions[0].messages[0].tokens[0]: expected an unsigned 32-bit integer, got the "
        "string \"a\"");
  CHECK(ErrorOf(One(R"({"role":"robot","length":3})")) ==
        "w.json: sessions[0].messages[0].role: expected system, user or assistant, got \"robot\"");
  CHECK(ErrorOf(One(R"({"role":"user","length":3,"text":"x"})")) ==
        "w.json: sessions[0].messages[0]: has more than one of \"tokens\", \"text\" and \"length\"");
  CHECK(ErrorOf(One(R"({"role":"user"})")) ==
        "w.json: sessions[0].messages[0]: needs one of \"tokens\", \"text\" or \"length\"");
  CHECK(ErrorOf(One(R"({"role":"user","length":-3})")) ==
        "w.json: sessions[0].messages[0].length: expected a non-negative integer, got -3");
  CHECK(ErrorOf(One(R"({"role":"user","length":2.5})")) ==
        "w.json: sessions[0].messages[0].length: expected a non-negative integer, got 2.5");
  CHECK(ErrorOf(One(R"({"role":"user","length":1e12})")) ==
        "w.json: sessions[0].messages[0].length: the workload would hold more than 536870912 tokens, "
              "the limit kvsim keeps in memory (raise --max-tokens, or use a JSONL trace, which "
              "streams)");
  CHECK(ErrorOf(One(R"({"role":"user","text":"x","shared":"k"})")) ==
        "w.json: sessions[0].messages[0].shared: goes only with \"length\"");
  CHECK(ErrorOf(One(R"({"role":"assistant","length":3,"delay":1})")) ==
        "w.json: sessions[0].messages[0].delay: only user messages may have a delay");
  CHECK(ErrorOf(One(R"({"role":"user","length":3,"delay":-1})")) ==
        "w.json: sessions[0].messages[0].delay: expected a non-negative number of seconds, got -1");
  CHECK(ErrorOf(One(R"({"role":"user","length":3,"lenght":3})")) ==
        "w.json: sessions[0].messages[0].lenght: unknown field (did you mean 'length'?) (expected one of: role, tokens, "
        "text, length, shared, delay)");
  CHECK(ErrorOf(One(R"(5)")) == "w.json: sessions[0].messages[0]: expected an object, got 5");
  CHECK(ErrorOf(R"({"format":"kvsim-chat/1","sessions":[{"start":"x","messages":[]}]})") ==
        "w.json: sessions[0].start: expected a number of seconds, got the string \"x\"");
  CHECK(ErrorOf(R"({"format":"kvsim-chat/1","sessions":[{"id":"a","messages":[]},)"
                R"({"id":"a","messages":[]}]})") ==
        "w.json: sessions[1].id: duplicate session id \"a\" (also sessions[0])");
  CHECK(ErrorOf(R"({"format":"kvsim-chat/1","sessions":{}})") ==
        "w.json: sessions: expected an array, got an object");
  CHECK(ErrorOf(R"({"format":"kvsim-chat/2","sessions":[]})") ==
        "w.json: format: expected \"kvsim-chat/1\", got the string \"kvsim-chat/2\"");
  CHECK(ErrorOf(R"({"sessions":[]})") == "w.json: format: expected \"kvsim-chat/1\"");
  CHECK(ErrorOf(R"([1,2])") ==
        "w.json: expected a JSON object with \"format\": \"kvsim-chat/1\"");
  CHECK(ErrorOf("") == "w.json: the file is empty");
  CHECK(ErrorOf("{\"format\": \"kvsim-chat/1\",\n  \"sessions\": [\n  }") .rfind(
            "w.json: line 3, column 3: invalid JSON", 0) == 0);
  // NaN is not JSON: rejected as a syntax error at its position.
  CHECK(ErrorOf(One(R"({"role":"user","length":3,"delay":NaN})")).find("invalid JSON") !=
        std::string::npos);
  // Found by fuzzing: a number beyond double's range made the JSON library throw its own
  // out_of_range instead of a parse error, and kvsim aborted.
  CHECK(ErrorOf(R"({"format": "kvsim-chat/1", "sessions": [{"start": 305e30876}]})") ==
        "w.json: invalid JSON (number overflow parsing '305e30876')");
}

}  // namespace
}  // namespace kvsim
