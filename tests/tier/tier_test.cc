// Memory tiers below the GPU (kvsim/memory_tiers.h): the identities that LRU's stack property
// fixes for the block-trie, the GPU tier left as it is by what lies below it, capacities, and
// the --tier grammar.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "kvsim/error.h"
#include "kvsim/memory_tiers.h"
#include "kvsim/replay.h"
#include "support/error_of.h"
#include "support/random_workload.h"
#include "support/same_row.h"

namespace kvsim {
namespace {

using testing::RandomWorkload;

RowResult Row(const Workload& w, const std::string& strategy, const std::string& budget,
              const std::vector<std::string>& tiers = {}, bool cache_output = true) {
  RunOptions o;
  o.model = FindModel("llama-3-8b");
  o.record_hits = true;
  o.cache_output = cache_output;
  o.tiers = ParseTierSpecs(tiers);
  return Replay(w, {ParseStrategy(strategy)}, {ParseBudget(budget)}, o).rows.at(0);
}

uint64_t LowerHits(const RowResult& r) {
  uint64_t n = 0;
  for (const TierFigures& t : r.tiers) n += t.hit_tokens;
  return n;
}

struct Identity {
  std::string gpu;                 // GPU budget
  std::vector<std::string> tiers;  // below it
  std::string single;              // the one-tier budget with the same hits
};

// Block-granular LRU is a stack algorithm: a cache of C blocks always holds the C most recently
// used. An inclusive tier of H >= G sees every use, so it is the H-block cache; an exclusive
// tier keeps what the tier above evicts, in eviction order, so the two together are the
// (G + H)-block cache.
TEST_CASE("block-trie with lower tiers hits exactly as one tier of the size the stack fixes") {
  const std::vector<Identity> cases = {
      {"320tok", {"host:320tok"}, "320tok"},
      {"320tok", {"host:960tok"}, "960tok"},
      {"320tok", {"host:3x"}, "960tok"},
      {"320tok", {"host:640tok:mode=exclusive"}, "960tok"},
      {"320tok", {"host:2x", "disk:5x"}, "1600tok"},
      {"320tok", {"host:2x:mode=exclusive", "disk:1x:mode=exclusive"}, "1280tok"},
      {"320tok", {"host:2x", "disk:1x:mode=exclusive"}, "960tok"},
      {"160tok", {"host:inf"}, "inf"},
      {"40MiB", {"host:3x"}, "120MiB"},
      {"40MiB", {"host:80MiB:mode=exclusive"}, "120MiB"},
  };
  for (const uint64_t seed : {1, 2, 3, 4}) {
    const auto w = RandomWorkload(seed, {.requests = 300});
    for (const char* strategy : {"block-trie:block_size=1", "block-trie:block_size=4",
                                 "block-trie:block_size=16"}) {
      for (const bool cache_output : {true, false}) {
        for (const Identity& c : cases) {
          CAPTURE(seed);
          CAPTURE(strategy);
          CAPTURE(cache_output);
          CAPTURE(c.single);
          CAPTURE(c.tiers.back());
          const RowResult tiered = Row(*w, strategy, c.gpu, c.tiers, cache_output);
          const RowResult one = Row(*w, strategy, c.single, {}, cache_output);
          CHECK(tiered.hits == one.hits);
          CHECK(tiered.hit_requests == one.hit_requests);
        }
      }
    }
  }
}

TEST_CASE("the GPU tier is what it is without tiers; per-tier hits add up; capacities hold") {
  for (const uint64_t seed : {5, 6}) {
    const auto w = RandomWorkload(seed, {.requests = 300});
    for (const char* strategy : {"radix", "block-trie", "lru-buckets", "belady:block_size=4",
                                 "radix+q4", "lru-buckets:max_entries=8"}) {
      const RowResult alone = Row(*w, strategy, "400tok");
      for (const std::vector<std::string>& tiers :
           std::vector<std::vector<std::string>>{{"host:2x"},
                                                 {"host:2x:mode=exclusive"},
                                                 {"host:1x", "disk:4x:codec=q4"},
                                                 {"host:1x:mode=exclusive", "disk:600tok:mode=exclusive"}}) {
        CAPTURE(seed);
        CAPTURE(strategy);
        CAPTURE(tiers.front());
        const RowResult r = Row(*w, strategy, "400tok", tiers);
        // The GPU's own share: the same hits, evictions and memory as alone.
        CHECK(r.hit_tokens - LowerHits(r) == alone.hit_tokens);
        CHECK(r.evictions == alone.evictions);
        CHECK(r.peak_tokens == alone.peak_tokens);
        CHECK(r.hit_tokens >= alone.hit_tokens);
        for (size_t i = 0; i < r.hits.size(); ++i) CHECK(r.hits[i] >= alone.hits[i]);
        for (const TierFigures& t : r.tiers) {
          CAPTURE(t.name);
          if (t.capacity_tokens) CHECK(t.peak_tokens <= *t.capacity_tokens);
          if (t.capacity_bytes) CHECK(t.peak_bytes <= *t.capacity_bytes);
          CHECK(t.peak_bytes == t.peak_tokens * t.bytes_per_token);
        }
      }
    }
  }
}

TEST_CASE("tiers of zero capacity change nothing and move no bytes") {
  const auto w = RandomWorkload(7, {.requests = 300});
  for (const char* strategy : {"radix", "block-trie", "lru-buckets", "belady", "two-tier"}) {
    CAPTURE(strategy);
    const RowResult r = Row(*w, strategy, "300tok", {"host:0", "disk:0:mode=exclusive"});
    testing::CheckSameRow(r, Row(*w, strategy, "300tok"));
    CHECK(LowerHits(r) == 0);
    for (const TierMove& m : r.bytes_moved) CHECK(m.bytes == 0);
  }
}

TEST_CASE("bytes moved: write-through, demotion and promotion in the tier's format") {
  const auto w = RandomWorkload(8, {.requests = 200});
  const RowResult r = Row(*w, "block-trie:block_size=4", "200tok", {"host:2x:codec=q8"});
  const TierFigures& host = r.tiers.at(0);
  CHECK(host.bytes_per_token < 131072);  // q8, not the GPU's fp16
  uint64_t up = 0, down = 0;
  for (const TierMove& m : r.bytes_moved) {
    if (m.from == "host" && m.to == "gpu") up = m.bytes;
    if (m.from == "gpu" && m.to == "host") down = m.bytes;
  }
  CHECK(up == host.hit_tokens * host.bytes_per_token);
  CHECK(down % (4 * host.bytes_per_token) == 0);  // whole chunks
  CHECK(down >= host.peak_bytes);
}

TEST_CASE("--tier grammar") {
  const TierSpec t = ParseTierSpec("disk:1TB:bw=7.5:mode=exclusive:codec=q4:group_size=64");
  CHECK(t.name == "disk");
  CHECK(t.size.kind == BudgetSpec::Kind::kBytes);
  CHECK(t.bandwidth_gbps == 7.5);
  CHECK(t.exclusive);
  CHECK(t.codec == "q4");
  CHECK(t.codec_options.Int("group_size") == 64);
  CHECK(ParseTierSpec("host:2x").times == 2.0);
  CHECK(ParseTierSpec("host:25%").bandwidth_gbps == kHostBandwidthGBps);
  CHECK(ParseTierSpec("disk:10Mtok").bandwidth_gbps == kDiskBandwidthGBps);
  CHECK(testing::ErrorOf([] { ParseTierSpec("gpu:1GiB"); }).find("host or disk") != std::string::npos);
  CHECK(testing::ErrorOf([] { ParseTierSpec("host"); }).find("size is missing") != std::string::npos);
  CHECK(testing::ErrorOf([] { ParseTierSpec("host:lots"); }).find("--tier 'host:lots'") != std::string::npos);
  CHECK(testing::ErrorOf([] { ParseTierSpec("host:1GiB:bw=0"); }).find("bw must be") != std::string::npos);
  CHECK(testing::ErrorOf([] { ParseTierSpec("host:1GiB:mode=both"); }).find("inclusive or exclusive") != std::string::npos);
  CHECK(testing::ErrorOf([] { ParseTierSpec("host:1GiB:speed=3"); }).find("unknown key 'speed'") != std::string::npos);
  CHECK(testing::ErrorOf([] { ParseTierSpec("host:1GiB:codec=q5"); }).find("unknown codec") != std::string::npos);
  CHECK(testing::ErrorOf([] { ParseTierSpec("host:-2x"); }).find("multiple of the GPU budget") != std::string::npos);
  CHECK(testing::ErrorOf([] { ParseTierSpecs({"host:1GiB", "host:2GiB"}); }).find("given twice") != std::string::npos);
  const auto w = RandomWorkload(9, {.requests = 20});
  CHECK(testing::ErrorOf([&] { Row(*w, "radix", "inf", {"host:2x"}); }).find("bounded budget") != std::string::npos);
}

}  // namespace
}  // namespace kvsim
