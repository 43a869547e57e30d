// The serve report on hand-built runs: the timeline kept from the pool samples (a sample per
// 10 ms of simulated time, and the last), its CSV, the chart points (bounded however long the
// run, pool means that still add up to the budget, queue peaks kept), and the report's serve
// table and one timeline chart per row.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "kvsim/plan_report.h"
#include "kvsim/serve_timeline.h"
#include "report/serve_report.h"
#include "report/text_table.h"
#include "report/timeline_points.h"
#include "support/svg_elements.h"

namespace kvsim {
namespace {

using testing::Attr;
using testing::Elements;
using testing::PathPoints;

// A sample of a 100-token pool (or, `bytes`, a 100-byte pool holding a byte per token).
PoolSample Sample(double t, uint64_t pinned, uint64_t cached, uint64_t queued = 0,
                  uint64_t running = 0, bool bytes = false) {
  PoolSample s;
  s.time = t;
  s.pinned_tokens = pinned;
  s.cached_tokens = cached;
  (bytes ? s.pool_bytes : s.pool_tokens) = 100;
  s.held_bytes = pinned + cached;
  s.queued = queued;
  s.running = running;
  return s;
}

DocumentRow ServeRow(const std::string& strategy, const std::string& budget, uint64_t point) {
  DocumentRow r;
  r.point = point;
  r.strategy = strategy;
  r.codec = "fp16";
  r.budget_spec = budget;
  r.token_hit_rate = 0.5;
  r.serve = ServeFigures{};
  r.serve->ttft.p50 = 0.0123 * static_cast<double>(point + 1);
  r.serve->ttft.p99 = 1.5 * static_cast<double>(point + 1);
  return r;
}

RunDocument ServeDoc(size_t rows) {
  RunDocument d;
  d.version = "test";
  d.workload = {"hand-built", "none", "chat", 1, 1, 1, 1, 1};
  d.model = {"m", 1, 1, 1, 1024, 1000.0};
  d.serve = ServeSettings{};
  for (size_t i = 0; i < rows; ++i) d.rows.push_back(ServeRow(i % 2 ? "turboquant" : "radix", "100tok", i));
  return d;
}

TEST_CASE("the timeline keeps its first sample, one per 10 ms after it, and the last") {
  ServeTimeline t;
  for (int i = 0; i <= 1000; ++i) t.Add(1, Sample(0.001 * i, static_cast<uint64_t>(i % 7), 0));
  CHECK(t.rows() == 2);
  CHECK(t.Samples(0).empty());
  CHECK(t.Samples(5).empty());
  const auto& kept = t.Samples(1);
  REQUIRE(kept.size() >= 99);
  CHECK(kept.size() <= 102);
  CHECK(kept.front().time == 0);
  CHECK(kept.back().time == doctest::Approx(1.0));
  CHECK(kept.back().pinned_tokens == 1000 % 7);
  for (size_t i = 1; i + 1 < kept.size(); ++i) CHECK(kept[i].time >= kept[i - 1].time + ServeTimeline::kStep);
}

TEST_CASE("the timeline CSV: free tokens under a token budget, free bytes under a byte budget") {
  RunDocument doc = ServeDoc(2);
  doc.rows[1].budget_spec = "100B";
  ServeTimeline t;
  t.Add(0, Sample(0.5, 30, 50, 2, 1));
  t.Add(1, Sample(0.25, 30, 50, 0, 3, true));
  CHECK(TimelineCsv(t, doc) ==
        "point,strategy,budget,time_s,pinned_tokens,cached_tokens,free_tokens,held_bytes,free_bytes,"
        "queued,running\n"
        "0,\"radix\",\"100tok\",0.500000,30,50,20,80,,2,1\n"
        "1,\"turboquant\",\"100B\",0.250000,30,50,,80,20,0,3\n");
}

TEST_CASE("chart points: at most the limit, pool means that add up to the budget, queue peaks kept") {
  std::vector<PoolSample> samples;
  for (int i = 0; i < 200000; ++i) {
    const auto pinned = static_cast<uint64_t>(i % 60);
    samples.push_back(Sample(0.01 * i, pinned, 90 - pinned, i == 123457 ? 77 : i % 3, 5));
  }
  const auto points = ThinTimeline(samples, samples.back().time, kTimelinePoints);
  CHECK(points.size() <= kTimelinePoints);
  CHECK(points.size() >= kTimelinePoints - 1);
  double most = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    CHECK(points[i].pinned + points[i].cached + points[i].free == doctest::Approx(100));
    CHECK(points[i].free == doctest::Approx(10));
    if (i > 0) CHECK(points[i].time > points[i - 1].time);
    most = std::max(most, points[i].queued);
  }
  CHECK(most == 77);
  CHECK(points.front().time >= 0);
  CHECK(points.back().time <= samples.back().time);
}

TEST_CASE("chart points: each sample holds until the next, weighted by its time") {
  const std::vector<PoolSample> samples = {Sample(0, 10, 0), Sample(1, 40, 0), Sample(4, 0, 0)};
  const auto one = ThinTimeline(samples, 4, 1);
  REQUIRE(one.size() == 1);
  CHECK(one[0].pinned == doctest::Approx((10 * 1 + 40 * 3) / 4.0));
  const auto two = ThinTimeline(samples, 4, 2);
  REQUIRE(two.size() == 2);
  CHECK(two[0].pinned == doctest::Approx(25));  // [0, 2): 10 for 1 s, 40 for 1 s
  CHECK(two[1].pinned == doctest::Approx(40));  // [2, 4]
  CHECK(two[0].time == doctest::Approx(1));
  CHECK(two[1].time == doctest::Approx(3));
}

TEST_CASE("under a byte budget the held bytes are split between pinned and cached by their tokens") {
  PoolSample s = Sample(0, 3, 1, 0, 0, true);
  s.held_bytes = 60;
  const PoolPoint p = PointOf(s);
  CHECK(p.pinned == doctest::Approx(45));
  CHECK(p.cached == doctest::Approx(15));
  CHECK(p.free == doctest::Approx(40));
  CHECK(InBytes({s}));
  CHECK_FALSE(InBytes({Sample(0, 3, 1)}));
}

// The rows of the HTML table that follows `heading`, each as its cells' text.
std::vector<std::vector<std::string>> TableAfter(const std::string& html, const std::string& heading) {
  const size_t from = html.find(heading), to = html.find("</table>", from);
  std::vector<std::vector<std::string>> out;
  for (size_t at = html.find("<tr>", from); at < to; at = html.find("<tr>", at + 1)) {
    std::vector<std::string> cells;
    const size_t end = html.find("</tr>", at);
    for (size_t c = html.find("<td", at); c < end; c = html.find("<td", c + 1)) {
      const size_t open = html.find('>', c) + 1;
      cells.push_back(html.substr(open, html.find('<', open) - open));
    }
    if (!cells.empty()) out.push_back(cells);
  }
  return out;
}

// Every timeline chart of a report: its areas and lines stay within the point limit and the
// chart.
void CheckTimelineCharts(const std::string& html, size_t rows) {
  size_t charts = 0;
  for (size_t at = html.find("<figure class=\"timeline\">"); at != std::string::npos;
       at = html.find("<figure class=\"timeline\">", at + 1)) {
    ++charts;
    const std::string svg = html.substr(at, html.find("</figure>", at) - at);
    size_t areas = 0, lines = 0;
    for (const auto& p : Elements(svg, "path")) {
      const std::string cls = Attr(p.tag, "class"), d = Attr(p.tag, "d");
      areas += cls == "area";
      lines += cls == "series";
      if (cls == "area") CHECK(PathPoints(d) <= kTimelinePoints + 2);
      if (cls == "series") CHECK(PathPoints(d) <= kTimelinePoints);
      for (size_t i = 0; i < d.size(); ++i) {
        if (d[i] != 'M' && d[i] != 'L') continue;
        double x = 0, y = 0;
        REQUIRE(std::sscanf(d.c_str() + i + 1, "%lf,%lf", &x, &y) == 2);
        CHECK(x >= 0);
        CHECK(x <= 480);
        CHECK(y >= 0);
        CHECK(y <= 352);
      }
    }
    CHECK(areas == 3);
    CHECK(lines == 2);
  }
  CHECK(charts == rows);
}

TEST_CASE("the report of a serve run: its table, and one timeline chart per row with bounded points") {
  RunDocument doc = ServeDoc(3);
  doc.rows[1].budget_spec = "100B";
  doc.rows[2].budget_spec = "inf";
  ServeTimeline t;
  for (int i = 0; i < 50000; ++i) {
    t.Add(0, Sample(0.01 * i, i % 50, 40, i % 11, 4));
    t.Add(1, Sample(0.02 * i, i % 30, 20, 0, 2, true));
    PoolSample unbounded = Sample(0.01 * i, 5, static_cast<uint64_t>(i / 100), 0, 1);
    unbounded.pool_tokens = 0;
    t.Add(2, unbounded);
  }
  ReportOptions options;
  options.timeline = &t;
  const std::string html = HtmlReport(doc, options);
  CHECK(html.find("kvsim serve report") != std::string::npos);
  const auto table = TableAfter(html, "<h2>Under load</h2>");
  REQUIRE(table.size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(table[i][0] == doc.rows[i].strategy);
    CHECK(table[i][4] == Seconds(doc.rows[i].serve->ttft.p50));
    CHECK(table[i][5] == Seconds(doc.rows[i].serve->ttft.p99));
  }
  CheckTimelineCharts(html, 3);
  CHECK(html.find("KV pool (tokens)") != std::string::npos);
  CHECK(html.find(">128 B<") != std::string::npos);  // the byte budget's pool axis
}

TEST_CASE("rows of a fleet or of several routers: a fleet column, and titles that name it") {
  RunDocument doc = ServeDoc(2);
  CHECK_FALSE(HasFleet(doc));
  CHECK(ServeCells(doc)[0][2] == "hit rate");
  CHECK(RowTitle(doc, doc.rows[1]) == "turboquant @ 100tok");
  doc.rows[1].serve->router = "cache-aware";
  for (auto& r : doc.rows) r.serve->replicas = 4;
  REQUIRE(HasFleet(doc));
  const Cells cells = ServeCells(doc);
  CHECK(cells[0][2] == "fleet");
  CHECK(cells[1][2] == "4 x round-robin");
  CHECK(cells[2][2] == "4 x cache-aware");
  CHECK(cells[2][5] == Seconds(doc.rows[1].serve->ttft.p50));
  CHECK(RowTitle(doc, doc.rows[1]) == "turboquant @ 100tok, 4 x cache-aware");
  ServeTimeline t;
  ReportOptions options;
  options.timeline = &t;
  CHECK(HtmlReport(doc, options).find(">turboquant @ 100tok, 4 x cache-aware</text>") != std::string::npos);
}

TEST_CASE("a serve report without a timeline has its table; with an empty one, charts that say so") {
  const RunDocument doc = ServeDoc(2);
  const std::string plain = HtmlReport(doc);
  CHECK(plain.find("<h2>Under load</h2>") != std::string::npos);
  CHECK(plain.find("class=\"timeline\"") == std::string::npos);
  ServeTimeline empty;
  ReportOptions options;
  options.timeline = &empty;
  const std::string html = HtmlReport(doc, options);
  const auto charts = TimelineCharts(doc, empty);
  REQUIRE(charts.size() == 2);
  for (const auto& c : charts) {
    CHECK(c.svg.find("no samples") != std::string::npos);
    CHECK(c.svg.find("class=\"area\"") == std::string::npos);
    CHECK(html.find(c.svg) != std::string::npos);
  }
}

TEST_CASE("a Markdown serve report has its timeline charts beside it") {
  const RunDocument doc = ServeDoc(2);
  ServeTimeline t;
  t.Add(0, Sample(0, 1, 2));
  t.Add(1, Sample(0, 1, 2));
  ReportOptions options;
  options.timeline = &t;
  std::vector<std::string> paths;
  for (const auto& f : RenderReport(doc, "out/r.md", options)) paths.push_back(f.path);
  CHECK(std::count(paths.begin(), paths.end(), "out/r-timeline-0.svg") == 1);
  CHECK(std::count(paths.begin(), paths.end(), "out/r-timeline-1.svg") == 1);
  CHECK(paths.back() == "out/r.md");
  const std::string md = RenderReport(doc, "out/r.md", options).back().text;
  CHECK(md.find("![radix @ 100tok](r-timeline-0.svg)") != std::string::npos);
  CHECK(md.find("| radix | 100tok |") != std::string::npos);
}

}  // namespace
}  // namespace kvsim
