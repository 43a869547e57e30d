// Two-tier and kivi accounting: the ledger's hot tokens equal an independent count. A token at
// position p is hot when p >= HotFrom(n) for the length n of the last sequence that wrote it
// (docs/contract.md, "two-tier's hot tail": after each request, tokens of its sequence at
// positions >= n - tail are hot, tokens elsewhere keep theirs; kivi's cold prefix ends on a
// multiple of its key group: floor((n - residual) / group) x group).
#include <doctest/doctest.h>

#include <map>

#include "support/index_driver.h"
#include "support/random_workload.h"

namespace kvsim {
namespace {

// Independent model: every block ever written (unbounded cache), keyed by its whole prefix, with
// its last writer's length. Blocks are copies: two blocks sharing their first tokens hold both.
uint64_t ExpectedHot(const std::vector<testing::Flat>& reqs, HotRule rule, size_t block) {
  std::map<std::vector<Token>, uint64_t> writer;
  for (const auto& r : reqs) {
    const size_t n = r.sequence.size();
    for (size_t k = 0; (k + 1) * block <= n; ++k) {
      writer[std::vector<Token>(r.sequence.begin(), r.sequence.begin() + static_cast<long>((k + 1) * block))] = n;
    }
  }
  uint64_t hot = 0;
  for (const auto& [prefix, n] : writer) {
    for (uint64_t pos = prefix.size() - block; pos < prefix.size(); ++pos) {
      const uint64_t from = n > rule.tail ? (n - rule.tail) / rule.group * rule.group : 0;
      hot += pos >= from;
    }
  }
  return hot;
}

TEST_CASE("two-tier and kivi: hot tokens follow the last writer of every token (radix, block-trie)") {
  for (uint64_t seed = 1; seed <= 15; ++seed) {
    testing::RandomWorkloadOptions o;
    o.requests = 60;
    auto w = testing::RandomWorkload(seed, o);
    const auto flat = testing::Flatten(*w);
    for (const HotRule rule : {HotRule{0, 1}, HotRule{5, 1}, HotRule{40, 1}, HotRule{0, 4},
                               HotRule{5, 8}, HotRule{40, 32}}) {
      for (const auto& entry :
           std::vector<std::pair<std::string, size_t>>{{"radix", 1}, {"block-trie:block_size=4", 4}}) {
        const auto& strategy = entry.first;  // not a binding: clang 14 cannot capture those
        const size_t block = entry.second;
        testing::IndexDriver d(strategy, Budget{}, TokenCost{2, 1, rule});
        for (const auto& r : flat) {
          d.Step(r.prompt, std::vector<Token>(r.sequence.begin() + static_cast<long>(r.prompt.size()),
                                              r.sequence.end()));
        }
        const uint64_t hot = ExpectedHot(flat, rule, block);
        CHECK_MESSAGE(d.ledger().hot_tokens() == hot,
                      strategy << " seed " << seed << " tail " << rule.tail << " group " << rule.group);
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

TEST_CASE("HotRule: two-tier's window is n - tail; kivi's cold prefix ends on a whole group") {
  CHECK(HotRule{}.HotFrom(1000) == 0);
  CHECK(HotRule{256, 1}.HotFrom(1000) == 744);
  CHECK(HotRule{256, 1}.HotFrom(200) == 0);
  CHECK(HotRule{128, 32}.HotFrom(128) == 0);
  CHECK(HotRule{128, 32}.HotFrom(159) == 0);   // 31 tokens past the residual: no whole group
  CHECK(HotRule{128, 32}.HotFrom(160) == 32);
  CHECK(HotRule{128, 32}.HotFrom(300) == 160);  // 172 past the residual: 5 groups
  CHECK(HotRule{0, 32}.HotFrom(70) == 64);
}

// kivi 2-bit at d = 128 on llama-3-8b: fp16 = 32 x 8 x 2 x 256 bytes per token, quantized keys
// and values 48 + 48 bytes per head.
TEST_CASE("kivi: a hand-worked sequence prices the residual and the unfilled group at fp16") {
  const uint64_t fp16 = 32 * 8 * 2 * 256, quantized = 32 * 8 * (48 + 48);
  testing::IndexDriver d("radix", Budget{}, TokenCost{fp16, quantized, HotRule{128, 32}});
  d.Step(testing::Seq(1, 100));   // shorter than the residual: all fp16
  CHECK(d.ledger().hot_tokens() == 100);
  d.Step(testing::Seq(1, 300));   // 0..159 quantized (5 groups), 160..299 fp16: 128 + 12
  CHECK(d.ledger().tokens() == 300);
  CHECK(d.ledger().hot_tokens() == 140);
  CHECK(d.ledger().bytes() == 140 * fp16 + 160 * quantized);
  d.Step(testing::Seq(1, 400));   // 0..255 quantized (8 groups), 256..399 fp16: 128 + 16
  CHECK(d.ledger().hot_tokens() == 144);
  CHECK(d.ledger().bytes() == 144 * fp16 + 256 * quantized);
}

}  // namespace
}  // namespace kvsim
