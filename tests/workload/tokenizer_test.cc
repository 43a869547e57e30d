// The built-in tokenizer: byte-level-BPE-style pre-tokenization, determinism, and its density
// on English prose (documented in README).
#include <doctest/doctest.h>

#include <string>

#include "kvsim/tokenizer.h"

namespace kvsim {
namespace {

std::vector<std::string> Pieces(const std::string& s) {
  std::vector<std::string> out;
  for (auto p : PreTokenize(s)) out.emplace_back(p);
  return out;
}

// Public-domain English prose (the opening of Jane Austen's "Pride and Prejudice", 1813, and of
// Herman Melville's "Moby-Dick", 1851).
constexpr const char* kProse =
    "It is a truth universally acknowledged, that a single man in possession of a good fortune, "
    "must be in want of a wife. However little known the feelings or views of such a man may be "
    "on his first entering a neighbourhood, this truth is so well fixed in the minds of the "
    "surrounding families, that he is considered as the rightful property of some one or other "
    "of their daughters. \"My dear Mr. Bennet,\" said his lady to him one day, \"have you heard "
    "that Netherfield Park is let at last?\" Mr. Bennet replied that he had not. \"But it is,\" "
    "returned she; \"for Mrs. Long has just been here, and she told me all about it.\" Mr. Bennet "
    "made no answer. \"Do not you want to know who has taken it?\" cried his wife impatiently. "
    "Call me Ishmael. Some years ago - never mind how long precisely - having little or no money "
    "in my purse, and nothing particular to interest me on shore, I thought I would sail about a "
    "little and see the watery part of the world. It is a way I have of driving off the spleen "
    "and regulating the circulation. Whenever I find myself growing grim about the mouth; "
    "whenever it is a damp, drizzly November in my soul; whenever I find myself involuntarily "
    "pausing before coffin warehouses, and bringing up the rear of every funeral I meet; and "
    "especially whenever my hypos get such an upper hand of me, that it requires a strong moral "
    "principle to prevent me from deliberately stepping into the street, and methodically "
    "knocking people's hats off - then, I account it high time to get to sea as soon as I can.";

TEST_CASE("pre-tokenization follows the cl100k pattern") {
  CHECK(Pieces("Hello world") == std::vector<std::string>{"Hello", " world"});
  CHECK(Pieces("don't") == std::vector<std::string>{"don", "'t"});
  CHECK(Pieces("12345") == std::vector<std::string>{"123", "45"});
  CHECK(Pieces("a  b") == std::vector<std::string>{"a", " ", " b"});
  CHECK(Pieces("end.\n\nNext") == std::vector<std::string>{"end", ".\n\n", "Next"});
  CHECK(Pieces("x = (y)") == std::vector<std::string>{"x", " =", " (", "y", ")"});
  CHECK(Pieces("internationalization") ==
        std::vector<std::string>{"interna", "tionali", "zation"});
}

TEST_CASE("pieces cover the text exactly") {
  std::string joined;
  for (auto p : PreTokenize(kProse)) joined += p;
  CHECK(joined == kProse);
  std::string utf8 = "caf\xc3\xa9 na\xc3\xafvet\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e";
  joined.clear();
  for (auto p : PreTokenize(utf8)) {
    // never cut inside a UTF-8 sequence
    CHECK((static_cast<unsigned char>(p.front()) & 0xc0) != 0x80);
    joined += p;
  }
  CHECK(joined == utf8);
}

TEST_CASE("equal text gives equal tokens; ids are below 2^31") {
  std::vector<Token> a, b;
  Tokenize(kProse, &a);
  Tokenize(kProse, &b);
  CHECK(a == b);
  for (Token t : a) CHECK(t < 0x80000000u);
}

TEST_CASE("about 4 characters per token on English prose") {
  std::vector<Token> t;
  Tokenize(kProse, &t);
  const double chars_per_token = double(std::string(kProse).size()) / double(t.size());
  MESSAGE("characters per token: " << chars_per_token);
  CHECK(chars_per_token > 3.5);
  CHECK(chars_per_token < 4.5);
}

}  // namespace
}  // namespace kvsim
