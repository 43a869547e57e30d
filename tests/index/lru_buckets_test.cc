// lru-buckets reproduces mlx-lm's LRUPromptCache (mlx_lm/models/cache.py) as mlx_lm/server.py
// uses it; each case names the behaviour of the source it pins.
#include <doctest/doctest.h>

#include "index/indexes.h"
#include "support/index_driver.h"

namespace kvsim {
namespace {

using testing::Cat;
using testing::IndexDriver;
using testing::Seq;

enum { kA = 0, kU = 1, kS = 2 };

TEST_CASE("bucket balancing pops like mlx-lm's LRUPromptCache._pop") {
  // Walk assistant, user, system; pop a bucket that is non-empty and at least as long as the
  // next; else the system bucket.
  CHECK(LruBucketsPopChoice(1, 3, 2) == kU);
  CHECK(LruBucketsPopChoice(2, 3, 5) == kS);
  CHECK(LruBucketsPopChoice(1, 1, 5) == kA);
  CHECK(LruBucketsPopChoice(0, 0, 3) == kS);
  CHECK(LruBucketsPopChoice(3, 0, 0) == kA);
  CHECK(LruBucketsPopChoice(0, 2, 2) == kU);
  CHECK(LruBucketsPopChoice(0, 1, 2) == kS);
  CHECK(LruBucketsPopChoice(0, 0, 0) == -1);
}

TEST_CASE("exact entry: the whole prompt but the last token") {
  IndexDriver d("lru-buckets", Budget{});
  d.Step(Seq(1, 10));
  CHECK(d.Probe(Seq(1, 10)) == 9);
}

TEST_CASE("shorter entry: an entry that is a prefix of the prompt") {
  IndexDriver d("lru-buckets", Budget{});
  d.Step(Seq(1, 5));
  CHECK(d.Probe(Cat(Seq(1, 5), Seq(100, 7))) == 5);
}

TEST_CASE("longer entry trimmed to the common prefix") {
  IndexDriver d("lru-buckets", Budget{});
  d.Step(Seq(1, 20));
  // Prompt diverges after 12 tokens of a longer entry: reuse 12 (mlx-lm trims the copy).
  CHECK(d.Probe(Cat(Seq(1, 12), Seq(500, 4))) == 12);
  // Prompt is a strict prefix of the entry: trimmed to len(prompt) - 1.
  CHECK(d.Probe(Seq(1, 8)) == 7);
}

TEST_CASE("a one-token entry still serves through the longer path (last_index > 0 rule)") {
  // mlx-lm never counts a 1-token entry as `shorter`, but the trie walk reaches depth 1 and the
  // entry itself is the `longer` candidate, trimmed to 1 token.
  IndexDriver d("lru-buckets", Budget{});
  d.Step({7});
  CHECK(d.Probe({7, 8, 9}) == 1);
}

TEST_CASE("insert removes stored prefixes of the new entry") {
  IndexDriver d("lru-buckets", Budget{});
  d.Step(Seq(1, 4), Seq(50, 2));              // entry [1..4, 50, 51]: 6 tokens
  d.Step(Cat(Cat(Seq(1, 4), Seq(50, 2)), Seq(60, 3)), Seq(70, 1));  // extends it
  // The first entry was a strict prefix: removed, not evicted; only the second is held.
  CHECK(d.ledger().tokens() == 10);
  CHECK(d.ledger().evictions() == 0);
}

TEST_CASE("max_entries pops exactly one entry per insert") {
  IndexDriver d("lru-buckets:max_entries=2", Budget{});
  d.Step(Seq(100, 5));
  d.Step(Seq(200, 5));
  d.Step(Seq(300, 5));
  CHECK(d.ledger().evictions() == 1);
  CHECK(d.ledger().tokens() == 10);
  CHECK(d.Probe(Seq(100, 5)) == 0);  // the oldest went
  CHECK(d.Probe(Seq(200, 5)) == 4);
}

TEST_CASE("the budget loop may pop the entry just inserted") {
  IndexDriver d("lru-buckets", Budget{uint64_t{8}, std::nullopt});
  d.Step(Seq(1, 5));
  d.Step(Seq(100, 12));  // 12 > 8: pops the old entry, then the new one itself
  CHECK(d.ledger().tokens() == 0);
  CHECK(d.ledger().evictions() == 2);
}

TEST_CASE("system checkpoint before the assistant insert can trigger a pop") {
  // Request 2 has a system part of 3 tokens it does not hit: mlx-lm's server inserts it as a
  // `system` entry first. With max_entries=1 that insert pops request 1's assistant entry
  // (buckets (1, 0, 1): assistant 1 >= user 0); the assistant insert then removes the system
  // entry again as a prefix, without a pop.
  IndexDriver d("lru-buckets:max_entries=1", Budget{});
  d.Step(Seq(100, 6), {}, 0);
  d.Step(Cat(Seq(1, 3), Seq(200, 4)), Seq(300, 2), 3);
  CHECK(d.ledger().evictions() == 1);
  CHECK(d.ledger().tokens() == 9);
  // Without a system part the second insert pops request 1 all the same, once.
  IndexDriver plain("lru-buckets:max_entries=1", Budget{});
  plain.Step(Seq(100, 6));
  plain.Step(Cat(Seq(1, 3), Seq(200, 4)), Seq(300, 2), 0);
  CHECK(plain.ledger().evictions() == 1);
}

TEST_CASE("no system checkpoint when the hit already covers the system part") {
  IndexDriver d("lru-buckets:max_entries=1", Budget{});
  d.Step(Cat(Seq(1, 3), Seq(200, 4)), {}, 3);
  // Same system prompt, hit 7 >= 3: only the assistant insert, which replaces by prefix.
  d.Step(Cat(Cat(Seq(1, 3), Seq(200, 4)), Seq(400, 2)), {}, 3);
  CHECK(d.ledger().evictions() == 0);
}

TEST_CASE("fetching does not change LRU order") {
  IndexDriver d("lru-buckets:max_entries=2", Budget{});
  d.Step(Seq(100, 5));
  d.Step(Seq(200, 5));
  CHECK(d.Probe(Seq(100, 5)) == 4);  // a fetch of the oldest entry...
  d.Step(Seq(300, 5));
  CHECK(d.Probe(Seq(100, 5)) == 0);  // ...does not save it from the pop
}

}  // namespace
}  // namespace kvsim
