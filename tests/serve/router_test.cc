// Replicas and routers: one replica behind any router is the single replica; round-robin deals
// requests exactly in turn; session routing never splits a session and, on sessions that share
// no tokens, loses nothing against one pooled cache; and each router's choices on a small
// scenario worked out by hand (written out below).
#include <doctest/doctest.h>

#include <limits>
#include <map>

#include "kvsim/serve.h"
#include "support/random_workload.h"

namespace kvsim {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

RunOptions Llama() {
  RunOptions o;
  o.model = FindModel("llama-3-8b");
  return o;
}

// Exact time: n prompt tokens take n / `prefill` seconds, decodes `decode` tokens/s.
ServeOptions Exact(double prefill, double decode, uint32_t replicas, const std::string& router) {
  ServeOptions s;
  s.prefill_tps = prefill;
  s.decode_tps = decode;
  s.replicas = replicas;
  s.routers = {router};
  return s;
}

// The replica each request (by position) went to.
std::vector<size_t> Placement(const Workload& w, const std::string& strategy, ServeOptions s) {
  std::vector<size_t> at(w.info().requests, 99);
  s.on_complete = [&](size_t, const RequestTiming& t) { at[t.position] = t.replica; };
  Serve(w, {ParseStrategy(strategy)}, {BudgetSpec::Unbounded()}, Llama(), s);
  return at;
}

OwnedRequest Req(double time, uint32_t session, std::vector<Token> prompt, uint32_t output = 1) {
  OwnedRequest r;
  r.time = time;
  r.session = session;
  r.prompt = std::move(prompt);
  for (uint32_t i = 0; i < output; ++i) r.output.push_back(900000 + i);
  return r;
}

std::vector<Token> Range(Token from, Token to) {  // [from, to)
  std::vector<Token> t;
  for (Token x = from; x < to; ++x) t.push_back(x);
  return t;
}

std::vector<Token> Cat(std::vector<Token> a, const std::vector<Token>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST_CASE("one replica behind any router is the single replica") {
  auto w = testing::RandomWorkload(7);
  const auto strategies = ParseStrategyList({"radix,block-trie:block_size=4"});
  const auto budgets = ParseBudgetList({"inf,30%"});
  const RunResult one = Serve(*w, strategies, budgets, Llama(), Exact(5000, 200, 1, "round-robin"));
  for (const std::string router : {"least-load", "session", "cache-aware", "kv-aware"}) {
    const RunResult other = Serve(*w, strategies, budgets, Llama(), Exact(5000, 200, 1, router));
    REQUIRE(other.rows.size() == one.rows.size());
    for (size_t i = 0; i < one.rows.size(); ++i) {
      INFO(router << " row " << i);
      ServeFigures f = *other.rows[i].serve;
      CHECK(f.router == router);
      f.router = "round-robin";
      CHECK(f == *one.rows[i].serve);
      CHECK(other.rows[i].hit_tokens == one.rows[i].hit_tokens);
    }
  }
}

TEST_CASE("round-robin deals request i to replica i mod N") {
  std::vector<OwnedRequest> reqs;
  for (Token i = 0; i < 50; ++i) reqs.push_back(Req(0.01 * i, 0, Range(1000 * i, 1000 * i + 20)));
  auto w = MakeWorkload(std::move(reqs), "dealt");
  const auto at = Placement(*w, "radix", Exact(1000, 100, 4, "round-robin"));
  for (size_t i = 0; i < at.size(); ++i) CHECK(at[i] == i % 4);
  const RunResult r = Serve(*w, {ParseStrategy("radix")}, {BudgetSpec::Unbounded()}, Llama(),
                            Exact(1000, 100, 4, "round-robin"));
  CHECK(r.rows[0].serve->requests_per_replica == std::vector<uint64_t>{13, 13, 12, 12});
}

// Sessions of `turns` turns, each turn extending its session's history; no token is shared
// between sessions.
std::unique_ptr<Workload> Disjoint(uint32_t sessions, uint32_t turns) {
  std::vector<OwnedRequest> reqs;
  Token next = 1;
  for (uint32_t t = 0; t < turns; ++t) {
    for (uint32_t s = 0; s < sessions; ++s) {
      static std::map<uint32_t, std::vector<Token>> history;
      if (t == 0) history[s].clear();
      history[s] = Cat(history[s], Range(next, next + 30));
      next += 30;
      OwnedRequest r = Req(100.0 * t + s, s, history[s], 0);
      r.turn = t + 1;
      for (int k = 0; k < 10; ++k) r.output.push_back(next++);
      history[s] = Cat(history[s], r.output);
      reqs.push_back(std::move(r));
    }
  }
  return MakeWorkload(std::move(reqs), "disjoint");
}

TEST_CASE("session routing never splits a session, and on disjoint sessions loses nothing") {
  auto w = Disjoint(13, 4);  // 13: round-robin does not keep a session on one replica
  const auto at = Placement(*w, "radix", Exact(kInf, kInf, 3, "session"));
  std::map<uint32_t, size_t> home;
  const std::vector<size_t> hashed = {1, 2, 1, 0, 1, 2};  // splitmix64(s) mod 3, s = 0..5
  auto stream = w->Open();
  for (size_t i = 0; const Request* r = stream->Next(); ++i) {
    if (home.count(r->session)) CHECK(at[i] == home[r->session]);
    home[r->session] = at[i];
    if (r->session < hashed.size()) CHECK(at[i] == hashed[r->session]);
  }
  for (const std::string strategy : {"radix", "block-trie:block_size=4", "lru-buckets:max_entries=100", "belady:block_size=4"}) {
    INFO(strategy);
    const auto run = [&](const std::string& router) {
      return Serve(*w, {ParseStrategy(strategy)}, {BudgetSpec::Unbounded()}, Llama(), Exact(kInf, kInf, 3, router))
          .rows[0];
    };
    const RowResult session = run("session"), dealt = run("round-robin");
    const double pooled = session.serve->pooled_token_hit_rate;
    CHECK(static_cast<double>(session.hit_tokens) / static_cast<double>(session.prompt_tokens) == pooled);
    CHECK(dealt.hit_tokens < session.hit_tokens);
  }
}

TEST_CASE("least-load: the fewest outstanding tokens, ties to the lowest id") {
  // All at t = 0, so nothing is processed while they are routed. Outstanding = prompt + output.
  //   A (10+1) -> 0 (0 vs 0)      B (4+1) -> 1 (11 vs 0)     C (3+1) -> 1 (11 vs 5)
  //   D (2+1)  -> 1 (11 vs 9)     E (1+1) -> 0 (11 vs 12)
  std::vector<OwnedRequest> reqs = {Req(0, 0, Range(1, 11)), Req(0, 0, Range(20, 24)), Req(0, 0, Range(30, 33)),
                                    Req(0, 0, Range(40, 42)), Req(0, 0, Range(50, 51))};
  auto w = MakeWorkload(std::move(reqs), "least");
  CHECK(Placement(*w, "radix", Exact(100, 100, 2, "least-load")) == std::vector<size_t>{0, 1, 1, 1, 0});
}

TEST_CASE("cache-aware: cache path by match rate, then load balance past its thresholds") {
  // Instant speed: nothing is in flight, so the loads stay balanced.
  //   A = 1..100: empty tree, rate 0 -> smallest tree (both empty): 0.
  //   B = 1..50 + 500..550: matches 50 of 101 (0.50 > 0.3) -> the holder, 0.
  //   C = 900..1000: rate 0 -> smallest tree: 1 (worker 0 holds 151 tokens).
  //   D = 1..20 + 2000..2100: 20 of 121 (0.17) -> smallest tree: 1 (101 tokens against 151).
  std::vector<OwnedRequest> reqs = {Req(0, 0, Range(1, 101)), Req(1, 0, Cat(Range(1, 51), Range(500, 551))),
                                    Req(2, 0, Range(900, 1001)), Req(3, 0, Cat(Range(1, 21), Range(2000, 2101)))};
  auto w = MakeWorkload(std::move(reqs), "tree");
  CHECK(Placement(*w, "radix", Exact(kInf, kInf, 2, "cache-aware")) == std::vector<size_t>{0, 0, 1, 1});

  // 70 requests with the same prompt at t = 0, none completing while they are routed: the cache
  // path sends them to 0 until 0 has 65 in flight against 1's 0 (65 - 0 > 64 and 65 > 0 x 1.5);
  // the 66th goes to 1; then (65, 1): 64 is not > 64, so the cache path again (the deepest
  // node's holders are 0 and 1: the lowest id), and so on alternately.
  std::vector<OwnedRequest> same;
  for (int i = 0; i < 70; ++i) same.push_back(Req(0, 0, Range(1, 41)));
  auto busy = MakeWorkload(std::move(same), "busy");
  const auto at = Placement(*busy, "radix", Exact(10, 10, 2, "cache-aware"));
  for (size_t i = 0; i < 65; ++i) CHECK(at[i] == 0);
  CHECK(std::vector<size_t>(at.begin() + 65, at.end()) == std::vector<size_t>{1, 0, 1, 0, 1});
}

TEST_CASE("kv-aware: overlap weight x prefill blocks + in-flight decode blocks, lowest cost") {
  // Block 4, prefill 1 token/s, decodes instant. Costs (prefill blocks + decode blocks):
  //   A at 0, 16 tokens: both 16/4 + 4 = 8 -> tie -> 0 (its prefill takes 16 s).
  //   B at 1, A's 16 + 8 new: replica 0 caches nothing yet and has A's 16 tokens to prefill:
  //     (24 + 16)/4 + (2 new blocks + A's 4 in flight) = 16; replica 1: 24/4 + 6 = 12 -> 1.
  //   C at 20, A's 16 + 4 new: A is cached on 0: (20 - 16)/4 + 5 = 6; replica 1 is still
  //     prefilling B (24 to go) and B's 6 blocks are in flight, 4 shared with C: (20 + 24)/4 +
  //     (1 + 6) = 18 -> 0.
  const std::vector<Token> a = Range(1, 17);
  std::vector<OwnedRequest> reqs = {Req(0, 0, a), Req(1, 0, Cat(a, Range(100, 108))), Req(20, 0, Cat(a, Range(200, 204)))};
  auto w = MakeWorkload(std::move(reqs), "kv");
  CHECK(Placement(*w, "block-trie:block_size=4", Exact(1, kInf, 2, "kv-aware")) == std::vector<size_t>{0, 1, 0});
}

}  // namespace
}  // namespace kvsim
