// belady over its spilled future against belady over the in-memory future, request by request,
// and the external sort and spill files under both.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <random>

#include "index/belady_future.h"
#include "index/indexes.h"
#include "kvsim/error.h"
#include "kvsim/strategy.h"
#include "support/kvsim_cli.h"
#include "support/random_workload.h"
#include "support/temp_dir.h"
#include "util/external_sort.h"

namespace kvsim {
namespace {

TEST_CASE("external sort: many spilled runs merge into one order, and their files go") {
  testing::TempDir dir;
  std::mt19937_64 rng(3);
  std::vector<uint64_t> v(5000);
  for (auto& x : v) x = rng() % 1000;
  for (size_t run : {size_t{1}, size_t{7}, size_t{100000}}) {
    CAPTURE(run);
    ExternalSort<uint64_t> sort(run, dir.Path(""));
    for (uint64_t x : v) sort.Add(x);
    CHECK(sort.runs_spilled() == v.size() / run);  // the last, partial run is spilled by Drain
    if (run < v.size()) CHECK(dir.Entries() >= 1);
    CHECK(dir.Entries() < ExternalSort<uint64_t>::kFanIn);  // merged as they come
    std::vector<uint64_t> out;
    sort.Drain([&](uint64_t x) { out.push_back(x); });
    std::vector<uint64_t> expected = v;
    std::sort(expected.begin(), expected.end());
    CHECK(out == expected);
    CHECK(dir.Entries() == 0);
  }
}

TEST_CASE("external sort: an exception while merging leaves no file") {
  testing::TempDir dir;
  {
    ExternalSort<uint32_t> sort(3, dir.Path(""));
    for (uint32_t x = 0; x < 100; ++x) sort.Add(100 - x);
    CHECK(dir.Entries() > 1);
    CHECK_THROWS_AS(sort.Drain([](uint32_t x) {
      if (x == 50) throw Error("stop");
    }),
                    Error);
  }
  CHECK(dir.Entries() == 0);
}

// A workload whose stream fails after `after` requests.
class FailingWorkload final : public Workload {
 public:
  FailingWorkload(const Workload& w, int after) : w_(w), after_(after) {}
  const WorkloadInfo& info() const override { return w_.info(); }
  std::unique_ptr<RequestStream> Open() const override {
    struct Stream final : RequestStream {
      std::unique_ptr<RequestStream> inner;
      int left;
      const Request* Next() override {
        if (left-- == 0) throw Error("trace cut");
        return inner->Next();
      }
    };
    auto s = std::make_unique<Stream>();
    s->inner = w_.Open();
    s->left = after_;
    return s;
  }

