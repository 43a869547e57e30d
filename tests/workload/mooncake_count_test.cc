// The Mooncake synthetic trace, replayed by radix with an unbounded budget, hits exactly the
// tokens an independent count of shared hash-id prefixes gives. The count reads the JSON itself
// and walks a trie of hash-id chains; block j of an earlier request with the same chain shares
// min(its length, this length) tokens, and sharing stops after a partial block (what follows a
// partial block in the earlier sequence is its unique output).
#include <doctest/doctest.h>

#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "kvsim/replay.h"
#include "support/replay_one.h"
#include "kvsim/workload.h"

namespace kvsim {
namespace {

uint64_t IndependentCount(const std::string& path, uint64_t* prompt_tokens) {
  struct Node {
    std::map<uint64_t, size_t> kids;
    uint64_t max_len = 0;
  };
  std::vector<Node> trie(1);
  std::ifstream in(path);
  std::string line;
  uint64_t hits = 0;
  *prompt_tokens = 0;
  const uint64_t b = 512;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    const uint64_t n = j["input_length"];
    const auto ids = j["hash_ids"].get<std::vector<uint64_t>>();
    *prompt_tokens += n;
    // Count first, against earlier requests only.
    uint64_t shared = 0;
    size_t cur = 0;
    for (size_t k = 0; k < ids.size(); ++k) {
      auto it = trie[cur].kids.find(ids[k]);
      if (it == trie[cur].kids.end()) break;
      cur = it->second;
      const uint64_t len = std::min(b, n - b * k);
      shared += std::min(len, trie[cur].max_len);
      if (std::min(len, trie[cur].max_len) < b) break;
    }
    hits += n == 0 ? 0 : std::min(shared, n - 1);
    cur = 0;
    for (size_t k = 0; k < ids.size(); ++k) {
      auto it = trie[cur].kids.find(ids[k]);
      if (it == trie[cur].kids.end()) {
        trie.push_back({});
        it = trie[cur].kids.emplace(ids[k], trie.size() - 1).first;
      }
      cur = it->second;
      trie[cur].max_len = std::max(trie[cur].max_len, std::min(b, n - b * k));
    }
  }
  return hits;
}

TEST_CASE("synthetic trace: unbounded radix equals the independent hash-prefix count") {
  const std::string path = std::string(KVSIM_SOURCE_DIR) + "/workloads/mooncake/synthetic_trace.jsonl";
  uint64_t prompt = 0;
  const uint64_t expected = IndependentCount(path, &prompt);
  auto w = LoadWorkload(path);
  const RowResult row = testing::ReplayOne(*w, "radix", "inf");
  CHECK(row.prompt_tokens == prompt);
  CHECK(row.hit_tokens == expected);
  MESSAGE("synthetic trace, unbounded radix: " << expected << " / " << prompt << " = "
                                               << double(expected) / double(prompt));
}

}  // namespace
}  // namespace kvsim
