// Baseline comparisons (see kvsim/compare.h).
#include "kvsim/compare.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "kvsim/error.h"
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

// Same workload, model and configuration, or the rows are not comparable at all.
void RequireComparable(const RunDocument& base, const RunDocument& cur) {
  const auto same = [&](const ojson& b, const ojson& c, const std::string& what) {
    Require(b == c, "different " + what + ": " + b.dump() + " vs " + c.dump());
  };
  const WorkloadFacts &bw = base.workload, &cw = cur.workload;
  same(bw.name, cw.name, "workloads (workload.name)");
  same(bw.format, cw.format, "workloads (workload.format)");
  same(bw.requests, cw.requests, "workloads (workload.requests)");
  same(bw.prompt_tokens, cw.prompt_tokens, "workloads (workload.prompt_tokens)");
  same(bw.output_tokens, cw.output_tokens, "workloads (workload.output_tokens)");
  const ModelFacts &bm = base.model, &cm = cur.model;
  same(bm.name, cm.name, "models (model.name)");
  same(bm.layers, cm.layers, "models (model.layers)");
  same(bm.kv_heads, cm.kv_heads, "models (model.kv_heads)");
  same(bm.head_dim, cm.head_dim, "models (model.head_dim)");
  same(base.cache_output, cur.cache_output,
       "configurations (cache_output: was --no-cache-output given on one side only?)");
  same(base.seed, cur.seed, "seeds (the attention probe samples other requests)");
  Require(base.serve == cur.serve,
          "serving settings (the \"serve\" objects differ: admission, batch limits, rates, "
          "speedup or GPU; or one side is not from kvsim serve)");
}

// The compared metrics of one row present on both sides.
void CompareRow(const DocumentRow& b, const DocumentRow& c, const CompareTolerance& tol,
                CompareResult* out) {
  auto line = [&](const char* metric, double bv, double cv, bool higher_is_better, bool relative,
                  double tolerance) {
    CompareLine l{b.strategy, b.budget_spec, metric, bv, cv, "ok"};
    const double allowed = relative ? tolerance * std::fabs(bv) : tolerance;
    const double worse = higher_is_better ? bv - cv : cv - bv;
    if (worse > allowed + 1e-12) {
      l.verdict = "REGRESSION";
      out->regression = true;
    } else if (-worse > allowed + 1e-12) {
      l.verdict = "better";
    }
    out->lines.push_back(l);
  };
  line("token_hit_rate", b.token_hit_rate, c.token_hit_rate, true, false, tol.hit);
  line("request_hit_rate", b.request_hit_rate, c.request_hit_rate, true, false, tol.hit);
  Require(b.attention.has_value() == c.attention.has_value(),
          "row " + b.Key() + " has attention error on one side only");
  if (b.attention) {
    line("attention_rel_l2", b.attention->rel_l2_mean, c.attention->rel_l2_mean, false, true, tol.error);
  }
}

}  // namespace

CompareResult Compare(const RunDocument& base, const RunDocument& cur, const CompareTolerance& tol,
                      bool strict) {
  RequireComparable(base, cur);
  std::map<std::string, const DocumentRow*> current;
  for (const DocumentRow& row : cur.rows) current[row.Key()] = &row;
  std::set<std::string> matched;
  CompareResult out;
  for (const DocumentRow& b : base.rows) {
    const auto it = current.find(b.Key());
    if (it == current.end()) {
      out.missing_rows.push_back(b.Key());
      continue;
    }
    matched.insert(b.Key());
    CompareRow(b, *it->second, tol, &out);
  }
  for (const DocumentRow& row : cur.rows) {
    if (!matched.count(row.Key())) out.new_rows.push_back(row.Key());
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
