// Hit-rate curves against replays: the one-pass curve of a block-trie equals a replay at every
// capacity, exactly, and its pieces equal simple references.
#include <doctest/doctest.h>

#include <algorithm>
#include <list>
#include <random>

#include "curve/block_ids.h"
#include "curve/curve_builder.h"
#include "curve/lru_stack.h"
#include "curve/stack_pass.h"
#include "kvsim/curve_run.h"
#include "kvsim/error.h"
#include "support/random_workload.h"
#include "support/same_row.h"
#include "support/replay_one.h"

namespace kvsim {
namespace {

using testing::RandomWorkload;
using testing::RandomWorkloadOptions;
using testing::CheckSameRow;
using testing::ReplayOne;

RunOptions Options(bool cache_output = true) {
  RunOptions o;
  o.model = FindModel("llama-3-8b");
  o.cache_output = cache_output;
  return o;
}

RowResult CurveRow(const Workload& w, const std::string& strategy, bool cache_output = true) {
  CurveOptions c;
  c.points = 0;
  return ComputeCurves(w, {ParseStrategy(strategy)}, Options(cache_output), c).rows.at(0);
}

std::string Tok(uint64_t n) { return std::to_string(n) + "tok"; }

RandomWorkloadOptions Shape(uint64_t seed, int requests) {
  RandomWorkloadOptions o;
  o.alphabet = 2 + static_cast<int>(seed % 5);
  o.max_new = 5 + static_cast<int>(seed % 40);
  o.continue_session = 0.3 + 0.1 * static_cast<double>(seed % 6);
  o.requests = requests;
  return o;
}

void CheckPoint(const Workload& w, const std::string& s, const Curve& curve, uint64_t tokens,
                bool cache_output) {
  if (tokens == 0) return;  // no budget is empty
  const RowResult run = ReplayOne(w, s, Tok(tokens), {cache_output, nullptr});
  const CurvePoint at = CurveAt(curve, tokens);
  CHECK_MESSAGE(at.hit_tokens == run.hit_tokens, s << " at " << tokens << " tokens");
  CHECK_MESSAGE(at.hit_requests == run.hit_requests, s << " at " << tokens << " tokens");
}

TEST_CASE("the curve equals a block-trie replay at every change point and just below it") {
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    auto w = RandomWorkload(seed, Shape(seed, 60));
    for (const size_t b : {1, 3, 16}) {
      for (const bool cache_output : {true, false}) {
        const std::string s = "block-trie:block_size=" + std::to_string(b);
        const Curve curve = *CurveRow(*w, s, cache_output).curve;
        REQUIRE(!curve.points.empty());
        for (const CurvePoint& p : curve.points) {
          CheckPoint(*w, s, curve, p.tokens, cache_output);
          CheckPoint(*w, s, curve, p.tokens - 1, cache_output);
        }
      }
    }
  }
}

TEST_CASE("the curve equals replays at 50 random capacities, in tokens and in bytes") {
  std::mt19937_64 rng(7);
  for (uint64_t seed = 11; seed <= 13; ++seed) {
    auto w = RandomWorkload(seed, Shape(seed, 400));
    for (const std::string s : {"block-trie:block_size=4", "block-trie:block_size=8+q8"}) {
      const RowResult row = CurveRow(*w, s);
      const Curve& curve = *row.curve;
      const uint64_t top = curve.points.back().tokens * 5 / 4;
      for (int i = 0; i < 50; ++i) {
        const uint64_t tokens = std::uniform_int_distribution<uint64_t>(1, top)(rng);
        CheckPoint(*w, s, curve, tokens, true);
        const uint64_t bytes = tokens * row.cost.hot_bytes + rng() % 1000;
        const RowResult run = ReplayOne(*w, s, std::to_string(bytes) + "B");
        const uint64_t cap = CapacityBlocks(run.budget, curve.block_size, row.cost);
        CHECK(CurveAt(curve, cap * curve.block_size).hit_tokens == run.hit_tokens);
      }
    }
  }
}

TEST_CASE("the curve never decreases and ends at the unbounded replay, whole row equal") {
  for (uint64_t seed = 21; seed <= 26; ++seed) {
    auto w = RandomWorkload(seed, Shape(seed, 200));
    const std::string s = "block-trie:block_size=" + std::to_string(1 + seed % 5);
    RowResult curve_row = CurveRow(*w, s);
    const Curve curve = *curve_row.curve;
    for (size_t i = 1; i < curve.points.size(); ++i) {
      CHECK(curve.points[i].tokens > curve.points[i - 1].tokens);
      CHECK(curve.points[i].hit_tokens >= curve.points[i - 1].hit_tokens);
      CHECK(curve.points[i].hit_requests >= curve.points[i - 1].hit_requests);
    }
    RowResult run = ReplayOne(*w, s, "inf");
    CHECK(curve.points.back().hit_tokens == run.hit_tokens);
    CHECK(curve.points.back().hit_requests == run.hit_requests);
    run.hits.clear();  // ReplayOne records them, the curve row does not
    CheckSameRow(curve_row, run);
  }
}

TEST_CASE("curve rows equal replayed rows at every budget, figure by figure") {
  for (uint64_t seed = 41; seed <= 44; ++seed) {
    auto w = RandomWorkload(seed, Shape(seed, 250));
    const std::vector<Strategy> strategies = {
        ParseStrategy("block-trie:block_size=2"), ParseStrategy("block-trie:block_size=8+q4"),
        ParseStrategy("radix"), ParseStrategy("block-trie+two-tier")};
    const std::vector<BudgetSpec> budgets = ParseBudgetList({"inf,40tok,300tok,10%,50%,20KiB"});
    RunOptions o = Options(seed % 2 == 0);
    o.record_hits = true;
    const RunResult replayed = Replay(*w, strategies, budgets, o);
    o.curve_rows = true;
    const RunResult curved = Replay(*w, strategies, budgets, o);
    REQUIRE(replayed.rows.size() == curved.rows.size());
    CHECK(replayed.working_set_tokens == curved.working_set_tokens);
    for (size_t i = 0; i < replayed.rows.size(); ++i) {
      CAPTURE(replayed.rows[i].strategy.text);
      CAPTURE(replayed.rows[i].budget_spec.text);
      CheckSameRow(replayed.rows[i], curved.rows[i]);
    }
  }
}

TEST_CASE("a sampled pass at rate 1 gives the exact pass's distances, request by request") {
  for (uint64_t seed = 31; seed <= 36; ++seed) {
    auto w = RandomWorkload(seed, Shape(seed, 200));
    StackPass exact(4, true), sampled(4, true, 1.0);
    CurveBuilder a, c;
    auto stream = w->Open();
    while (const Request* r = stream->Next()) {
      const BlockDistances& x = exact.Step(*r);
      const std::vector<uint64_t> dx(x.distances.begin(), x.distances.end());
      const BlockDistances& y = sampled.Step(*r);
      CHECK(dx == std::vector<uint64_t>(y.distances.begin(), y.distances.end()));
      CHECK(x.prompt == y.prompt);
      a.Add(x);
      c.Add(y);
    }
    CHECK(a.Points(4, 2, 1, 1000, 10) == c.Points(4, 2, 1, 1000, 10));
  }
}

TEST_CASE("the LRU stack's distances equal a list walk, across renumberings") {
  std::mt19937_64 rng(3);
  LruStack stack;
  std::list<uint32_t> reference;  // most recent first
  for (int i = 0; i < 30000; ++i) {
    const auto id = static_cast<uint32_t>(rng() % (i < 15000 ? 5000 : 40));
    const auto it = std::find(reference.begin(), reference.end(), id);
    const uint64_t expected = it == reference.end()
                                  ? LruStack::kCold
                                  : static_cast<uint64_t>(std::distance(reference.begin(), it)) + 1;
    REQUIRE(stack.Distance(id) == expected);
    if (it != reference.end()) reference.erase(it);
    reference.push_front(id);
    stack.Touch(id);
  }
  CHECK(stack.size() == reference.size());
}

TEST_CASE("the id table tells colliding keys apart by the caller's equality") {
  IdTable table;
  const uint64_t key = 0x1234'5678'0000'0007ull;
  const uint64_t same_slot = 0x9999'0000'0000'0007ull;  // the same first slot, another key
  table.Insert(key, 10);
  table.Insert(same_slot, 11);
  table.Insert(key, 12);  // a full collision: two ids under one key
  CHECK(table.Find(key, [](uint32_t id) { return id == 12; }) == 12);
  CHECK(table.Find(key, [](uint32_t id) { return id == 10; }) == 10);
  CHECK(table.Find(key, [](uint32_t id) { return id == 11; }) == IdTable::kNone);
  CHECK(table.Find(same_slot, [](uint32_t) { return true; }) == 11);
  CHECK(table.Find(key + 1, [](uint32_t) { return true; }) == IdTable::kNone);
  for (uint32_t k = 0; k < 5000; ++k) table.Insert(k * 0x9e3779b97f4a7c15ull, 100 + k);  // grows
  CHECK(table.Find(key, [](uint32_t id) { return id == 12; }) == 12);
  CHECK(table.Find(same_slot, [](uint32_t) { return true; }) == 11);
  CHECK(table.Find(4999 * 0x9e3779b97f4a7c15ull, [](uint32_t) { return true; }) == 5099);
}

TEST_CASE("block ids are whole prefixes: shared while the tokens agree, new after they differ") {
  BlockChain chain(2);
  const std::vector<Token> a = {1, 2, 3, 4, 5, 6}, b = {1, 2, 3, 4, 7, 8}, c = {3, 4, 5, 6};
  std::vector<uint32_t> ia, ib, ic, again;
  CHECK(chain.Intern(a.data(), 3, &ia) == 0);
  CHECK(chain.Intern(b.data(), 3, &ib) == 2);
  CHECK(std::vector<uint32_t>(ib.begin(), ib.begin() + 2) == std::vector<uint32_t>(ia.begin(), ia.begin() + 2));
  CHECK(ib[2] != ia[2]);
  CHECK(chain.Intern(c.data(), 2, &ic) == 0);  // the same tokens after another prefix: new blocks
  // Each one again: first children and the other children (b's last block, c's first) alike.
  for (const auto& [seq, ids] : {std::pair{&a, &ia}, std::pair{&b, &ib}, std::pair{&c, &ic}}) {
    again.clear();
    CHECK(chain.Intern(seq->data(), seq->size() / 2, &again) == seq->size() / 2);
    CHECK(again == *ids);
  }
  CHECK(chain.blocks() == 6);
}

TEST_CASE("strategies that are not stack algorithms are refused, naming why") {
  auto w = RandomWorkload(1, Shape(1, 20));
  for (const std::string s : {"radix", "lru-buckets", "two-tier", "block-trie+two-tier"}) {
    try {
      CurveRow(*w, s);
      FAIL("accepted " << s);
    } catch (const Error& e) {
      CHECK(std::string(e.what()).find("kvsim sweep") != std::string::npos);
    }
  }
}

TEST_CASE("thinning keeps real change points, the last one included") {
  auto w = RandomWorkload(5, Shape(5, 300));
  const Curve all = *CurveRow(*w, "block-trie:block_size=1").curve;
  REQUIRE(all.points.size() > 40);
  const std::vector<CurvePoint> thin = ThinPoints(all.points, 20);
  CHECK(thin.size() <= 21 + 101);
  for (int percent = 1; percent <= 100; ++percent) {
    const auto first = [&](const std::vector<CurvePoint>& v) {
      return std::find_if(v.begin(), v.end(), [&](const CurvePoint& p) {
        return p.token_hit_rate * 100 + 1e-9 >= percent;
      });
    };
    const auto a = first(all.points), t = first(thin);
    CHECK((a == all.points.end()) == (t == thin.end()));
    if (a != all.points.end() && t != thin.end()) CHECK(*a == *t);
  }
  CHECK(thin.back() == all.points.back());
  for (const CurvePoint& p : thin) {
    CHECK(std::find(all.points.begin(), all.points.end(), p) != all.points.end());
  }
}

}  // namespace
}  // namespace kvsim