 private:
  const Workload& w_;
  int after_;
};

TEST_CASE("spilled future: its files are removed after the run and after an exception") {
  testing::TempDir dir;
  auto w = testing::RandomWorkload(5, {.requests = 300});
  {
    SpilledFuture f(2, *w, true, {.run_records = 16, .dir = dir.Path("")});
    CHECK(f.runs_spilled() > 4);
    CHECK(dir.Entries() == 1);  // the future itself
  }
  CHECK(dir.Entries() == 0);
  FailingWorkload failing(*w, 200);
  CHECK_THROWS_AS(SpilledFuture(2, failing, true, {.run_records = 16, .dir = dir.Path("")}), Error);
  CHECK(dir.Entries() == 0);
}

struct EvictedPrefix {
  std::vector<Token> prefix;
  uint64_t begin;
  bool operator==(const EvictedPrefix&) const = default;
};

class Recorder final : public EvictionSink {
 public:
  void Evicted(TokenSpan prefix, uint64_t begin) override {
    seen.push_back({{prefix.begin(), prefix.end()}, begin});
  }
  std::vector<EvictedPrefix> seen;
};

// What a replay of one index shows, request by request.
struct Trace {
  std::vector<uint64_t> hits, held, adds, pinned;
  std::vector<EvictedPrefix> evicted;
};

// Replays w on `index` (Match, Insert, evictions) as the replay loop does; with `pins`, keeps a
// few hit prefixes pinned for a while, as a serving pool does; with `early`, also evicts a few
// blocks between Match and Insert (so Insert cannot take Match's lookups on trust).
Trace Drive(Index& index, const Ledger& ledger, const Workload& w, bool cache_output, bool sink,
            bool pins, bool early = false) {
  Trace trace;
  Recorder recorder;
  if (sink) index.set_eviction_sink(&recorder);
  std::mt19937_64 rng(11);
  std::vector<std::vector<Token>> pinned;
  auto stream = w.Open();
  Tick now = 0;
  while (const Request* r = stream->Next()) {
    const TokenSpan seq = cache_output ? r->tokens : r->prompt();
    trace.adds.push_back(index.Adds(*r, seq, now) * 1000 + index.HeldPrefix(*r, seq, now));
    const uint64_t hit = index.Match(*r, now);
    trace.hits.push_back(hit);
    if (pins && hit > 0 && rng() % 2 == 0) {
      pinned.emplace_back(r->tokens.begin(), r->tokens.begin() + static_cast<long>(hit));
      index.Pin(pinned.back(), hit);
    }
    while (early && rng() % 3 != 0 && index.EvictOne()) {
    }
    index.Insert(*r, seq, now);
    while (ledger.OverBudget() && index.EvictOne()) {
    }
    while (pinned.size() > 3 || (!pinned.empty() && rng() % 3 == 0)) {
      index.Unpin(pinned.front(), pinned.front().size());
      pinned.erase(pinned.begin());
    }
    trace.held.push_back(ledger.tokens());
    trace.pinned.push_back(index.pinned_tokens());
    ++now;
  }
  for (const auto& p : pinned) index.Unpin(p, p.size());
  trace.evicted = std::move(recorder.seen);
  return trace;
}

void CheckSame(const Trace& a, const Trace& b) {
  CHECK(a.hits == b.hits);
  CHECK(a.held == b.held);
  CHECK(a.adds == b.adds);
  CHECK(a.pinned == b.pinned);
  CHECK(a.evicted.size() == b.evicted.size());
  CHECK((a.evicted == b.evicted));
}

TEST_CASE("belady over its spilled future equals belady over the in-memory future") {
  testing::TempDir dir;
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    testing::RandomWorkloadOptions o;
    o.alphabet = 2 + static_cast<int>(seed % 5);
    o.requests = 150;
    auto w = testing::RandomWorkload(seed, o);
    for (uint64_t b : {1, 3, 4, 16}) {
      for (bool out : {true, false}) {
        const auto future = std::make_shared<const SpilledFuture>(
            b, *w, out, SpillOptions{.run_records = 64, .dir = dir.Path("")});
        CHECK(future->runs_spilled() > 2);
        for (std::optional<uint64_t> budget : {std::optional<uint64_t>{}, std::optional<uint64_t>{8},
                                               std::optional<uint64_t>{40}, std::optional<uint64_t>{150},
                                               std::optional<uint64_t>{600}}) {
          for (int mode = 0; mode < 4; ++mode) {  // plain, eviction sink, pins, early evictions
            CAPTURE(seed);
            CAPTURE(b);
            CAPTURE(out);
            CAPTURE(budget.value_or(0));
            CAPTURE(mode);
            const Strategy s = ParseStrategy("belady:block_size=" + std::to_string(b));
            Ledger in_memory(Budget{budget, std::nullopt}, TokenCost{1, 1, kNoTail});
            Ledger spilled(Budget{budget, std::nullopt}, TokenCost{1, 1, kNoTail});
            auto reference = MakeIndex(s.index, s.index_options, &in_memory, IndexContext{w.get(), out});
            auto index = NewSpilledBeladyIndex(&spilled, future);
            CheckSame(Drive(*index, spilled, *w, out, mode == 1, mode == 2, mode == 3),
                      Drive(*reference, in_memory, *w, out, mode == 1, mode == 2, mode == 3));
          }
        }
      }
    }
  }
  CHECK(dir.Entries() == 0);
}

TEST_CASE("belady: kvsim run and sweep leave no spill file in $TMPDIR") {
  testing::TempDir dir, out;
  const char* before = std::getenv("TMPDIR");
  const std::string saved = before != nullptr ? before : "";
  setenv("TMPDIR", dir.Path("").c_str(), 1);
  const auto run = testing::RunKvsim("run workloads/support_chat.json --strategy belady:block_size=4 "
                                     "--budget 100tok,1000tok --probe-requests 0 -q --json " +
                                     out.Path("run.json"));
  const auto sweep = testing::RunKvsim("sweep workloads/support_chat.json --strategy belady "
                                       "--budget 10%,50% --probe-requests 0 -q --json " +
                                       out.Path("sweep.json"));
  if (before != nullptr) {
    setenv("TMPDIR", saved.c_str(), 1);
  } else {
    unsetenv("TMPDIR");
  }
  CHECK_MESSAGE(run.code == 0, run.out);
  CHECK_MESSAGE(sweep.code == 0, sweep.out);
  CHECK(dir.Entries() == 0);
}

TEST_CASE("belady's spilled future is read forwards only") {
  auto w = testing::RandomWorkload(2, {.requests = 20});
  Ledger ledger(Budget{}, TokenCost{1, 1, kNoTail});
  auto index = NewSpilledBeladyIndex(&ledger, std::make_shared<const SpilledFuture>(4, *w, true));
  auto stream = w->Open();
  const Request* first = stream->Next();
  const Request* second = stream->Next();
  index->Match(*second, 1);
  CHECK_THROWS_AS(index->Match(*first, 0), Error);
}

}  // namespace
}  // namespace kvsim
