// The serve sections of a report (see serve_report.h).
#include "serve_report.h"

#include <algorithm>
#include <set>

#include "kvsim/serve_table.h"
#include "svg_chart.h"
#include "text_table.h"

namespace kvsim {

bool HasServe(const RunDocument& doc) {
  return std::any_of(doc.rows.begin(), doc.rows.end(), [](const DocumentRow& r) { return r.serve.has_value(); });
}

bool HasFleet(const RunDocument& doc) {
  std::set<std::string> routers;
  for (const DocumentRow& r : doc.rows) {
    if (!r.serve) continue;
    if (r.serve->replicas > 1) return true;
    routers.insert(r.serve->router);
  }
  return routers.size() > 1;
}

namespace {
std::string FleetText(const ServeFigures& f) { return std::to_string(f.replicas) + " x " + f.router; }
}  // namespace

std::string RowTitle(const RunDocument& doc, const DocumentRow& row) {
  const std::string title = row.strategy + " @ " + BudgetText(row);
  return row.serve && HasFleet(doc) ? title + ", " + FleetText(*row.serve) : title;
}

Cells ServeCells(const RunDocument& doc) {
  const bool fleet = HasFleet(doc);
  Cells cells = {{"strategy", "budget", "hit rate", "idle hit", "TTFT p50", "TTFT p99", "wait p99",
                  "TPOT p50", "req/s", "out tok/s", "rejected", "preempted"}};
  if (fleet) cells[0].insert(cells[0].begin() + 2, "fleet");
  for (const DocumentRow& r : doc.rows) {
    if (!r.serve) continue;
    const ServeFigures& f = *r.serve;
    cells.push_back({r.strategy, BudgetText(r), Percent(r.token_hit_rate, 2),
                     Percent(f.pooled_token_hit_rate, 2), Seconds(f.ttft.p50), Seconds(f.ttft.p99),
                     Seconds(f.queue_wait.p99), Seconds(f.tpot.p50), Fixed(f.requests_per_s, 2),
                     Fixed(f.output_tokens_per_s, 0), std::to_string(f.rejected_requests),
                     std::to_string(f.preempted_requests)});
    if (fleet) cells.back().insert(cells.back().begin() + 2, FleetText(f));
  }
  return cells;
}

namespace {

// The pool axis' range: the budget, or the most the pool held when unbounded.
double PoolTop(const std::vector<PoolSample>& samples, const std::vector<PoolPoint>& points) {
  if (samples.empty()) return 1;
  if (InBytes(samples)) return static_cast<double>(samples.front().pool_bytes);
  if (samples.front().pool_tokens > 0) return static_cast<double>(samples.front().pool_tokens);
  double top = 1;
  for (const PoolPoint& p : points) top = std::max(top, p.pinned + p.cached);
  return top;
}

size_t RowPoint(const RunDocument& doc, size_t i) { return doc.rows[i].point.value_or(i); }

// Row i's chart over [0, end] seconds, its requests axis still to be shared.
TimelinePlot PlotOf(const RunDocument& doc, size_t i, const ServeTimeline& timeline, double end) {
  const auto& samples = timeline.Samples(RowPoint(doc, i));
  TimelinePlot p;
  p.title = RowTitle(doc, doc.rows[i]);
  p.points = ThinTimeline(samples, end, kTimelinePoints);
  p.pool_format = InBytes(samples) ? Axis::Format::kBytes : Axis::Format::kCount;
  p.pool_top = PoolTop(samples, p.points);
  p.time_end = end;
  return p;
}

}  // namespace

std::vector<ReportChart> TimelineCharts(const RunDocument& doc, const ServeTimeline& timeline) {
  double end = 0, requests = 0;
  for (size_t i = 0; i < doc.rows.size(); ++i) {
    const auto& s = timeline.Samples(RowPoint(doc, i));
    if (!s.empty()) end = std::max(end, s.back().time);
  }
  std::vector<TimelinePlot> plots;
  for (size_t i = 0; i < doc.rows.size(); ++i) {
    plots.push_back(PlotOf(doc, i, timeline, end));
    for (const PoolPoint& q : plots.back().points) requests = std::max({requests, q.queued, q.running});
  }
  std::vector<ReportChart> charts;
  for (size_t i = 0; i < plots.size(); ++i) {
    plots[i].requests_top = requests;
    charts.push_back({"timeline-" + std::to_string(RowPoint(doc, i)), TimelineChart(plots[i]), ""});
  }
  return charts;
}

namespace {

const char kServeNote[] =
    "Hit rate: under load; idle hit: kvsim run's at the same budget (pooled_token_hit_rate). "
    "TTFT: arrival to first token; wait: arrival to admission; TPOT: per output token after the "
    "first; req/s and out tok/s: completed over the served span. Rejected: requests that cannot "
    "fit in the pool even alone; preempted: preemptions (incremental admission).";

const char kFleetNote[] =
    " Fleet: replicas x router, each replica with the whole budget; a chart sums its fleet.";

std::string ServeNote(const RunDocument& doc) {
  return std::string(kServeNote) + (HasFleet(doc) ? kFleetNote : "");
}

std::string TimelineNote() {
  return "One chart per row over simulated time, the same time and requests axes in every chart. "
         "Top: the KV pool, stacked: pinned by running requests (their hit prefix and reserved "
         "KV), cached by the index (evictable), free up to the budget; in tokens, or in bytes "
         "under a byte budget (the held bytes split between pinned and cached in proportion to "
         "their tokens, exact unless the codec keeps a hot tier). Each point is the time-weighted "
         "mean over 1/" + std::to_string(kTimelinePoints) + " of the time axis. Bottom: queued and "
         "running requests, the most in each such interval.";
}

}  // namespace

std::string ServeHtml(const RunDocument& doc, const ReportOptions& options) {
  std::string h = "<h2>Under load</h2>\n";
  if (doc.serve) h += "<p>Replica: " + XmlEscape(ReplicaText(doc)) + ".</p>\n";
  h += HtmlTable(ServeCells(doc), HasFleet(doc) ? 3 : 2) + "<p>" + XmlEscape(ServeNote(doc)) + "</p>\n";
  if (!options.timeline) return h;
  h += "<h2>Pool and queue over time</h2>\n<p>" + XmlEscape(TimelineNote()) +
       "</p>\n<div class=\"multiples\">\n";
  for (const auto& c : TimelineCharts(doc, *options.timeline)) {
    h += "<figure class=\"timeline\">" + c.svg + "</figure>\n";
  }
  return h + "</div>\n";
}

std::string ServeMarkdown(const RunDocument& doc, const ReportOptions& options,
                          const std::string& chart_prefix) {
  std::string m = "## Under load\n\n";
  if (doc.serve) m += "Replica: " + ReplicaText(doc) + ".\n\n";
  m += MarkdownTable(ServeCells(doc), HasFleet(doc) ? 3 : 2) + "\n" + ServeNote(doc) + "\n\n";
  if (!options.timeline) return m;
  m += "## Pool and queue over time\n\n" + TimelineNote() + "\n\n";
  const auto charts = TimelineCharts(doc, *options.timeline);
  for (size_t i = 0; i < charts.size(); ++i) {
    m += "![" + RowTitle(doc, doc.rows[i]) + "](" + chart_prefix + charts[i].name + ".svg)\n";
  }
  return m + "\n";
}

}  // namespace kvsim
