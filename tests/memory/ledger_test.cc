// Two-tier accounting: the ledger's hot tokens equal an independent count. A token at position p
// is hot when p >= n - tail for the length n of the last sequence that wrote it (docs/contract.md, "two-tier's hot tail": after each
// request, tokens of its sequence at positions >= n - tail are hot, tokens elsewhere keep theirs).
#include <doctest/doctest.h>

#include <map>

#include "support/index_driver.h"
#include "support/random_workload.h"

namespace kvsim {
namespace {

// Independent model: every block ever written (unbounded cache), keyed by its whole prefix, with
// its last writer's length. Blocks are copies: two blocks sharing their first tokens hold both.
uint64_t ExpectedHot(const std::vector<testing::Flat>& reqs, uint64_t tail, size_t block) {
  std::map<std::vector<Token>, uint64_t> writer;
  for (const auto& r : reqs) {
    const size_t n = r.sequence.size();
    for (size_t k = 0; (k + 1) * block <= n; ++k) {
      writer[std::vector<Token>(r.sequence.begin(), r.sequence.begin() + static_cast<long>((k + 1) * block))] = n;
    }
  }
  uint64_t hot = 0;
  for (const auto& [prefix, n] : writer) {
    for (uint64_t pos = prefix.size() - block; pos < prefix.size(); ++pos) hot += pos + tail >= n;
  }
  return hot;
}

TEST_CASE("two-tier: hot tokens follow the last writer of every token (radix, block-trie)") {
  for (uint64_t seed = 1; seed <= 15; ++seed) {
    testing::RandomWorkloadOptions o;
    o.requests = 60;
    auto w = testing::RandomWorkload(seed, o);
    const auto flat = testing::Flatten(*w);
    for (uint64_t tail : {0, 5, 40}) {
      for (const auto& entry :
           std::vector<std::pair<std::string, size_t>>{{"radix", 1}, {"block-trie:block_size=4", 4}}) {
        const auto& strategy = entry.first;  // not a binding: clang 14 cannot capture those
        const size_t block = entry.second;
        testing::IndexDriver d(strategy, Budget{}, TokenCost{2, 1, tail});
        for (const auto& r : flat) {
          d.Step(r.prompt, std::vector<Token>(r.sequence.begin() + static_cast<long>(r.prompt.size()),
                                              r.sequence.end()));
        }
        const uint64_t hot = ExpectedHot(flat, tail, block);
        CHECK_MESSAGE(d.ledger().hot_tokens() == hot, strategy << " seed " << seed << " tail " << tail);
        CHECK(d.ledger().bytes() == 2 * hot + (d.ledger().tokens() - hot));
      }
    }
  }
}

TEST_CASE("two-tier: a hand-worked sequence") {
  testing::IndexDriver d("radix", Budget{}, TokenCost{512, 160, 100});
  d.Step(testing::Seq(1, 300));                 // positions 200..299 hot
  CHECK(d.ledger().hot_tokens() == 100);
  d.Step(testing::Seq(1, 350));                 // rewrites 0..299, adds 300..349: 250..349 hot
  CHECK(d.ledger().tokens() == 350);
  CHECK(d.ledger().hot_tokens() == 100);
  d.Step(testing::Seq(1, 120));                 // a shorter request through the same path:
  CHECK(d.ledger().hot_tokens() == 100 + 100);  // 20..119 hot again (n = 120), 250..349 keep theirs
  CHECK(d.ledger().bytes() == 200 * 512 + 150 * 160);
}

}  // namespace
}  // namespace kvsim
