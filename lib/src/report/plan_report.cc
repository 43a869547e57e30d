// Capacity-planning reports (see kvsim/plan_report.h).
#include "kvsim/plan_report.h"

#include <cstdio>
#include <algorithm>
#include <map>
#include <set>

#include "kvsim/error.h"
#include "plan_summary.h"
#include "svg_chart.h"

namespace kvsim {
namespace {

using ojson = nlohmann::ordered_json;

// One series per strategy (in first-seen order) of (budget bytes, metric).
template <class F>
std::vector<Series> ByStrategy(const ojson& doc, F metric) {
  std::vector<Series> out;
  std::map<std::string, size_t> at;
  const auto styles = StrategyStyles(doc);
  for (const auto& row : doc["results"]) {
    double x, y;
    if (!BudgetBytes(doc, row, &x) || !metric(row, &y)) continue;
    const std::string name = row["strategy"];
    if (!at.count(name)) {
      at[name] = out.size();
      out.push_back({name, {}, styles.at(name)});
    }
    out[at[name]].points.emplace_back(x, y);
  }
  for (auto& s : out) std::sort(s.points.begin(), s.points.end());
  return out;
}

ReportChart Chart(std::string name, std::string svg) {
  ReportChart c;
  c.name = std::move(name);
  c.svg = std::move(svg);
  return c;
}

// The peak-memory chart's reference: y = budget at each swept bounded budget.
Series BudgetLine(const ojson& doc) {
  std::set<double> budgets;
  for (const auto& row : doc["results"]) {
    double x;
    if (BudgetBytes(doc, row, &x)) budgets.insert(x);
  }
  Series line;
  line.name = "budget";
  for (double b : budgets) line.points.emplace_back(b, b);
  return line;
}

std::string Fmt(double v, const char* f) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string CommandOf(const ojson& doc) {
  if (!doc.contains("command")) return "(not recorded)";
  std::string c;
  for (const auto& a : doc["command"]) c += (c.empty() ? "" : " ") + a.get<std::string>();
  return c;
}

// Rows of the results table as cells.
std::vector<std::vector<std::string>> ResultCells(const ojson& doc) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"strategy", "budget", "hit rate", "prefill", "GPU-s saved", "peak bytes",
                  "of budget", "compr.", "rel-L2", "top-8"});
  for (const auto& r : doc["results"]) {
    double budget = 0;
    const bool bounded = BudgetBytes(doc, r, &budget);
    const double peak = r["memory"]["peak_bytes"].get<double>();
    const auto& a = r["attention"];
    rows.push_back({r["strategy"], r["budget"]["spec"],
                    Fmt(100 * r["token_hit_rate"].get<double>(), "%.2f%%"),
                    Fmt(r["prefill_tokens"].get<double>(), "%.0f"),
                    Fmt(r.value("prefill_gpu_seconds_saved", 0.0), "%.1f"),
                    FormatTick(peak, Axis::Format::kBytes),
                    bounded && !r["budget"]["bytes"].is_null() ? Fmt(100 * peak / budget, "%.1f%%") : "-",
                    Fmt(r["compression_ratio"].get<double>(), "%.2fx"),
                    a.is_null() ? "-" : Fmt(a["output_rel_l2"]["mean"].get<double>(), "%.4f"),
                    a.is_null() ? "-" : Fmt(100 * a["top8_recall"].get<double>(), "%.1f%%")});
  }
  return rows;
}

std::vector<std::pair<std::string, std::string>> WorkloadFacts(const ojson& doc) {
  const auto& w = doc["workload"];
  std::vector<std::pair<std::string, std::string>> f = {
      {"workload", w["name"].get<std::string>() + " (" + w["format"].get<std::string>() + ", " +
                       w["path"].get<std::string>() + ")"},
      {"requests", w["requests"].dump()},
      {"sessions", w["sessions"].dump()},
      {"prompt tokens", w["prompt_tokens"].dump()},
      {"output tokens", w["output_tokens"].dump()},
      {"working set", w["working_set_tokens"].dump() + " tokens (" +
                          FormatTick(w["working_set_tokens"].get<double>() *
                                         doc["model"]["fp16_bytes_per_token"].get<double>(),
                                     Axis::Format::kBytes) + " at fp16)"}};
  if (doc.contains("workload_stats")) {
    const auto& s = doc["workload_stats"];
    auto dist = [](const ojson& d) {
      return "mean " + Fmt(d["mean"].get<double>(), "%.0f") + ", p50 " + d["p50"].dump() +
             ", p90 " + d["p90"].dump() + ", p99 " + d["p99"].dump();
    };
    f.push_back({"prompt length", dist(s["prompt_length"])});
    f.push_back({"output length", dist(s["output_length"])});
    if (s["sessions"].get<uint64_t>() > 0) f.push_back({"turns per session", dist(s["turns_per_session"])});
    f.push_back({"max token hit rate", Fmt(100 * s["max_token_hit_rate"].get<double>(), "%.2f%%") +
                                           " (unbounded radix)"});
  }
  const auto& m = doc["model"];
  f.push_back({"model", m["name"].get<std::string>() + ": " + m["layers"].dump() + " layers x " +
                            m["kv_heads"].dump() + " KV heads x " + m["head_dim"].dump() + " dims, " +
                            FormatTick(m["fp16_bytes_per_token"].get<double>(), Axis::Format::kBytes) +
                            " per token at fp16; prefill " +
                            Fmt(m.value("prefill_tokens_per_second", 0.0), "%.0f") + " tokens/s per GPU"});
  f.push_back({"kvsim", doc["kvsim"]["version"].get<std::string>() + ", kernels " +
                            doc["kvsim"]["kernels"].get<std::string>() + ", seed " + doc["seed"].dump()});
  f.push_back({"command", CommandOf(doc)});
  return f;
}

}  // namespace

