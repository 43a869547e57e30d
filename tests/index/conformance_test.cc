// The conformance suite every index passes; a new index joins by its registry row alone.
#include <doctest/doctest.h>

#include "kvsim/replay.h"
#include "support/random_workload.h"
#include "support/replay_one.h"

namespace kvsim {
namespace {

using testing::ReplayOne;

std::vector<std::string> AllIndexes() {
  std::vector<std::string> v;
  for (const auto& e : IndexEntries()) v.push_back(e.name);
  for (const char* extra : {"block-trie:block_size=1", "block-trie:block_size=3", "lru-buckets:max_entries=1"}) {
    v.emplace_back(extra);
  }
  return v;
}

TEST_CASE("tokens and bytes held never exceed the budget, hits never exceed the cap") {
  for (const auto& index : AllIndexes()) {
    for (uint64_t seed = 1; seed <= 8; ++seed) {
      auto w = testing::RandomWorkload(seed);
      const auto flat = testing::Flatten(*w);
      for (const char* budget : {"1tok", "50tok", "300tok", "10MiB", "20%"}) {
        size_t step = 0;
        bool ok = true;
        const auto check = [&](size_t, uint64_t hit, uint64_t tokens, uint64_t bytes) {
          const size_t n = flat[step].prompt.size();
          ok = ok && hit <= (n == 0 ? 0 : n - 1);
          ok = ok && bytes == tokens * FindModel("llama-3-8b").fp16_bytes_per_token();
          ++step;
        };
        const RowResult r = ReplayOne(*w, index, budget, {true, check});
        if (r.budget.tokens) CHECK(r.peak_tokens <= *r.budget.tokens);
        if (r.budget.bytes) CHECK(r.peak_bytes <= *r.budget.bytes);
        CHECK_MESSAGE(ok, index << " seed " << seed << " budget " << budget);
        CHECK(step == flat.size());
      }
    }
  }
}

TEST_CASE("deterministic: two replays give identical results") {
  auto w = testing::RandomWorkload(7);
  for (const auto& index : AllIndexes()) {
    const auto a = ReplayOne(*w, index, "100tok");
    const auto b = ReplayOne(*w, index, "100tok");
    CHECK(a.hits == b.hits);
    CHECK(a.evictions == b.evictions);
    CHECK(a.mean_bytes == b.mean_bytes);
  }
}

TEST_CASE("no index hits more than unbounded radix, request by request") {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    auto w = testing::RandomWorkload(seed);
    const auto radix = ReplayOne(*w, "radix", "inf").hits;
    for (const auto& index : AllIndexes()) {
      for (const char* budget : {"inf", "100tok"}) {
        const auto hits = ReplayOne(*w, index, budget).hits;
        for (size_t i = 0; i < hits.size(); ++i) {
          CHECK_MESSAGE(hits[i] <= radix[i], index << " " << budget << " request " << i);
        }
      }
    }
  }
}

TEST_CASE("a workload without repeated tokens gives zero hits") {
  std::vector<OwnedRequest> reqs;
  Token next = 0;
  for (int i = 0; i < 50; ++i) {
    OwnedRequest r;
    for (int k = 0; k < 20 + i; ++k) r.prompt.push_back(next++);
    for (int k = 0; k < 5; ++k) r.output.push_back(next++);
    r.time = i;
    reqs.push_back(r);
  }
  auto w = MakeWorkload(reqs, "unique");
  for (const auto& index : AllIndexes()) {
    const auto run = ReplayOne(*w, index, "inf");
    CHECK_MESSAGE(run.hit_tokens == 0, index);
  }
}

TEST_CASE("replaying a workload twice in a row: the second pass hits") {
  auto once = testing::RandomWorkload(3);
  const auto flat = testing::Flatten(*once);
  std::vector<OwnedRequest> twice;
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t i = 0; i < flat.size(); ++i) {
      OwnedRequest r;
      r.prompt = flat[i].prompt;
      r.output.assign(flat[i].sequence.begin() + static_cast<long>(flat[i].prompt.size()),
                      flat[i].sequence.end());
      r.time = static_cast<double>(pass * flat.size() + i);
      twice.push_back(r);
    }
  }
  auto w = MakeWorkload(twice, "twice");
  // Every index, each with room for everything (max_entries bounds lru-buckets on its own).
  const std::pair<const char*, size_t> cases[] = {{"radix", 1},
                                                  {"block-trie", 16},
                                                  {"block-trie:block_size=1", 1},
                                                  {"block-trie:block_size=3", 3},
                                                  {"lru-buckets:max_entries=1000000", 1},
                                                  {"belady", 16}};
  CHECK(std::size(cases) == IndexEntries().size() + 2);
  for (const auto& entry : cases) {
    const auto& index = entry.first;  // not a structured binding: clang 14 cannot capture those
    const auto b = entry.second;
    const auto hits = ReplayOne(*w, index, "inf").hits;
    for (size_t i = 0; i < flat.size(); ++i) {
      const size_t n = flat[i].prompt.size();
      const size_t cap = n == 0 ? 0 : n - 1;
      CHECK_MESSAGE(hits[flat.size() + i] == cap / b * b, index << " request " << i);
    }
  }
}

}  // namespace
}  // namespace kvsim
