// Baseline comparisons (see kvsim/compare.h).
#include "kvsim/compare.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "kvsim/error.h"
#include "kvsim/report.h"
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

}  // namespace

CompareResult Compare(const ojson& base, const ojson& cur, const CompareTolerance& tol) {
  CheckRunJson(base, "baseline");
  CheckRunJson(cur, "current");
  for (const char* f : {"name", "format", "requests", "prompt_tokens", "output_tokens"}) {
    Require(base["workload"][f] == cur["workload"][f],
            std::string("different workloads (workload.") + f + ": " + base["workload"][f].dump() +
                " vs " + cur["workload"][f].dump() + ")");
  }
  for (const char* f : {"name", "layers", "kv_heads", "head_dim"}) {
    Require(base["model"][f] == cur["model"][f], std::string("different models (model.") + f + ")");
  }
  std::map<std::string, const ojson*> current;
  for (const auto& row : cur["results"]) current[Key(row)] = &row;
  std::map<std::string, bool> matched;
  CompareResult out;
  for (const auto& b : base["results"]) {
    const std::string key = Key(b);
    auto it = current.find(key);
    Require(it != current.end(), "row " + key + " of the baseline is missing from the current run");
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
  for (const auto& [key, row] : current) {
    Require(matched.count(key), "row " + key + " of the current run is not in the baseline");
  }
  return out;
}

std::string FormatCompare(const CompareResult& r, const CompareTolerance& tol, bool markdown) {
  auto num = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6f", v);
    return std::string(buf);
  };
  auto delta = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%+.6f", v);
    return std::string(buf);
  };
  size_t regressions = 0;
  for (const auto& l : r.lines) regressions += l.verdict == "REGRESSION";
  const std::string summary =
      r.regression ? std::to_string(regressions) + " regression(s) beyond tolerance (hit " +
                         num(tol.hit) + " absolute, error " + num(tol.error) + " relative)"
                   : "no regression (" + std::to_string(r.lines.size()) + " metrics within tolerance)";
  std::ostringstream out;
  if (markdown) {
    out << "### kvsim compare: " << (r.regression ? "❌ " : "✅ ") << summary << "\n\n";
    out << "| strategy | budget | metric | baseline | current | delta | verdict |\n";
    out << "|---|---|---|---:|---:|---:|---|\n";
    for (const auto& l : r.lines) {
      out << "| " << l.strategy << " | " << l.budget << " | " << l.metric << " | "
          << num(l.baseline) << " | " << num(l.current) << " | " << delta(l.current - l.baseline)
          << " | " << (l.verdict == "REGRESSION" ? "**REGRESSION**" : l.verdict) << " |\n";
    }
    return out.str();
  }
  TextTable t({"strategy", "budget", "metric", "baseline", "current", "delta", "verdict"});
  for (const auto& l : r.lines) {
    t.Add({l.strategy, l.budget, l.metric, num(l.baseline), num(l.current),
           delta(l.current - l.baseline), l.verdict});
  }
  t.Print(out, 3);
  out << "\n" << summary << "\n";
  return out.str();
}

}  // namespace kvsim
