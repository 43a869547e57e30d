// Budgets (docs/contract.md, "Budgets"): `inf`, tokens (`250000tok`, `2.5Mtok`), bytes (`512MiB`, `1.5TB`),
// or a percentage of the working set (`25%`: that share of the fp16 bytes of the tokens the radix
// index holds after an unbounded replay, so a percentage is a byte budget and compression buys
// tokens under it). Parsing is exact decimal arithmetic: the same text gives the same budget.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kvsim/ledger.h"

namespace kvsim {

struct BudgetSpec {
  enum class Kind { kInf, kTokens, kBytes, kPercent };
  Kind kind = Kind::kInf;
  std::string text;   // as written, for tables and JSON
  uint64_t value = 0; // kTokens, kBytes: the amount
  // kPercent: the share is num / den percent
  uint64_t num = 0;
  uint64_t den = 1;

  static BudgetSpec Unbounded() { return {Kind::kInf, "inf"}; }
};

// Parses one budget; throws Error naming the text.
BudgetSpec ParseBudget(const std::string& text);
// Parses a range: FROM..TO:xFACTOR (geometric, 1GiB..64GiB:x2) or FROM..TO:POINTS (evenly
// spaced, both ends included, 1%..100%:10). Both ends of the same kind and unit.
std::vector<BudgetSpec> ParseBudgetRange(const std::string& text);
// Parses a comma-separated list of budgets and ranges (several --budget flags may be given).
std::vector<BudgetSpec> ParseBudgetList(const std::vector<std::string>& args);

// Resolves a spec to a budget for a workload whose working set is `working_set_tokens`.
Budget ResolveBudget(const BudgetSpec& spec, uint64_t working_set_tokens,
                     uint64_t fp16_bytes_per_token);

bool NeedsWorkingSet(const std::vector<BudgetSpec>& specs);

// "12.3 GiB", "512 B": a byte count for people.
std::string FormatBytes(double bytes);
// "1.25M", "980k": a count for people.
std::string FormatCount(double n);

}  // namespace kvsim
