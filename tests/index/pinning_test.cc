// Pinning, for every index of the registry: what a running request uses is never evicted, pins
// nest, and once every pin is gone everything is evictable again. Checked after every request of
// random workloads replayed under a budget far smaller than what the pins hold at times.
#include <doctest/doctest.h>

#include <deque>
#include <random>

#include "kvsim/index.h"
#include "kvsim/strategy.h"
#include "support/random_workload.h"

namespace kvsim {
namespace {

struct PinnedPrefix {
  std::vector<Token> tokens;
  uint64_t len;
};

Options SmallBlocks(const RegistryEntry& e) {
  for (const auto& o : e.options) {
    if (o.name == "block_size") return Options::Parse(e.options, "block_size=4", e.name);
  }
  return Options::Parse(e.options, "", e.name);
}

// The hit a prompt of `p.tokens` plus one token gets now (touches LRU order only).
uint64_t Probe(Index& index, const PinnedPrefix& p, Tick now) {
  std::vector<Token> prompt = p.tokens;
  prompt.push_back(7);
  Request r;
  r.tokens = prompt;
  r.prompt_len = prompt.size();
  return index.Match(r, now);
}

void DrainAndCheck(Index& index, const Ledger& ledger) {
  while (index.EvictOne()) {
  }
  CHECK(ledger.tokens() == index.pinned_tokens());  // what is left is exactly what is pinned
}

void ReplayWithPins(const RegistryEntry& entry, uint64_t seed) {
  auto w = testing::RandomWorkload(seed, {.requests = 150});
  Ledger ledger(Budget{40, std::nullopt}, TokenCost{1, 1, kNoTail});
  auto index = MakeIndex(entry.name, SmallBlocks(entry), &ledger, IndexContext{w.get(), true});
  const bool probe = entry.name != "belady";  // belady's Match is tied to the request's position
  std::mt19937_64 rng(seed);
  std::deque<PinnedPrefix> pins;
  auto stream = w->Open();
  Tick now = 0;
  while (const Request* r = stream->Next()) {
    const uint64_t hit = index->Match(*r, now);
    // One deque entry per pin; now and then the same prefix twice (nested pins).
    for (int n = hit > 0 && rng() % 2 == 0 ? 1 + (rng() % 4 == 0) : 0; n > 0; --n) {
      pins.push_back({std::vector<Token>(r->tokens.begin(), r->tokens.begin() + hit), hit});
      index->Pin(pins.back().tokens, hit);
    }
    index->Insert(*r, r->tokens, now);
    while (ledger.OverBudget() && index->EvictOne()) {
    }
    CHECK(index->pinned_tokens() <= ledger.tokens());
    if (probe) {
      for (const auto& p : pins) CHECK_MESSAGE(Probe(*index, p, now) >= p.len, entry.name << " seed " << seed);
    }
    while (pins.size() > 4 || (!pins.empty() && rng() % 3 == 0)) {
      index->Unpin(pins.front().tokens, pins.front().len);
      pins.pop_front();
    }
    ++now;
  }
  DrainAndCheck(*index, ledger);
  for (const auto& p : pins) index->Unpin(p.tokens, p.len);
  CHECK(index->pinned_tokens() == 0);
  DrainAndCheck(*index, ledger);
  CHECK(ledger.tokens() == 0);
}

TEST_CASE("pinned tokens are never evicted, in every index") {
  for (const auto& entry : IndexEntries()) {
    for (uint64_t seed = 1; seed <= 20; ++seed) ReplayWithPins(entry, seed);
  }
}

TEST_CASE("pins nest; with every pin gone, everything is evictable") {
  for (const auto& entry : IndexEntries()) {
    auto w = testing::RandomWorkload(3, {.requests = 60});
    Ledger ledger(Budget{}, TokenCost{1, 1, kNoTail});
    auto index = MakeIndex(entry.name, SmallBlocks(entry), &ledger, IndexContext{w.get(), true});
    auto stream = w->Open();
    Tick now = 0;
    std::vector<PinnedPrefix> pins;
    while (const Request* r = stream->Next()) {
      const uint64_t hit = index->Match(*r, now);
      if (hit > 0) pins.push_back({std::vector<Token>(r->tokens.begin(), r->tokens.begin() + hit), hit});
      index->Insert(*r, r->tokens, now++);
    }
    REQUIRE_MESSAGE(!pins.empty(), entry.name);
    const PinnedPrefix& p = pins.back();
    index->Pin(p.tokens, p.len);
    index->Pin(p.tokens, p.len);
    const uint64_t pinned = index->pinned_tokens();
    CHECK(pinned >= p.len - p.len % 4);
    index->Unpin(p.tokens, p.len);
    CHECK(index->pinned_tokens() == pinned);  // one pin still holds them
    DrainAndCheck(*index, ledger);
    CHECK_MESSAGE(ledger.tokens() >= pinned, entry.name);
    index->Unpin(p.tokens, p.len);
    CHECK(index->pinned_tokens() == 0);
    DrainAndCheck(*index, ledger);
    CHECK_MESSAGE(ledger.tokens() == 0, entry.name);
  }
}

}  // namespace
}  // namespace kvsim
