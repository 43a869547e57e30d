// Block-identified traces: what kvsim computes from hash ids alone equals what the token
// expansion gives (the working set against an unbounded radix replay); block indexes on them
// against the naive reference, at block sizes dividing the trace block and not; belady's
// future made once for every budget against a replay per budget.
#include "support/hash_id_trace.h"

#include <doctest/doctest.h>

#include "kvsim/replay.h"
#include "kvsim/sweep.h"
#include "kvsim/workload.h"
#include "support/random_workload.h"
#include "support/reference_indexes.h"
#include "support/replay_one.h"

namespace kvsim {
namespace {

// The same workload without what its reader knew: WorkingSetTokens has to replay it.
class Unknown final : public Workload {
 public:
  explicit Unknown(const Workload& w) : w_(w), info_(w.info()) {
    info_.distinct_prompt_tokens.reset();
  }
  const WorkloadInfo& info() const override { return info_; }
  std::unique_ptr<RequestStream> Open() const override { return w_.Open(); }

 private:
  const Workload& w_;
  WorkloadInfo info_;
};

void CheckWorkingSet(const Workload& w) {
  REQUIRE(w.info().distinct_prompt_tokens.has_value());
  const Unknown replayed(w);
  for (const bool cache_output : {true, false}) {
    CAPTURE(cache_output);
    const auto known = KnownWorkingSetTokens(w, cache_output);
    REQUIRE(known.has_value());
    CHECK(*known == WorkingSetTokens(replayed, cache_output));
  }
}

TEST_CASE("hash-id working set: equals the unbounded radix replay on random traces") {
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    CAPTURE(seed);
    testing::HashIdTraceOptions o;
    o.block = seed % 3 == 0 ? 1 : seed % 3 == 1 ? 7 : 16;
    CheckWorkingSet(*testing::HashIdTrace(seed, o));
    o.id_mod = 5 + seed;  // ids reused below other parents
    CheckWorkingSet(*testing::HashIdTrace(seed, o));
    o.id_mod = uint64_t{1} << 20;
    o.id_scale = 1000 + seed;  // sparse ids
    CheckWorkingSet(*testing::HashIdTrace(seed, o));
  }
}

TEST_CASE("hash-id working set: equals the unbounded radix replay on the bundled traces") {
  for (const char* name : {"synthetic_trace.jsonl", "conversation_trace.jsonl"}) {
    CAPTURE(name);
    CheckWorkingSet(*LoadWorkload(std::string(KVSIM_SOURCE_DIR) + "/workloads/mooncake/" + name));
  }
}

TEST_CASE("hash-id working set: token traces do not claim one") {
  const auto w = ParseWorkload("{\"prompt\": [1, 2, 3]}\n{\"prompt\": [1, 2, 4]}\n", "t.jsonl");
  CHECK_FALSE(w->info().distinct_prompt_tokens.has_value());
  CHECK(WorkingSetTokens(*w, false) == 4);
}

TEST_CASE("hash-id traces: block-trie equals the naive reference, block sizes dividing 16 or not") {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    const auto w = testing::HashIdTrace(seed);
    const auto flat = testing::Flatten(*w);
    for (const uint64_t b : {1, 4, 16, 5, 24}) {
      for (const uint64_t budget : {16, 100, 400, 100000}) {
        CAPTURE(seed);
        CAPTURE(b);
        CAPTURE(budget);
        const std::string strategy = "block-trie:block_size=" + std::to_string(b);
        CHECK(testing::HitsOf(*w, strategy, std::to_string(budget) + "tok") ==
              testing::NaiveBlocks(flat, b, budget));
      }
    }
  }
}

// Every field a replay fills, row by row.
void CheckSameRows(const std::vector<RowResult>& a, const std::vector<RowResult>& b) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    CAPTURE(i);
    CHECK(a[i].hits == b[i].hits);
    CHECK(a[i].hit_tokens == b[i].hit_tokens);
    CHECK(a[i].evictions == b[i].evictions);
    CHECK(a[i].peak_tokens == b[i].peak_tokens);
    CHECK(a[i].peak_bytes == b[i].peak_bytes);
    CHECK(a[i].mean_bytes == b[i].mean_bytes);
  }
}

TEST_CASE("belady: one future for every budget gives each budget's replay alone") {
  const std::vector<std::string> budgets = {"8tok",    "40tok", "150tok", "600tok",
                                            "2000tok", "inf",   "10%"};
  std::vector<BudgetSpec> specs;
  for (const auto& b : budgets) specs.push_back(ParseBudget(b));
  RunOptions o;
  o.model = FindModel("llama-3-8b");
  o.record_hits = true;
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    const std::unique_ptr<Workload> w =
        seed % 2 == 0 ? testing::HashIdTrace(seed) : testing::RandomWorkload(seed);
    for (const char* strategy : {"belady:block_size=4", "belady:block_size=5+q4"}) {
      CAPTURE(seed);
      CAPTURE(strategy);
      const std::vector<Strategy> s = {ParseStrategy(strategy)};
      std::vector<RowResult> alone;
      for (const auto& b : specs) alone.push_back(Replay(*w, s, {b}, o).rows.at(0));
      CheckSameRows(Replay(*w, s, specs, o).rows, alone);
      SweepOptions two;
      two.jobs = 2;
      CheckSameRows(Sweep(*w, s, specs, o, two).rows, alone);
    }
  }
}

TEST_CASE("belady: the workload memo makes a key once") {
  WorkloadMemo memo;
  int made = 0;
  auto make = [&]() -> std::shared_ptr<const void> {
    ++made;
    return std::make_shared<const int>(7);
  };
  const auto a = memo.Get("x", make);
  const auto b = memo.Get("x", make);
  memo.Get("y", make);
  CHECK(a == b);
  CHECK(made == 2);
}

}  // namespace
}  // namespace kvsim
