// block-trie reproduces vLLM's prefix caching: full blocks only, identity by the whole prefix,
// LRU with the deepest block of a request freed first.
#include <doctest/doctest.h>

#include "support/index_driver.h"

namespace kvsim {
namespace {

using testing::Cat;
using testing::IndexDriver;
using testing::Seq;

TEST_CASE("only full blocks are cached and matched") {
  IndexDriver d("block-trie:block_size=4", Budget{});
  d.Step(Seq(1, 10));                  // blocks [1..4], [5..8]; tokens 9, 10 not cached
  CHECK(d.ledger().tokens() == 8);
  CHECK(d.Probe(Seq(1, 10)) == 8);
  CHECK(d.Probe(Seq(1, 9)) == 8);      // (9 - 1) / 4 = 2 usable blocks
  CHECK(d.Probe(Seq(1, 8)) == 4);      // the last token is always computed: 1 usable block
}

TEST_CASE("a block is identified by its whole prefix, not its own tokens") {
  IndexDriver d("block-trie:block_size=2", Budget{});
  d.Step({1, 2, 3, 4, 9});
  // Same second block [3, 4] after a different first block: no hit.
  CHECK(d.Probe({7, 7, 3, 4, 9}) == 0);
  CHECK(d.Probe({1, 2, 3, 4, 9}) == 4);
}

TEST_CASE("equal last use: the deepest block is evicted first") {
  IndexDriver d("block-trie:block_size=2", Budget{uint64_t{6}, std::nullopt});
  d.Step(Seq(1, 6));                   // 3 blocks, all last used at t=0
  d.Step(Seq(100, 2));                 // a 4th block: evict one of request 1's
  CHECK(d.ledger().evictions() == 1);
  CHECK(d.Probe(Seq(1, 7)) == 4);      // blocks 1 and 2 are still there, block 3 went
}

TEST_CASE("least recently used request's blocks go first") {
  IndexDriver d("block-trie:block_size=2", Budget{uint64_t{8}, std::nullopt});
  d.Step(Seq(1, 4));                   // A: 2 blocks (t=0)
  d.Step(Seq(100, 4));                 // B: 2 blocks (t=1)
  d.Step(Seq(1, 4));                   // A touched again (t=2)
  d.Step(Seq(200, 4));                 // C needs room: B's blocks go, deepest first
  CHECK(d.ledger().evictions() == 2);
  CHECK(d.Probe(Seq(1, 5)) == 4);
  CHECK(d.Probe(Seq(100, 5)) == 0);
}

}  // namespace
}  // namespace kvsim