std::vector<ReportChart> ReportCharts(const ojson& doc, const ReportOptions& options) {
  std::vector<ReportChart> charts;
  const Axis budget{"cache budget (bytes; token budgets at fp16)", Axis::Format::kBytes, true};
  charts.push_back(Chart("hit_rate", LineChart("Token hit rate against cache budget", budget,
                                          {"token hit rate", Axis::Format::kPercent},
                                          ByStrategy(doc, [](const ojson& r, double* y) {
                                            *y = r["token_hit_rate"].get<double>();
                                            return true;
                                          }))));
  charts.push_back(Chart("gpu_seconds", LineChart("Prefill GPU-seconds saved against cache budget", budget,
                                             {"prefill GPU-seconds saved", Axis::Format::kSeconds},
                                             ByStrategy(doc, [](const ojson& r, double* y) {
                                               *y = r.value("prefill_gpu_seconds_saved", 0.0);
                                               return true;
                                             }))));
  const Series budget_line = BudgetLine(doc);
  charts.push_back(Chart("memory", LineChart("Peak memory held against cache budget", budget,
                                        {"peak KV memory held", Axis::Format::kBytes},
                                        ByStrategy(doc, [](const ojson& r, double* y) {
                                          *y = r["memory"]["peak_bytes"].get<double>();
                                          return true;
                                        }),
                                        &budget_line)));
  bool codecs = false, attention = false;
  for (const auto& r : doc["results"]) {
    codecs = codecs || r["codec"] != "fp16";
    attention = attention || !r["attention"].is_null();
  }
  if (codecs) {
    charts.push_back(Chart("compression", LineChart("Compression ratio against cache budget", budget,
                                               {"fp16 bytes / stored bytes", Axis::Format::kNumber},
                                               ByStrategy(doc, [](const ojson& r, double* y) {
                                                 *y = r["compression_ratio"].get<double>();
                                                 return true;
                                               }))));
  }
  if (attention) {
    const auto plans = PickBudgets(doc, options.targets);
    std::vector<Bar> bars;
    for (const auto& s : plans) {
      if (s.has_attention) bars.push_back({s.strategy, s.attention, s.style});
    }
    charts.push_back(Chart("attention", BarChart("Attention error of each strategy's codec",
                                            {"mean ||o~ - o|| / ||o|| (lower is better)",
                                             Axis::Format::kNumber},
                                            bars)));
    charts.push_back(TradeoffChart(plans, options.targets));
  }
  return charts;
}

