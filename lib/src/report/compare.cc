// Baseline comparisons (see kvsim/compare.h).
#include "kvsim/compare.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "kvsim/error.h"
#include "kvsim/run_json_check.h"
#include "text_table.h"

namespace kvsim {

using ojson = nlohmann::ordered_json;

CompareTolerance CompareTolerance::Parse(const std::string& text) {
  CompareTolerance t;
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, ',');) {
    const size_t eq = item.find('=');
    const std::string key = item.substr(0, eq);
    double v = -1;
    try {
      size_t used = 0;
      v = std::stod(item.substr(eq + 1), &used);
      if (eq == std::string::npos || used != item.size() - eq - 1) v = -1;
    } catch (...) {
      v = -1;
    }
    if (!(v >= 0) || !std::isfinite(v)) {
      throw Error("--tolerance '" + item + "': expected hit=NUMBER or error=NUMBER, at least 0");
    }
    if (key == "hit") t.hit = v;
    else if (key == "error") t.error = v;
    else throw Error("--tolerance: unknown key '" + key + "' (known: hit, error)");
  }
  return t;
}

namespace {

void Require(bool ok, const std::string& what) {
  if (!ok) throw Error("incompatible inputs: " + what);
}

std::string Key(const ojson& row) {
  return row["strategy"].get<std::string>() + " @ " + row["budget"]["spec"].get<std::string>();
}


// Same workload, model and configuration, or the rows are not comparable at all.
void RequireComparable(const ojson& base, const ojson& cur) {
  const auto same = [&](const ojson& b, const ojson& c, const std::string& what) {
    Require(b == c, "different " + what + ": " + b.dump() + " vs " + c.dump());
  };
  for (const char* f : {"name", "format", "requests", "prompt_tokens", "output_tokens"}) {
    same(base["workload"][f], cur["workload"][f], std::string("workloads (workload.") + f + ")");
  }
  for (const char* f : {"name", "layers", "kv_heads", "head_dim"}) {
    same(base["model"][f], cur["model"][f], std::string("models (model.") + f + ")");
  }
  same(base["cache_output"], cur["cache_output"],
       "configurations (cache_output: was --no-cache-output given on one side only?)");
  same(base["seed"], cur["seed"], "seeds (the attention probe samples other requests)");
}

}  // namespace

CompareResult Compare(const ojson& base, const ojson& cur, const CompareTolerance& tol,
                      bool strict, const std::string& base_name, const std::string& cur_name) {
  CheckRunJson(base, base_name);
  CheckRunJson(cur, cur_name);
  RequireComparable(base, cur);
  std::map<std::string, const ojson*> current;
  for (const auto& row : cur["results"]) current[Key(row)] = &row;
  std::map<std::string, bool> matched;
  CompareResult out;
  for (const auto& b : base["results"]) {
    const std::string key = Key(b);
    auto it = current.find(key);
    if (it == current.end()) {
      out.missing_rows.push_back(key);
      continue;
    }
    matched[key] = true;
    const ojson& c = *it->second;
    auto line = [&](const char* metric, double bv, double cv, bool higher_is_better, bool relative,
                    double tolerance) {
      CompareLine l{b["strategy"], b["budget"]["spec"], metric, bv, cv, "ok"};
      const double allowed = relative ? tolerance * std::fabs(bv) : tolerance;
      const double worse = higher_is_better ? bv - cv : cv - bv;
      if (worse > allowed + 1e-12) {
        l.verdict = "REGRESSION";
        out.regression = true;
      } else if (-worse > allowed + 1e-12) {
        l.verdict = "better";
      }
      out.lines.push_back(l);
    };
    line("token_hit_rate", b["token_hit_rate"], c["token_hit_rate"], true, false, tol.hit);
    line("request_hit_rate", b["request_hit_rate"], c["request_hit_rate"], true, false, tol.hit);
    const bool ba = !b["attention"].is_null(), ca = !c["attention"].is_null();
    Require(ba == ca, "row " + key + " has attention error on one side only");
    if (ba) {
      line("attention_rel_l2", b["attention"]["output_rel_l2"]["mean"],
           c["attention"]["output_rel_l2"]["mean"], false, true, tol.error);
    }
  }
  for (const auto& row : cur["results"]) {
    if (!matched.count(Key(row))) out.new_rows.push_back(Key(row));
  }
  if (strict) {
    Require(out.missing_rows.empty(), "--strict: row " + (out.missing_rows.empty() ? "" : out.missing_rows[0]) +
                                          " of the baseline is missing from the current run");
    Require(out.new_rows.empty(), "--strict: row " + (out.new_rows.empty() ? "" : out.new_rows[0]) +
                                      " of the current run is not in the baseline");
  }
  return out;
}

