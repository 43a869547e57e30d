// Each index against an independent reference implementation (tests/support/
// reference_indexes.h) on randomized workloads, request by request, with unbounded and finite
// token budgets.
#include <doctest/doctest.h>

#include <algorithm>

#include "kvsim/replay.h"
#include "support/reference_indexes.h"
#include "support/replay_one.h"

namespace kvsim {
namespace {

using testing::Flatten;
using testing::RandomWorkload;
using testing::RandomWorkloadOptions;

std::vector<uint64_t> Hits(const Workload& w, const std::string& strategy,
                           const std::string& budget, bool cache_output = true) {
  return testing::HitsOf(w, strategy, budget, cache_output);
}

std::string Tok(uint64_t n) { return std::to_string(n) + "tok"; }

RandomWorkloadOptions Shape(uint64_t seed) {
  RandomWorkloadOptions o;
  o.alphabet = 2 + static_cast<int>(seed % 7);
  o.max_new = 5 + static_cast<int>(seed % 50);
  o.continue_session = 0.3 + 0.1 * static_cast<double>(seed % 6);
  o.requests = 150;
  return o;
}

TEST_CASE("radix equals brute force on unbounded budgets") {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    auto w = RandomWorkload(seed, Shape(seed));
    const auto expected = testing::BruteForceUnbounded(Flatten(*w));
    CHECK_MESSAGE(Hits(*w, "radix", "inf") == expected, "seed " << seed);
  }
}

TEST_CASE("radix equals the full-scan reference under token budgets") {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    auto w = RandomWorkload(seed, Shape(seed));
    for (uint64_t budget : {1, 7, 40, 150, 600}) {
      const auto expected = testing::NaiveRadix(budget).Run(Flatten(*w));
      CHECK_MESSAGE(Hits(*w, "radix", Tok(budget)) == expected,
                    "seed " << seed << " budget " << budget);
    }
  }
}

TEST_CASE("radix with --no-cache-output equals the references") {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    auto w = RandomWorkload(seed, Shape(seed));
    CHECK(Hits(*w, "radix", "inf", false) == testing::BruteForceUnbounded(Flatten(*w, false)));
    CHECK(Hits(*w, "radix", "100tok", false) == testing::NaiveRadix(100).Run(Flatten(*w, false)));
  }
}

TEST_CASE("block-trie equals the prefix-map reference") {
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    auto w = RandomWorkload(seed, Shape(seed));
    const auto flat = Flatten(*w);
    for (size_t b : {1, 2, 4, 16}) {
      const std::string s = "block-trie:block_size=" + std::to_string(b);
      CHECK_MESSAGE(Hits(*w, s, "inf") == testing::BruteForceBlocksUnbounded(flat, b),
                    "seed " << seed << " block " << b);
      for (uint64_t budget : {16, 64, 256}) {
        CHECK_MESSAGE(Hits(*w, s, Tok(budget)) == testing::NaiveBlocks(flat, b, budget),
                      "seed " << seed << " block " << b << " budget " << budget);
      }
    }
  }
}

TEST_CASE("lru-buckets equals the flat-list reference") {
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    auto w = RandomWorkload(seed, Shape(seed));
    const auto flat = Flatten(*w);
    for (size_t entries : {1, 3, 10, 1000}) {
      const std::string s = "lru-buckets:max_entries=" + std::to_string(entries);
      CHECK_MESSAGE(Hits(*w, s, "inf") == testing::NaiveLruBuckets(entries, 0).Run(flat),
                    "seed " << seed << " entries " << entries);
      for (uint64_t budget : {20, 100, 500}) {
        CHECK_MESSAGE(Hits(*w, s, Tok(budget)) == testing::NaiveLruBuckets(entries, budget).Run(flat),
                      "seed " << seed << " entries " << entries << " budget " << budget);
      }
    }
  }
}

}  // namespace
}  // namespace kvsim

namespace kvsim {
namespace {

// The bundled default workload, as `kvsim run workloads/support_chat.json --strategy
// radix,block-trie,lru-buckets --budget inf,25%` replays it: every row equals its reference.
TEST_CASE("default workload: radix, block-trie and lru-buckets equal their references") {
  auto w = LoadWorkload(std::string(KVSIM_SOURCE_DIR) + "/workloads/support_chat.json");
  const auto flat = Flatten(*w);
  const uint64_t ws = WorkingSetTokens(*w, true);
  const ModelProfile m = FindModel("llama-3-8b");
  // 25% is a byte budget; at fp16 every token costs the same, so it holds floor(bytes / bpt).
  const Budget b25 = ResolveBudget(ParseBudget("25%"), ws, m.fp16_bytes_per_token());
  const uint64_t tokens25 = *b25.bytes / m.fp16_bytes_per_token();
  // The working set counted independently: distinct prefixes of all sequences = trie nodes =
  // sum over the sorted sequences of (length - common prefix with the previous one).
  std::vector<std::vector<Token>> seqs;
  for (const auto& f : flat) seqs.push_back(f.sequence);
  std::sort(seqs.begin(), seqs.end());
  uint64_t distinct = 0;
  for (size_t i = 0; i < seqs.size(); ++i) {
    distinct += seqs[i].size() - (i == 0 ? 0 : testing::Lcp(seqs[i], seqs[i - 1]));
  }
  CHECK(ws == distinct);
  CHECK(Hits(*w, "radix", "inf") == testing::BruteForceUnbounded(flat));
  CHECK(Hits(*w, "radix", "25%") == testing::NaiveRadix(tokens25).Run(flat));
  CHECK(Hits(*w, "block-trie", "inf") == testing::BruteForceBlocksUnbounded(flat, 16));
  CHECK(Hits(*w, "block-trie", "25%") == testing::NaiveBlocks(flat, 16, tokens25));
  CHECK(Hits(*w, "lru-buckets", "inf") == testing::NaiveLruBuckets(10, 0).Run(flat));
  CHECK(Hits(*w, "lru-buckets", "25%") == testing::NaiveLruBuckets(10, tokens25).Run(flat));
}

}  // namespace
}  // namespace kvsim

namespace kvsim {
namespace {

// Belady's MIN over blocks is the upper bound a planner compares LRU against: at the same block
// size and budget it never hits less than block-trie in total, and unbounded they are equal.
TEST_CASE("belady hits at least as much as block-trie's LRU at every budget") {
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    auto w = RandomWorkload(seed, Shape(seed));
    for (size_t b : {1, 4, 16}) {
      const std::string bs = ":block_size=" + std::to_string(b);
      CHECK(Hits(*w, "belady" + bs, "inf") == Hits(*w, "block-trie" + bs, "inf"));
      for (uint64_t budget : {16, 64, 256}) {
        uint64_t lru = 0, opt = 0;
        for (uint64_t h : Hits(*w, "block-trie" + bs, Tok(budget))) lru += h;
        for (uint64_t h : Hits(*w, "belady" + bs, Tok(budget))) opt += h;
        CHECK_MESSAGE(opt >= lru, "seed " << seed << " block " << b << " budget " << budget);
      }
    }
  }
}

}  // namespace
}  // namespace kvsim