namespace {

std::string HtmlTable(const std::vector<std::vector<std::string>>& cells, size_t text_columns) {
  std::string h = "<table>\n";
  for (size_t r = 0; r < cells.size(); ++r) {
    h += "<tr>";
    for (size_t c = 0; c < cells[r].size(); ++c) {
      h += r == 0 ? "<th>" + XmlEscape(cells[r][c]) + "</th>"
                  : (c < text_columns ? "<td>" : "<td class=\"n\">") + XmlEscape(cells[r][c]) + "</td>";
    }
    h += "</tr>\n";
  }
  return h + "</table>\n";
}

std::string MarkdownTable(const std::vector<std::vector<std::string>>& cells, size_t text_columns) {
  std::string m;
  for (size_t r = 0; r < cells.size(); ++r) {
    m += "|";
    for (const auto& c : cells[r]) m += " " + c + " |";
    m += "\n";
    if (r == 0) {
      m += "|";
      for (size_t c = 0; c < cells[r].size(); ++c) m += c < text_columns ? "---|" : "---:|";
      m += "\n";
    }
  }
  return m;
}

const char kSummaryNote[] =
    "The smallest swept budget that reaches each token hit rate, per strategy: the budget as "
    "written, then its size (token budgets priced at fp16). \"not reached\": no swept budget "
    "reaches it. Attention rel-L2: the mean relative error of attention computed from the "
    "strategy's stored bytes (- when not probed).";

const ReportChart* Find(const std::vector<ReportChart>& charts, const std::string& name) {
  for (const auto& c : charts) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

}  // namespace

std::string HtmlReport(const ojson& doc, const ReportOptions& options) {
  const auto charts = ReportCharts(doc, options);
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>kvsim report: " +
      XmlEscape(doc["workload"]["name"].get<std::string>()) +
      "</title>\n<style>body{font-family:Helvetica,Arial,sans-serif;max-width:1000px;margin:24px "
      "auto;color:#222}table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid "
      "#ccc;padding:4px 8px;font-size:13px}th{background:#f4f4f4}td.n{text-align:right}"
      "code{background:#f4f4f4;padding:2px 4px}figure{margin:18px 0}figcaption{font-size:13px;"
      "color:#444;max-width:760px}</style></head><body>\n";
  h += "<h1>kvsim capacity report: " + XmlEscape(doc["workload"]["name"].get<std::string>()) + "</h1>\n";
  h += "<h2>At a glance</h2>\n<p>" + XmlEscape(kSummaryNote) + "</p>\n";
  h += HtmlTable(SummaryCells(PickBudgets(doc, options.targets), options.targets), 1);
  if (const ReportChart* t = Find(charts, "tradeoff")) {
    h += "<figure>" + t->svg + "<figcaption>" + XmlEscape(t->caption) + "</figcaption></figure>\n";
  }
  h += "<h2>Workload and run</h2>\n<table>\n";
  for (const auto& [k, v] : WorkloadFacts(doc)) {
    h += "<tr><th>" + XmlEscape(k) + "</th><td>" + (k == "command" ? "<code>" + XmlEscape(v) + "</code>" : XmlEscape(v)) +
         "</td></tr>\n";
  }
  h += "</table>\n<h2>Charts</h2>\n<p>Bounded budgets only (token budgets priced at fp16); "
       "unbounded rows are in the results table.</p>\n";
  for (const auto& c : charts) {
    if (c.name != "tradeoff") h += "<figure>" + c.svg + "</figure>\n";
  }
  h += "<h2>Results</h2>\n" + HtmlTable(ResultCells(doc), 2);
  h += "<p>Hit rate: prompt tokens served from the cache / prompt tokens. GPU-seconds "
       "saved: hit tokens / prefill throughput. Memory is sampled after each request's eviction "
       "step and never exceeds the budget. Attention error: exact fp32 attention against "
       "attention from the stored bytes (kvsim README, \"Attention error\").</p>\n</body></html>\n";
  return h;
}

std::string MarkdownReport(const ojson& doc, const std::string& chart_prefix,
                           const ReportOptions& options) {
  const auto charts = ReportCharts(doc, options);
  std::string m = "# kvsim capacity report: " + doc["workload"]["name"].get<std::string>() + "\n\n";
  m += "## At a glance\n\n" + std::string(kSummaryNote) + "\n\n";
  m += MarkdownTable(SummaryCells(PickBudgets(doc, options.targets), options.targets), 1) + "\n";
  if (const ReportChart* t = Find(charts, "tradeoff")) {
    m += "![tradeoff](" + chart_prefix + "tradeoff.svg)\n\n" + t->caption + "\n\n";
  }
  m += "## Workload and run\n\n| | |\n|---|---|\n";
  for (const auto& [k, v] : WorkloadFacts(doc)) m += "| " + k + " | " + (k == "command" ? "`" + v + "`" : v) + " |\n";
  m += "\n## Charts\n\nBounded budgets only (token budgets priced at fp16); unbounded rows are in "
       "the results table.\n\n";
  for (const auto& c : charts) {
    if (c.name != "tradeoff") m += "![" + c.name + "](" + chart_prefix + c.name + ".svg)\n\n";
  }
  return m + "## Results\n\n" + MarkdownTable(ResultCells(doc), 2);
}

namespace {
bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
bool IsHtmlPath(const std::string& path) {
  return path == "-" || EndsWith(path, ".html") || EndsWith(path, ".htm");
}
}  // namespace

void CheckReportPath(const std::string& option, const std::string& path) {
  if (!IsHtmlPath(path) && !EndsWith(path, ".md")) {
    throw Error(option + " '" + path + "': the file name must end in .html or .md (or be - for HTML on standard output)");
  }
}

std::vector<ReportFile> RenderReport(const ojson& doc, const std::string& path,
                                     const ReportOptions& options) {
  if (IsHtmlPath(path)) return {{path, HtmlReport(doc, options)}};
  const std::string stem = path.substr(0, path.size() - 3);
  const std::string base = stem.substr(stem.find_last_of('/') + 1);
  std::vector<ReportFile> files;
  for (const auto& c : ReportCharts(doc, options)) files.push_back({stem + "-" + c.name + ".svg", c.svg});
  files.push_back({path, MarkdownReport(doc, base + "-", options)});
  return files;
}

}  // namespace kvsim
