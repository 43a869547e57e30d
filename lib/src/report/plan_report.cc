// Capacity-planning reports (see kvsim/plan_report.h).
#include "kvsim/plan_report.h"

#include <cstdio>
#include <algorithm>
#include <map>
#include <set>

#include "kvsim/error.h"
#include "plan_chart.h"
#include "plan_doc_report.h"
#include "curve_report.h"
#include "plan_summary.h"
#include "report_tables.h"
#include "serve_report.h"
#include "svg_chart.h"

namespace kvsim {
namespace {

// One series per strategy (in first-seen order) of (budget bytes, metric).
template <class F>
std::vector<Series> ByStrategy(const RunDocument& doc, F metric) {
  std::vector<Series> out;
  std::map<std::string, size_t> at;
  const auto styles = StrategyStyles(doc);
  for (const DocumentRow& row : doc.rows) {
    const std::optional<double> x = doc.BudgetBytes(row);
    if (!x) continue;
    if (!at.count(row.strategy)) {
      at[row.strategy] = out.size();
      out.push_back({row.strategy, {}, styles.at(row.strategy)});
    }
    out[at[row.strategy]].points.emplace_back(*x, metric(row));
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
Series BudgetLine(const RunDocument& doc) {
  std::set<double> budgets;
  for (const DocumentRow& row : doc.rows) {
    if (const auto x = doc.BudgetBytes(row)) budgets.insert(*x);
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

std::string CommandOf(const RunDocument& doc) {
  if (!doc.command) return "(not recorded)";
  std::string c;
  for (const auto& a : *doc.command) c += (c.empty() ? "" : " ") + a;
  return c;
}

// Rows of the results table as cells.
std::vector<std::vector<std::string>> ResultCells(const RunDocument& doc) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"strategy", "budget", "hit rate", "prefill", "GPU-s saved", "peak bytes",
                  "of budget", "compr.", "rel-L2", "top-8"});
  for (const DocumentRow& r : doc.rows) {
    const std::optional<double> share = r.ShareOfBudget();
    const AttentionSummary* a = r.attention ? &*r.attention : nullptr;
    rows.push_back({r.strategy, r.budget_spec, Fmt(100 * r.token_hit_rate, "%.2f%%"),
                    Fmt(static_cast<double>(r.prefill_tokens), "%.0f"),
                    Fmt(r.prefill_gpu_seconds_saved.value_or(0.0), "%.1f"),
                    FormatTick(static_cast<double>(r.peak_bytes), Axis::Format::kBytes),
                    share ? Fmt(100 * *share, "%.1f%%") : "-", Fmt(r.compression_ratio, "%.2fx"),
                    a ? Fmt(a->rel_l2_mean, "%.4f") : "-", a ? Fmt(100 * a->top8_mean, "%.1f%%") : "-"});
  }
  return rows;
}

std::string Dist(const Distribution& d) {
  return "mean " + Fmt(d.mean, "%.0f") + ", p50 " + std::to_string(d.p50) + ", p90 " +
         std::to_string(d.p90) + ", p99 " + std::to_string(d.p99);
}

using Facts = std::vector<std::pair<std::string, std::string>>;

void AddStatsFacts(const WorkloadStats& s, Facts* f) {
  f->push_back({"prompt length", Dist(s.prompt_len)});
  f->push_back({"output length", Dist(s.output_len)});
  if (s.sessions > 0) f->push_back({"turns per session", Dist(s.turns_per_session)});
  f->push_back({"max token hit rate", Fmt(100 * s.max_token_hit_rate, "%.2f%%") + " (unbounded radix)"});
}

// The memory tiers below every budget, when the run had them: their hits are in every hit rate.
std::optional<std::string> TiersFact(const RunDocument& doc) {
  for (const DocumentRow& r : doc.rows) {
    if (r.tiers.empty()) continue;
    std::string s;
    for (const TierFigures& t : r.tiers) {
      s += (s.empty() ? "" : "; ") + t.name + " (" + (t.exclusive ? "exclusive" : "inclusive") + ", " +
           (t.arc ? "arc" : "lru") + ", " + t.codec + ", " + Fmt(t.bandwidth_gbps, "%g") + " GB/s)";
    }
    return s + " below every budget. Hit rates count hits in any tier and budgets are the GPU "
               "tier's; the JSON splits hits by tier (hit_tokens_by_tier)";
  }
  return std::nullopt;
}

Facts WorkloadFactsOf(const RunDocument& doc) {
  const WorkloadFacts& w = doc.workload;
  const ModelFacts& m = doc.model;
  const auto n = [](uint64_t v) { return std::to_string(v); };
  Facts f = {{"workload", w.name + " (" + w.format + ", " + w.path + ")"},
             {"requests", n(w.requests)},
             {"sessions", n(w.sessions)},
             {"prompt tokens", n(w.prompt_tokens)},
             {"output tokens", n(w.output_tokens)},
             {"working set", n(w.working_set_tokens) + " tokens (" +
                                 FormatTick(static_cast<double>(w.working_set_tokens) *
                                                static_cast<double>(m.fp16_bytes_per_token),
                                            Axis::Format::kBytes) + " at fp16)"}};
  if (doc.workload_stats) AddStatsFacts(*doc.workload_stats, &f);
  if (const auto gap = RadixGapFact(doc)) f.push_back({"radix vs token LRU", *gap});
  if (const auto tiers = TiersFact(doc)) f.push_back({"memory tiers", *tiers});
  f.push_back({"model", m.name + ": " + n(m.layers) + " layers x " + n(m.kv_heads) + " KV heads x " +
                            n(m.head_dim) + " dims, " +
                            FormatTick(static_cast<double>(m.fp16_bytes_per_token), Axis::Format::kBytes) +
                            " per token at fp16; prefill " +
                            Fmt(m.prefill_tokens_per_second.value_or(0.0), "%.0f") + " tokens/s per GPU"});
  f.push_back({"kvsim", doc.version + ", kernels " + doc.kernels + ", seed " + n(doc.seed)});
  f.push_back({"command", CommandOf(doc)});
  return f;
}

}  // namespace

std::vector<ReportChart> ReportCharts(const RunDocument& doc, const ReportOptions& options) {
  std::vector<ReportChart> charts;
  const Axis budget{"cache budget (bytes; token budgets at fp16)", Axis::Format::kBytes, true};
  charts.push_back(Chart("hit_rate", LineChart("Token hit rate against cache budget", budget,
                                          {"token hit rate", Axis::Format::kPercent},
                                          WithCurves(doc, ByStrategy(doc, [](const DocumentRow& r) {
                                            return r.token_hit_rate;
                                          })))));
  charts.push_back(Chart("gpu_seconds", LineChart("Prefill GPU-seconds saved against cache budget", budget,
                                             {"prefill GPU-seconds saved", Axis::Format::kSeconds},
                                             ByStrategy(doc, [](const DocumentRow& r) {
                                               return r.prefill_gpu_seconds_saved.value_or(0.0);
                                             }))));
  const Series budget_line = BudgetLine(doc);
  charts.push_back(Chart("memory", LineChart("Peak memory held against cache budget", budget,
                                        {"peak KV memory held", Axis::Format::kBytes},
                                        ByStrategy(doc, [](const DocumentRow& r) {
                                          return static_cast<double>(r.peak_bytes);
                                        }),
                                        &budget_line)));
  bool codecs = false, attention = false;
  for (const DocumentRow& r : doc.rows) {
    codecs = codecs || r.codec != "fp16";
    attention = attention || r.attention.has_value();
  }
  if (codecs) {
    charts.push_back(Chart("compression", LineChart("Compression ratio against cache budget", budget,
                                               {"fp16 bytes / stored bytes", Axis::Format::kNumber},
                                               ByStrategy(doc, [](const DocumentRow& r) {
                                                 return r.compression_ratio;
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

const char kSummaryNote[] =
    "The smallest swept budget that reaches each token hit rate, per strategy: the budget as "
    "written, then its size (token budgets priced at fp16). \"not reached\": no swept budget "
    "reaches it. For a block-trie, whose whole hit-rate curve is computed, the smallest cache on "
    "the curve that reaches it, marked (curve), priced at the codec's bytes. Attention rel-L2: "
    "the mean relative error of attention computed from the "
    "strategy's stored bytes (- when not probed).";

const ReportChart* Find(const std::vector<ReportChart>& charts, const std::string& name) {
  for (const auto& c : charts) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

}  // namespace

std::string HtmlReport(const RunDocument& doc, const ReportOptions& options) {
  if (doc.plan) return PlanHtml(doc);
  const auto charts = ReportCharts(doc, options);
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>kvsim report: " +
      XmlEscape(doc.workload.name) +
      "</title>\n<style>body{font-family:Helvetica,Arial,sans-serif;max-width:1000px;margin:24px "
      "auto;color:#222}table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid "
      "#ccc;padding:4px 8px;font-size:13px}th{background:#f4f4f4}td.n{text-align:right}"
      "code{background:#f4f4f4;padding:2px 4px}figure{margin:18px 0}figcaption{font-size:13px;"
      "color:#444;max-width:760px}.multiples{display:flex;flex-wrap:wrap;column-gap:16px}"
      ".multiples figure{margin:6px 0}</style></head><body>\n";
  h += "<h1>kvsim " + std::string(doc.serve ? "serve" : "capacity") + " report: " +
       XmlEscape(doc.workload.name) + "</h1>\n";
  if (HasServe(doc)) h += ServeHtml(doc, options);
  h += "<h2>At a glance</h2>\n<p>" + XmlEscape(kSummaryNote) + "</p>\n";
  h += HtmlTable(SummaryCells(PickBudgets(doc, options.targets), options.targets), 1);
  if (const ReportChart* t = Find(charts, "tradeoff")) {
    h += "<figure>" + t->svg + "<figcaption>" + XmlEscape(t->caption) + "</figcaption></figure>\n";
  }
  h += "<h2>Workload and run</h2>\n<table>\n";
  for (const auto& [k, v] : WorkloadFactsOf(doc)) {
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

std::string MarkdownReport(const RunDocument& doc, const std::string& chart_prefix,
                           const ReportOptions& options) {
  if (doc.plan) return PlanMarkdown(doc, chart_prefix);
  const auto charts = ReportCharts(doc, options);
  std::string m = "# kvsim " + std::string(doc.serve ? "serve" : "capacity") + " report: " +
                  doc.workload.name + "\n\n";
  if (HasServe(doc)) m += ServeMarkdown(doc, options, chart_prefix);
  m += "## At a glance\n\n" + std::string(kSummaryNote) + "\n\n";
  m += MarkdownTable(SummaryCells(PickBudgets(doc, options.targets), options.targets), 1) + "\n";
  if (const ReportChart* t = Find(charts, "tradeoff")) {
    m += "![tradeoff](" + chart_prefix + "tradeoff.svg)\n\n" + t->caption + "\n\n";
  }
  m += "## Workload and run\n\n| | |\n|---|---|\n";
  for (const auto& [k, v] : WorkloadFactsOf(doc)) m += "| " + k + " | " + (k == "command" ? "`" + v + "`" : v) + " |\n";
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

std::vector<ReportFile> RenderReport(const RunDocument& doc, const std::string& path,
                                     const ReportOptions& options) {
  if (IsHtmlPath(path)) return {{path, HtmlReport(doc, options)}};
  const std::string stem = path.substr(0, path.size() - 3);
  const std::string base = stem.substr(stem.find_last_of('/') + 1);
  std::vector<ReportFile> files;
  auto charts = doc.plan ? PlanCharts(doc) : ReportCharts(doc, options);
  if (options.timeline && HasServe(doc) && !doc.plan) {
    for (auto& c : TimelineCharts(doc, *options.timeline)) charts.push_back(std::move(c));
  }
  for (const auto& c : charts) files.push_back({stem + "-" + c.name + ".svg", c.svg});
  files.push_back({path, MarkdownReport(doc, base + "-", options)});
  return files;
}

}  // namespace kvsim
