// Budget strings (docs/contract.md, "Budgets") and strategy strings ("Strategies").
#include <doctest/doctest.h>

#include <functional>

#include "kvsim/budget.h"
#include "kvsim/error.h"
#include "support/error_of.h"
#include "kvsim/strategy.h"

namespace kvsim {
namespace {

using testing::ErrorOf;

TEST_CASE("budgets: inf, tokens, bytes and percentages, exactly") {
  CHECK(ParseBudget("inf").kind == BudgetSpec::Kind::kInf);
  CHECK(ParseBudget("250000tok").value == 250000);
  CHECK(ParseBudget("2.5Mtok").value == 2500000);
  CHECK(ParseBudget("512MiB").value == 512ull << 20);
  CHECK(ParseBudget("40GiB").value == 40ull << 30);
  CHECK(ParseBudget("1.5TB").value == 1500000000000ull);
  CHECK(ParseBudget("512MiB").kind == BudgetSpec::Kind::kBytes);
  const BudgetSpec p = ParseBudget("12.5%");
  CHECK(p.kind == BudgetSpec::Kind::kPercent);
  const Budget b = ResolveBudget(p, 1000, 131072);
  CHECK(!b.tokens);
  CHECK(*b.bytes == 125 * 131072);
  CHECK(*ResolveBudget(ParseBudget("3Mtok"), 0, 1).tokens == 3000000);
  CHECK(ParseBudgetList({"inf,25%", "1GiB"}).size() == 3);
  CHECK(ParseBudgetList({}).front().text == "25%");
}

TEST_CASE("bad budgets say what is expected") {
  CHECK(ErrorOf([] { ParseBudget("-5tok"); }) == "budget '-5tok': expected a number before 'tok'");
  CHECK(ErrorOf([] { ParseBudget("0tok"); }) ==
        "budget '0tok': a budget must be positive (use inf for no limit)");
  CHECK(ErrorOf([] { ParseBudget("150%"); }) ==
        "budget '150%': a percentage must be above 0% and at most 100%");
  CHECK(ErrorOf([] { ParseBudget("99999999999TB"); }) == "budget '99999999999TB': too large (at most 1EiB)");
  CHECK(ErrorOf([] { ParseBudget("lots"); }).rfind("budget 'lots': expected inf, tokens", 0) == 0);
}

TEST_CASE("budgets beyond any cache say too large; exponents and any case of inf are read") {
  CHECK(ErrorOf([] { ParseBudget("1e30tok"); }) == "budget '1e30tok': too large (at most 100Gtok)");
  CHECK(ErrorOf([] { ParseBudget("1Ttok"); }) == "budget '1Ttok': too large (at most 100Gtok)");
  CHECK(ErrorOf([] { ParseBudget("16EiB"); }) == "budget '16EiB': too large (at most 1EiB)");
  CHECK(ErrorOf([] { ParseBudget("123456789012345678901234567890tok"); })
            .find("too large") != std::string::npos);
  CHECK(ParseBudget("100Gtok").value == 100000000000ull);
  CHECK(ParseBudget("1EiB").value == 1ull << 60);
  CHECK(ParseBudget("1e5tok").value == 100000);
  CHECK(ParseBudget("2.5E3tok").value == 2500);
  CHECK(ParseBudget("1.5e-3GiB").value == 1610612);  // 1.5e-3 x 2^30 = 1610612.736, floored
  CHECK(ErrorOf([] { ParseBudget("1e-30tok"); }) ==
        "budget '1e-30tok': a budget must be positive (use inf for no limit)");
  for (const char* inf : {"inf", "INF", "Inf", "unlimited", "UNLIMITED"}) {
    CHECK_MESSAGE(ParseBudget(inf).kind == BudgetSpec::Kind::kInf, inf);
  }
  CHECK(ParseBudgetRange("1e5tok..1e6tok:3").back().value == 1000000);
}

TEST_CASE("lists take spaces after commas; near-miss names get a suggestion") {
  const auto list = ParseStrategyList({"radix, block-trie:block_size=8 , lru-buckets"});
  REQUIRE(list.size() == 3);
  CHECK(list[1].index_options.Int("block_size") == 8);
  CHECK(ParseBudgetList({"10%, 20%"}).size() == 2);
  CHECK(ErrorOf([] { ParseStrategy("radx"); }).find("unknown strategy or index 'radx' (did you mean 'radix'?)") !=
        std::string::npos);
  CHECK(ErrorOf([] { ParseStrategy("radix+turboqant"); }).find("(did you mean 'turboquant'?)") !=
        std::string::npos);
  CHECK(ErrorOf([] { ParseStrategy("block-trie:block_sise=4"); })
            .find("unknown option 'block_sise' (did you mean 'block_size'?)") != std::string::npos);
  CHECK(ErrorOf([] { ParseStrategy("nonsense"); }).find("did you mean") == std::string::npos);
}

TEST_CASE("strategy strings resolve index, codec and every option") {
  const Strategy s = ParseStrategy("block-trie:block_size=32");
  CHECK(s.index == "block-trie");
  CHECK(s.codec == "fp16");
  CHECK(s.index_options.Int("block_size") == 32);
  CHECK(ParseStrategy("block-trie").index_options.Int("block_size") == 16);
  CHECK(ParseStrategy("lru-buckets").index_options.Int("max_entries") == 10);
  CHECK(ParseStrategy("radix+fp32").codec == "fp32");
  // "max_entries=3" continues block-trie's options: an unknown key for that index.
  CHECK(ErrorOf([] { ParseStrategyList({"radix,block-trie:block_size=8,max_entries=3"}); })
            .find("unknown option 'max_entries'") != std::string::npos);
}

TEST_CASE("k=v items continue the item before them") {
  const auto list = ParseStrategyList({"radix,lru-buckets", "max_entries=3", "block-trie"});
  REQUIRE(list.size() == 3);
  CHECK(list[1].text == "lru-buckets:max_entries=3");
  CHECK(list[1].index_options.Int("max_entries") == 3);
  CHECK(ErrorOf([] { ParseStrategyList({"block-trie:block_size=4,block_size=8"}); })
            .find("option 'block_size' is given twice") != std::string::npos);
}

TEST_CASE("bad strategies name the option and what is allowed") {
  CHECK(ErrorOf([] { ParseStrategy("radx"); }).rfind("strategy 'radx': unknown strategy or index 'radx'", 0) == 0);
  CHECK(ErrorOf([] { ParseStrategy("block-trie:blok=3"); }) ==
        "strategy 'block-trie:blok=3', index 'block-trie': unknown option 'blok' (known: "
        "block_size)");
  CHECK(ErrorOf([] { ParseStrategy("block-trie:block_size=abc"); }) ==
        "strategy 'block-trie:block_size=abc', index 'block-trie': option 'block_size' expects an "
        "integer, got 'abc'");
  CHECK(ErrorOf([] { ParseStrategy("block-trie:block_size=0"); }) ==
        "strategy 'block-trie:block_size=0', index 'block-trie': option 'block_size' must be in "
        "1..1048576, got 0");
  CHECK(ErrorOf([] { ParseStrategy("radix+zip"); }).rfind("strategy 'radix+zip': unknown codec 'zip'", 0) == 0);
  CHECK(ErrorOf([] { ParseStrategyList({"max_entries=3"}); }) ==
        "strategy option 'max_entries=3' has no strategy before it");
}

TEST_CASE("absurd numbers of budgets and strategies are refused, not replayed") {
  std::string many;
  for (int i = 0; i < 11; ++i) many += (i ? "," : "") + std::string("1tok..1000tok:1000");
  CHECK_THROWS_WITH_AS(ParseBudgetList({many}),
                       "--budget: 11000 budgets, more than 10000 (each is a replay of the whole "
                       "workload)",
                       Error);
  CHECK(ParseBudgetList({"1tok..1000tok:1000"}).size() == 1000);
  std::string strategies;
  for (int i = 0; i < 1001; ++i) strategies += (i ? "," : "") + std::string("radix");
  CHECK_THROWS_WITH_AS(ParseStrategyList({strategies}),
                       "--strategy: 1001 strategies, more than 1000", Error);
}

}  // namespace
}  // namespace kvsim