namespace {

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  return buf;
}

// "+0.001000"; a difference that rounds to zero is "+0.000000", never "-0.000000".
std::string Delta(double v) {
  if (std::fabs(v) < 5e-7) v = 0;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.6f", v);
  return buf;
}

std::string Summary(const CompareResult& r, const CompareTolerance& tol) {
  size_t regressions = 0;
  for (const auto& l : r.lines) regressions += l.verdict == "REGRESSION";
  std::string s = r.regression ? std::to_string(regressions) + " regression(s) beyond tolerance (hit " +
                                     Num(tol.hit) + " absolute, error " + Num(tol.error) + " relative)"
                               : "no regression (" + std::to_string(r.lines.size()) +
                                     " metrics within tolerance)";
  if (!r.new_rows.empty()) s += "; " + std::to_string(r.new_rows.size()) + " new row(s) not compared";
  if (!r.missing_rows.empty()) {
    s += "; " + std::to_string(r.missing_rows.size()) + " baseline row(s) missing from the current run";
  }
  return s;
}

std::string RowList(const CompareResult& r, bool markdown) {
  std::string out;
  const auto list = [&](const std::vector<std::string>& rows, const std::string& what) {
    if (rows.empty()) return;
    out += "\n" + what + ":\n";
    for (const auto& k : rows) out += (markdown ? "- " : "  ") + k + "\n";
  };
  list(r.new_rows, "new in the current run (not in the baseline)");
  list(r.missing_rows, "missing from the current run (in the baseline)");
  return out;
}

}  // namespace

std::string FormatCompare(const CompareResult& r, const CompareTolerance& tol,
                          const CompareFormat& format) {
  std::vector<const CompareLine*> shown;
  for (const auto& l : r.lines) {
    if (!format.only_regressions || l.verdict == "REGRESSION") shown.push_back(&l);
  }
  std::ostringstream out;
  const std::string summary = Summary(r, tol);
  if (format.markdown) {
    out << "### kvsim compare: " << (r.regression ? "❌ " : "✅ ") << summary << "\n\n";
    out << "| strategy | budget | metric | baseline | current | delta | verdict |\n";
    out << "|---|---|---|---:|---:|---:|---|\n";
    for (const CompareLine* l : shown) {
      out << "| " << l->strategy << " | " << l->budget << " | " << l->metric << " | "
          << Num(l->baseline) << " | " << Num(l->current) << " | " << Delta(l->current - l->baseline)
          << " | " << (l->verdict == "REGRESSION" ? "**REGRESSION**" : l->verdict) << " |\n";
    }
    out << RowList(r, true);
    return out.str();
  }
  TextTable t({"strategy", "budget", "metric", "baseline", "current", "delta", "verdict"});
  for (const CompareLine* l : shown) {
    t.Add({l->strategy, l->budget, l->metric, Num(l->baseline), Num(l->current),
           Delta(l->current - l->baseline), l->verdict});
  }
  if (!shown.empty()) t.Print(out, 3);
  out << RowList(r, false) << "\n" << summary << "\n";
  return out.str();
}

}  // namespace kvsim
