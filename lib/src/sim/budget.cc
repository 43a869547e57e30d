// Budget parsing with exact decimal arithmetic (see kvsim/budget.h).
#include "kvsim/budget.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstdio>

#include "kvsim/error.h"
#include "kvsim/options.h"

namespace kvsim {
namespace {

using u128 = unsigned __int128;

struct Unit {
  const char* suffix;
  bool bytes;
  uint64_t scale;
};

// Longest suffixes first so "MiB" is not read as "B".
constexpr Unit kUnits[] = {
    {"Ktok", false, 1000},         {"ktok", false, 1000},         {"Mtok", false, 1000000},
    {"Gtok", false, 1000000000},   {"tok", false, 1},             {"KiB", true, 1ull << 10},
    {"MiB", true, 1ull << 20},     {"GiB", true, 1ull << 30},     {"TiB", true, 1ull << 40},
    {"kB", true, 1000},            {"KB", true, 1000},            {"MB", true, 1000000},
    {"GB", true, 1000000000},      {"TB", true, 1000000000000ull}, {"B", true, 1},
};

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Parses "12", "2.5", "0.125" into num / den (den a power of ten). False if not a decimal.
bool ParseDecimal(const std::string& s, uint64_t* num, uint64_t* den) {
  if (s.empty()) return false;
  u128 n = 0, d = 1;
  bool dot = false, digits = false;
  for (char c : s) {
    if (c == '.' && !dot) {
      dot = true;
    } else if (c >= '0' && c <= '9') {
      n = n * 10 + static_cast<unsigned>(c - '0');
      if (dot) d *= 10;
      digits = true;
      if (n > (u128{1} << 62) || d > (u128{1} << 62)) return false;
    } else {
      return false;
    }
  }
  *num = static_cast<uint64_t>(n);
  *den = static_cast<uint64_t>(d);
  return digits;
}

}  // namespace

BudgetSpec ParseBudget(const std::string& raw) {
  std::string text;
  for (char c : raw) {
    if (c != ' ') text += c;
  }
  BudgetSpec spec;
  spec.text = text;
  const std::string bad = "budget '" + raw + "': ";
  if (text == "inf" || text == "unlimited") return spec;
  uint64_t num = 0, den = 1;
  if (EndsWith(text, "%")) {
    if (!ParseDecimal(text.substr(0, text.size() - 1), &num, &den)) {
      throw Error(bad + "expected a percentage such as 25% or 12.5%");
    }
    if (num == 0 || u128{num} > u128{100} * den) {
      throw Error(bad + "a percentage must be above 0% and at most 100%");
    }
    spec.kind = BudgetSpec::Kind::kPercent;
    spec.num = num;
    spec.den = den;
    return spec;
  }
  for (const Unit& u : kUnits) {
    if (!EndsWith(text, u.suffix)) continue;
    const std::string number = text.substr(0, text.size() - std::char_traits<char>::length(u.suffix));
    if (!ParseDecimal(number, &num, &den)) {
      throw Error(bad + "expected a number before '" + u.suffix + "'");
    }
    const u128 value = u128{num} * u.scale / den;
    if (value == 0) throw Error(bad + "a budget must be positive (use inf for no limit)");
    if (value > (u128{1} << 62)) throw Error(bad + "too large");
    spec.kind = u.bytes ? BudgetSpec::Kind::kBytes : BudgetSpec::Kind::kTokens;
    spec.value = static_cast<uint64_t>(value);
    return spec;
  }
  throw Error(bad + "expected inf, tokens (250000tok, 2.5Mtok), bytes (512MiB, 40GiB, 1.5TB) "
              "or a percentage of the working set (25%)");
}

namespace {

// "12.5" for 12.5, at most 4 decimals, no trailing zeros.
std::string Decimal(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

// The number and unit of a budget text ("1.5GiB" -> 1.5, "GiB").
void SplitUnit(const std::string& text, double* value, std::string* unit) {
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
  *value = std::atof(text.substr(0, i).c_str());
  *unit = text.substr(i);
}

}  // namespace

std::vector<BudgetSpec> ParseBudgetRange(const std::string& text) {
  const std::string bad = "budget range '" + text + "': ";
  const size_t dots = text.find("..");
  const size_t colon = text.rfind(':');
  if (dots == std::string::npos || colon == std::string::npos || colon < dots) {
    throw Error(bad + "expected FROM..TO:xFACTOR (1GiB..64GiB:x2) or FROM..TO:POINTS (1%..100%:10)");
  }
  const BudgetSpec from = ParseBudget(text.substr(0, dots));
  const BudgetSpec to = ParseBudget(text.substr(dots + 2, colon - dots - 2));
  if (from.kind != to.kind || from.kind == BudgetSpec::Kind::kInf) {
    throw Error(bad + "both ends must be budgets of the same kind (tokens, bytes or %)");
  }
  double a, b;
  std::string unit_a, unit_b;
  SplitUnit(from.text, &a, &unit_a);
  SplitUnit(to.text, &b, &unit_b);
  if (unit_a != unit_b) throw Error(bad + "both ends must use the same unit");
  if (!(b >= a)) throw Error(bad + "TO must not be below FROM");
  std::vector<double> values;
  const std::string step = text.substr(colon + 1);
  if (!step.empty() && step[0] == 'x') {
    const double f = std::atof(step.c_str() + 1);
    if (!(f > 1.0) || f > 1e6) throw Error(bad + "the factor after 'x' must be above 1");
    for (double v = a; v <= b * (1 + 1e-9) && values.size() <= 1000; v *= f) values.push_back(v);
  } else {
    const long points = std::atol(step.c_str());
    if (points < 2 || points > 1000 || step.find_first_not_of("0123456789") != std::string::npos) {
      throw Error(bad + "expected 2..1000 points after ':' (or xFACTOR)");
    }
    for (long i = 0; i < points; ++i) values.push_back(a + (b - a) * double(i) / double(points - 1));
  }
  if (values.size() > 1000) throw Error(bad + "more than 1000 points");
  std::vector<BudgetSpec> out;
  for (double v : values) out.push_back(ParseBudget(Decimal(v) + unit_a));
  return out;
}

std::vector<BudgetSpec> ParseBudgetList(const std::vector<std::string>& args) {
  constexpr size_t kMaxBudgets = 10000;
  std::vector<BudgetSpec> out;
  for (const auto& item : SplitCommas(args)) {
    if (item.find("..") != std::string::npos) {
      for (auto& b : ParseBudgetRange(item)) out.push_back(b);
    } else {
      out.push_back(ParseBudget(item));
    }
  }
  if (out.empty()) out.push_back(ParseBudget("25%"));
  if (out.size() > kMaxBudgets) {
    throw Error("--budget: " + std::to_string(out.size()) + " budgets, more than " +
                std::to_string(kMaxBudgets) + " (each is a replay of the whole workload)");
  }
  return out;
}

Budget ResolveBudget(const BudgetSpec& spec, uint64_t working_set_tokens,
                     uint64_t fp16_bytes_per_token) {
  Budget b;
  switch (spec.kind) {
    case BudgetSpec::Kind::kInf: break;
    case BudgetSpec::Kind::kTokens: b.tokens = spec.value; break;
    case BudgetSpec::Kind::kBytes: b.bytes = spec.value; break;
    case BudgetSpec::Kind::kPercent:
      b.bytes = static_cast<uint64_t>(u128{working_set_tokens} * fp16_bytes_per_token * spec.num /
                                      (u128{100} * spec.den));
      break;
  }
  return b;
}

bool NeedsWorkingSet(const std::vector<BudgetSpec>& specs) {
  for (const auto& s : specs) {
    if (s.kind == BudgetSpec::Kind::kPercent) return true;
  }
  return false;
}

std::string FormatBytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  int u = 0;
  while (bytes >= 1024 && u < 5) {
    bytes /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.2f %s", bytes, units[u]);
  return buf;
}

std::string FormatCount(double n) {
  char buf[32];
  if (n >= 1e9) std::snprintf(buf, sizeof buf, "%.2fG", n / 1e9);
  else if (n >= 1e6) std::snprintf(buf, sizeof buf, "%.2fM", n / 1e6);
  else if (n >= 1e4) std::snprintf(buf, sizeof buf, "%.1fk", n / 1e3);
  else std::snprintf(buf, sizeof buf, "%.0f", n);
  return buf;
}

}  // namespace kvsim
