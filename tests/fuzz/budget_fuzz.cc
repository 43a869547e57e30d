// Fuzz target for budget parsing (--budget): lists, ranges, units, percentages. The input is
// the option's text. Parsing must give budgets that resolve to positive finite limits against
// any working set, or throw kvsim::Error.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "kvsim/budget.h"
#include "kvsim/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<kvsim::BudgetSpec> specs;
  try {
    specs = kvsim::ParseBudgetList({text});
  } catch (const kvsim::Error&) {
    return 0;
  }
  using Kind = kvsim::BudgetSpec::Kind;
  if (specs.empty()) std::abort();
  for (const auto& spec : specs) {
    if (spec.kind != Kind::kInf && spec.kind != Kind::kPercent && spec.value == 0) std::abort();
    if (spec.kind == Kind::kPercent && (spec.den == 0 || spec.num == 0)) std::abort();
    for (uint64_t working_set : {uint64_t{0}, uint64_t{1}, uint64_t{123457}, uint64_t{1} << 40}) {
      const kvsim::Budget b = kvsim::ResolveBudget(spec, working_set, 131072);
      const bool limited = b.tokens.has_value() || b.bytes.has_value();
      if (limited != (spec.kind != Kind::kInf)) std::abort();
      if (spec.kind == Kind::kTokens && b.tokens != spec.value) std::abort();
      if (spec.kind == Kind::kBytes && b.bytes != spec.value) std::abort();
    }
  }
  return 0;
}
