// radix follows docs/contract.md, "radix" to the node: splits, one leaf per insert, LRU leaf eviction.
#include <doctest/doctest.h>

#include "support/index_driver.h"

namespace kvsim {
namespace {

using testing::Cat;
using testing::IndexDriver;
using testing::Seq;

TEST_CASE("hit is capped at len(prompt) - 1 and is 0 for an empty prompt") {
  IndexDriver d("radix", Budget{});
  d.Step(Seq(1, 10));
  CHECK(d.Probe(Seq(1, 10)) == 9);
  CHECK(d.Probe({}) == 0);
  CHECK(d.Probe({1}) == 0);
}

TEST_CASE("a divergence splits a node; the shared part survives eviction of a branch") {
  IndexDriver d("radix", Budget{uint64_t{20}, std::nullopt});
  d.Step(Seq(1, 10));                          // A: one node of 10 tokens (t=0)
  d.Step(Cat(Seq(1, 6), Seq(100, 4)));         // B: split at 6, new leaf of 4 (t=1)
  CHECK(d.ledger().tokens() == 14);
  d.Step(Seq(500, 8));                         // C: 22 > 20 -> evict LRU leaf: A's tail (4)
  CHECK(d.ledger().tokens() == 18);
  CHECK(d.ledger().evictions() == 1);
  CHECK(d.Probe(Seq(1, 10)) == 6);             // only the shared 6 tokens remain of A
}

TEST_CASE("leaves are evicted whole; a parent becomes evictable after its children") {
  IndexDriver d("radix", Budget{uint64_t{10}, std::nullopt});
  d.Step(Seq(1, 6));                           // A (t=0)
  d.Step(Cat(Seq(1, 6), Seq(50, 3)));          // A + 3 as a child leaf (t=1)
  d.Step(Seq(900, 4));                         // 13 > 10: the only leaf with smallest t...
  // Leaves: child (t=1) and the new one (t=2); the child goes (3 tokens) -> 10 held.
  CHECK(d.ledger().tokens() == 10);
  d.Step(Seq(700, 1));                         // 11 > 10: now A's node (t=1) is a leaf
  CHECK(d.ledger().tokens() == 5);
  CHECK(d.ledger().evictions() == 2);
}

}  // namespace
}  // namespace kvsim
