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
    {"Ktok", false, 1000},          {"ktok", false, 1000},
    {"Mtok", false, 1000000},       {"Gtok", false, 1000000000},
    {"Ttok", false, 1000000000000ull}, {"tok", false, 1},
    {"KiB", true, 1ull << 10},      {"MiB", true, 1ull << 20},
    {"GiB", true, 1ull << 30},      {"TiB", true, 1ull << 40},
    {"PiB", true, 1ull << 50},      {"EiB", true, 1ull << 60},
    {"kB", true, 1000},             {"KB", true, 1000},
    {"MB", true, 1000000},          {"GB", true, 1000000000},
    {"TB", true, 1000000000000ull}, {"PB", true, 1000000000000000ull},
    {"EB", true, 1000000000000000000ull}, {"B", true, 1},
};

// The largest budgets kvsim takes: far beyond any cache (10^11 tokens of a 128 KiB/token model
// are 11.6 PiB), small enough that every product with bytes per token fits in 64 bits.
constexpr uint64_t kMaxTokens = 100000000000ull;  // 100Gtok
constexpr uint64_t kMaxBytes = 1ull << 60;        // 1EiB

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

enum class Number { kOk, kNotANumber, kTooLarge };

// Parses "12", "2.5", "0.125", "1e6", "2.5E-3" into num / den exactly (den a power of ten).
Number ParseDecimal(const std::string& s, uint64_t* num, uint64_t* den) {
  const size_t e = s.find_first_of("eE");
  const std::string mantissa = s.substr(0, e);
  if (mantissa.empty()) return Number::kNotANumber;
  u128 n = 0, d = 1;
  bool dot = false, digits = false, huge = false;
  for (char c : mantissa) {
    if (c == '.' && !dot) {
      dot = true;
    } else if (c >= '0' && c <= '9') {
      digits = true;
      if (n > (u128{1} << 64)) {  // more digits only scale it: remember that it is too large
        huge = huge || !dot;
        continue;
      }
      n = n * 10 + static_cast<unsigned>(c - '0');
      if (dot) d *= 10;
    } else {
      return Number::kNotANumber;
    }
  }
  if (!digits) return Number::kNotANumber;
  if (e != std::string::npos) {
    const std::string exp = s.substr(e + 1);
    const bool neg = !exp.empty() && exp[0] == '-';
    const std::string mag = exp.substr(!exp.empty() && (exp[0] == '-' || exp[0] == '+') ? 1 : 0);
    if (mag.empty() || mag.size() > 4 || mag.find_first_not_of("0123456789") != std::string::npos) {
      return Number::kNotANumber;
    }
    for (int k = std::stoi(mag); k > 0; --k) {
      if (neg) d *= 10;
      else n *= 10;
      if (n > (u128{1} << 100)) huge = true;
      if (n > (u128{1} << 100) || d > (u128{1} << 100)) break;
    }
  }
  while (d > 1 && n % 10 == 0) {  // 2.50 -> 25 / 10
    n /= 10;
    d /= 10;
  }
  if (huge || n / d > (u128{1} << 62)) return Number::kTooLarge;
  if (n > (u128{1} << 62) || d > (u128{1} << 62)) {  // below any budget's unit: zero
    n = 0;
    d = 1;
  }
  *num = static_cast<uint64_t>(n);
  *den = static_cast<uint64_t>(d);
  return Number::kOk;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
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
  if (Lower(text) == "inf" || Lower(text) == "unlimited") return spec;
  uint64_t num = 0, den = 1;
  if (EndsWith(text, "%")) {
    const Number parsed = ParseDecimal(text.substr(0, text.size() - 1), &num, &den);
    if (parsed == Number::kTooLarge) throw Error(bad + "a percentage must be at most 100%");
    if (parsed != Number::kOk) {
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
    const Number parsed = ParseDecimal(number, &num, &den);
    const u128 value = parsed == Number::kOk ? u128{num} * u.scale / den : 0;
    const uint64_t max = u.bytes ? kMaxBytes : kMaxTokens;
    if (parsed == Number::kTooLarge || value > max) {
      throw Error(bad + "too large (at most " + (u.bytes ? "1EiB" : "100Gtok") + ")");
    }
    if (parsed != Number::kOk) throw Error(bad + "expected a number before '" + u.suffix + "'");
    if (value == 0) throw Error(bad + "a budget must be positive (use inf for no limit)");
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
  char* end = nullptr;
  *value = std::strtod(text.c_str(), &end);
  *unit = text.substr(static_cast<size_t>(end - text.c_str()));
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
