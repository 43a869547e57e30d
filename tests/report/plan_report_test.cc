// The capacity report answers at a glance: the summary table's picks, the trade-off chart's
// Pareto front, and chart geometry (everything inside the SVG, the budget line through the
// budgets, axes covering their values, coinciding series told apart), checked on hand-built
// documents whose expected answers are worked out here by hand.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "kvsim/error.h"
#include "kvsim/plan_report.h"
#include "report/plan_summary.h"
#include "support/kvsim_cli.h"
#include "support/svg_elements.h"
#include "support/temp_dir.h"

namespace kvsim {
namespace {

constexpr double kGiB = 1024.0 * 1024 * 1024;

// A result row: `bytes` < 0 is an unbounded ("inf") budget; `attention` < 0 is no probe.
DocumentRow Row(const std::string& strategy, const std::string& spec, double bytes, double hit,
                double attention = -1, double peak = -1, double compression = 1) {
  DocumentRow r;
  r.strategy = strategy;
  r.codec = compression == 1 ? "fp16" : "q4";
  r.budget_spec = spec;
  if (bytes >= 0) r.budget_bytes = static_cast<uint64_t>(bytes);
  r.token_hit_rate = hit;
  r.prefill_tokens = 100;
  r.prefill_gpu_seconds_saved = 1.0;
  r.peak_bytes = static_cast<uint64_t>(peak >= 0 ? peak : (bytes >= 0 ? bytes : 8 * kGiB));
  r.compression_ratio = compression;
  if (attention >= 0) {
    r.attention = AttentionSummary{};
    r.attention->rel_l2_mean = attention;
    r.attention->top8_mean = 0.9;
  }
  return r;
}

DocumentRow TokenRow(const std::string& strategy, const std::string& spec, double tokens, double hit) {
  DocumentRow r = Row(strategy, spec, 0, hit);
  r.budget_bytes.reset();
  r.budget_tokens = static_cast<uint64_t>(tokens);
  return r;
}

RunDocument Doc(const std::vector<DocumentRow>& rows) {
  RunDocument d;
  d.version = "test";
  d.kernels = "scalar";
  d.seed = 1;
  d.workload = {"hand-built", "none", "chat", 1, 1, 1, 1, 1};
  d.model = {"m", 1, 1, 1, 1024, 1000.0};
  d.rows = rows;
  return d;
}

std::string ChartSvg(const RunDocument& doc, const std::string& name, const ReportOptions& o = {}) {
  for (const auto& c : ReportCharts(doc, o)) {
    if (c.name == name) return c.svg;
  }
  FAIL("no chart " << name);
  return "";
}

using testing::Attr;
using testing::Elements;

double Num(const std::string& tag, const std::string& name) { return std::atof(Attr(tag, name).c_str()); }
bool HasClass(const std::string& tag, const std::string& cls) {
  return (" " + Attr(tag, "class") + " ").find(" " + cls + " ") != std::string::npos;
}
// (x, y) of transform="translate(x,y)".
std::pair<double, double> Translate(const std::string& tag) {
  const std::string t = Attr(tag, "transform");
  const size_t open = t.find('('), comma = t.find(',');
  return {std::atof(t.substr(open + 1).c_str()), std::atof(t.substr(comma + 1).c_str())};
}
// The displayed characters of SVG text: an entity or a UTF-8 sequence is one character.
double Chars(const std::string& text) {
  double n = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '&') i = text.find(';', i);
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++n;
  }
  return n;
}

// Every rect and text lies inside the viewBox, a character taken as 0.6 of the font size (wider
// than Helvetica's digits and most letters).
void CheckInside(const std::string& svg) {
  const std::string box = Attr(Elements(svg, "svg").at(0).tag, "viewBox");
  double w = 0, h = 0;
  REQUIRE(std::sscanf(box.c_str(), "0 0 %lf %lf", &w, &h) == 2);
  for (const auto& r : Elements(svg, "rect")) {
    if (Attr(r.tag, "width") == "100%") continue;  // the background
    CHECK(Num(r.tag, "x") >= 0);
    CHECK(Num(r.tag, "x") + Num(r.tag, "width") <= w);
    CHECK(Num(r.tag, "y") + Num(r.tag, "height") <= h);
  }
  for (const auto& t : Elements(svg, "text")) {
    if (!Attr(t.tag, "transform").empty()) continue;  // the rotated y label
    const double size = Attr(t.tag, "font-size").empty() ? 12 : Num(t.tag, "font-size");
    const double len = 0.6 * size * Chars(t.text), x = Num(t.tag, "x");
    const std::string anchor = Attr(t.tag, "text-anchor");
    const double x0 = anchor == "end" ? x - len : anchor == "middle" ? x - len / 2 : x;
    INFO("text: " << t.text);
    CHECK(x0 >= 0);
    CHECK(x0 + len <= w);
    CHECK(Num(t.tag, "y") <= h);
  }
}

TEST_CASE("the attention bar chart fits its largest bar and every label") {
  // The committed support_chat errors: fp16 rounding, two-tier and TurboQuant (the longest).
  const RunDocument doc = Doc({Row("radix", "10%", kGiB, 0.7, 0.0009623928161309255),
                         Row("two-tier", "10%", kGiB, 0.8, 0.09261250464191532, -1, 1.66),
                         Row("turboquant", "10%", kGiB, 0.97, 0.1961082673474196, -1, 3.82)});
  const std::string svg = ChartSvg(doc, "attention");
  CHECK(Elements(svg, "rect").size() == 4);  // background + 3 bars
  CheckInside(svg);
  for (const auto& c : ReportCharts(doc)) {
    INFO("chart: " << c.name);
    CheckInside(c.svg);
  }
}

TEST_CASE("the peak-memory budget line runs through y = budget at each swept budget") {
  // Geometric budgets on a log x axis: a straight line from the first budget to the last misses
  // the middle ones. "full" holds exactly its budget, "half" half of it.
  std::vector<DocumentRow> rows;
  const std::vector<double> budgets = {1 * kGiB, 2 * kGiB, 4 * kGiB, 8 * kGiB, 32 * kGiB};
  for (double b : budgets) {
    rows.push_back(Row("full", std::to_string(int(b / kGiB)) + "GiB", b, 0.5, -1, b));
    rows.push_back(Row("half", std::to_string(int(b / kGiB)) + "GiB", b, 0.4, -1, b / 2));
  }
  const std::string svg = ChartSvg(Doc(rows), "memory");
  const auto lines = Elements(svg, "polyline");
  REQUIRE(lines.size() == 1);
  CHECK(HasClass(lines[0].tag, "reference"));
  std::vector<std::pair<double, double>> vertices;
  std::string pts = Attr(lines[0].tag, "points");
  for (size_t at = 0; at < pts.size();) {
    double x, y;
    REQUIRE(std::sscanf(pts.c_str() + at, "%lf,%lf", &x, &y) == 2);
    vertices.emplace_back(x, y);
    at = pts.find(' ', at);
    at = at == std::string::npos ? pts.size() : at + 1;
  }
  REQUIRE(vertices.size() == budgets.size());
  // The y axis is linear: pixel y is an affine function of the budget through every vertex.
  const double slope = (vertices[4].second - vertices[0].second) / (budgets[4] - budgets[0]);
  for (size_t i = 0; i < budgets.size(); ++i) {
    CHECK(vertices[i].second == doctest::Approx(vertices[0].second + slope * (budgets[i] - budgets[0])).epsilon(0.002));
  }
  // Each marker of "full" (memory == budget) sits on a vertex of the line.
  size_t on_line = 0;
  for (const auto& m : Elements(svg, "path")) {
    if (!HasClass(m.tag, "marker") || svg.find("<title>full: ", svg.find(m.tag)) != svg.find(m.tag) + m.tag.size()) continue;
    const auto xy = Translate(m.tag);
    bool found = false;
    for (const auto& v : vertices) found = found || (std::abs(v.first - xy.first) < 0.06 && std::abs(v.second - xy.second) < 0.06);
    CHECK(found);
    ++on_line;
  }
  CHECK(on_line == budgets.size());
}

TEST_CASE("the compression chart's y axis reaches its largest ratio") {
  const RunDocument doc = Doc({Row("radix", "1GiB", kGiB, 0.5), Row("radix", "2GiB", 2 * kGiB, 0.6),
                         Row("two-tier", "1GiB", kGiB, 0.5, 0.09, -1, 1.55),
                         Row("two-tier", "2GiB", 2 * kGiB, 0.6, 0.09, -1, 1.66),
                         Row("turboquant", "1GiB", kGiB, 0.9, 0.19, -1, 3.8208955223880596),
                         Row("turboquant", "2GiB", 2 * kGiB, 0.9, 0.19, -1, 3.8208955223880596)});
  double top = -1;
  for (const auto& t : Elements(ChartSvg(doc, "compression"), "text")) {
    if (HasClass(t.tag, "ytick")) top = std::max(top, std::atof(t.text.c_str()));
  }
  CHECK(top >= 3.8208955223880596);
}

TEST_CASE("series that coincide differ in dash and marker, in Okabe-Ito colours") {
  std::vector<DocumentRow> rows;
  for (const char* s : {"radix", "block-trie", "belady", "lru-buckets"}) {
    rows.push_back(Row(s, "1GiB", kGiB, 0.7));
    rows.push_back(Row(s, "2GiB", 2 * kGiB, 0.9));
  }
  const std::string svg = ChartSvg(Doc(rows), "hit_rate");
  const std::set<std::string> okabe_ito = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                           "#CC79A7", "#56B4E9", "#000000", "#F0E442"};
  std::set<std::string> paths, dashes, colours;
  size_t lines = 0;
  for (const auto& p : Elements(svg, "path")) {
    if (!HasClass(p.tag, "series")) continue;
    ++lines;
    paths.insert(Attr(p.tag, "d"));
    dashes.insert(Attr(p.tag, "stroke-dasharray"));
    colours.insert(Attr(p.tag, "stroke"));
    CHECK(okabe_ito.count(Attr(p.tag, "stroke")) == 1);
  }
  CHECK(lines == 4);
  CHECK(paths.size() == 1);   // the four lines coincide...
  CHECK(dashes.size() == 4);  // ...yet each has its own dash pattern,
  CHECK(colours.size() == 4);
  std::set<std::string> shapes;  // and its own marker shape
  for (const auto& m : Elements(svg, "path")) {
    if (HasClass(m.tag, "marker")) shapes.insert(Attr(m.tag, "d"));
  }
  CHECK(shapes.size() == 4);
}

// The cells of the first Markdown table after `heading`, keyed by the first cell.
std::map<std::string, std::vector<std::string>> MarkdownRows(const std::string& md, const std::string& heading) {
  std::map<std::string, std::vector<std::string>> rows;
  size_t at = md.find("| ", md.find(heading));
  while (at != std::string::npos && md.compare(at, 1, "|") == 0) {
    const size_t end = md.find('\n', at);
    std::vector<std::string> cells;
    for (size_t c = at + 1; c < end;) {
      const size_t bar = md.find('|', c);
      std::string cell = md.substr(c, bar - c);
      cells.push_back(cell.substr(1, cell.size() - 2));
      c = bar + 1;
    }
    if (md.compare(at, 4, "|---") != 0) rows[cells[0]] = cells;  // not the |---| line
    at = end + 1;
  }
  return rows;
}

TEST_CASE("the summary table picks each strategy's smallest budget reaching each target") {
  // fp16 prices a token at 1024 bytes, so 100tok is 100 KiB. Rows are deliberately out of
  // budget order. By hand:
  //   A: 1GiB .79, 4GiB .93, 2GiB .85, inf .97 -> 50: 1GiB, 80: 2GiB, 90: 4GiB, 95: inf
  //   B: 100tok .50 (exactly 50%), 1MiB .92   -> 50: 100tok, 80 and 90: 1MiB, 95: not reached
  //   C: 1GiB .60, inf .95 (no probe)         -> 50: 1GiB, 80 to 95: inf
  const RunDocument doc = Doc({Row("A", "1GiB", kGiB, 0.79, 0.01), Row("A", "4GiB", 4 * kGiB, 0.93, 0.01),
                         Row("A", "2GiB", 2 * kGiB, 0.85, 0.01), Row("A", "inf", -1, 0.97, 0.01),
                         TokenRow("B", "100tok", 100, 0.5), Row("B", "1MiB", 1024 * 1024, 0.92, 0.25),
                         Row("C", "1GiB", kGiB, 0.6), Row("C", "inf", -1, 0.95)});
  const std::string md = MarkdownReport(doc, "r-");
  const auto rows = MarkdownRows(md, "## At a glance");
  REQUIRE(rows.size() == 4);  // header + A, B, C
  CHECK(rows.at("strategy") == std::vector<std::string>{"strategy", "rel-L2", "hit rate >= 50%",
                                                        "hit rate >= 80%", "hit rate >= 90%", "hit rate >= 95%"});
  CHECK(rows.at("A") == std::vector<std::string>{"A", "0.0100", "1GiB (1 GiB)", "2GiB (2 GiB)", "4GiB (4 GiB)",
                                                 "inf (unbounded)"});
  CHECK(rows.at("B") == std::vector<std::string>{"B", "0.2500", "100tok (100 KiB at fp16)", "1MiB (1 MiB)",
                                                 "1MiB (1 MiB)", "not reached"});
  CHECK(rows.at("C") == std::vector<std::string>{"C", "-", "1GiB (1 GiB)", "inf (unbounded)", "inf (unbounded)",
                                                 "inf (unbounded)"});
  // At the top: before the workload and the other charts.
  CHECK(md.find("## At a glance") < md.find("## Workload and run"));
  const std::string html = HtmlReport(doc);
  CHECK(html.find("<h2>At a glance</h2>") < html.find("<h2>Workload and run</h2>"));
  CHECK(html.find("<td class=\"n\">100tok (100 KiB at fp16)</td>") != std::string::npos);
  // Trade-off target: of the probed A and B, both reach 90% at a bounded budget, neither 95%.
  CHECK(ChartSvg(doc, "tradeoff").find("Memory for a 90% token hit rate") != std::string::npos);
  // Other targets, as --targets gives them.
  ReportOptions o;
  o.targets = {60};
  const auto r60 = MarkdownRows(MarkdownReport(doc, "r-", o), "## At a glance");
  CHECK(r60.at("A") == std::vector<std::string>{"A", "0.0100", "1GiB (1 GiB)"});
  CHECK(r60.at("B") == std::vector<std::string>{"B", "0.2500", "1MiB (1 MiB)"});
}

TEST_CASE("Pareto front: points no other point beats on both axes") {
  // (attention error, bytes): (3,4) loses to (2,3); (5,5) to all; the two (2,3) tie and stay.
  const std::vector<std::pair<double, double>> pts = {{1, 5}, {2, 3}, {3, 4}, {4, 1}, {2, 3}, {5, 5}, {4, 2}};
  CHECK(ParetoFront(pts) == std::vector<bool>{true, true, false, true, true, false, false});
  // The same shape in the trade-off chart: every strategy reaches 95% at its one budget.
  const RunDocument doc = Doc({Row("p1", "4GiB", 4 * kGiB, 0.99, 0.001), Row("p2", "2GiB", 2 * kGiB, 0.99, 0.01),
                         Row("p3", "2GiB", 2 * kGiB, 0.99, 0.02), Row("p4", "1GiB", 1 * kGiB, 0.99, 0.1),
                         Row("p5", "4GiB", 4 * kGiB, 0.99, 0.2)});
  const std::string svg = ChartSvg(doc, "tradeoff");
  CHECK(svg.find("95% token hit rate") != std::string::npos);
  std::set<std::string> marked, plotted;
  for (const auto& m : Elements(svg, "path")) {
    if (!HasClass(m.tag, "marker")) continue;
    const size_t title = svg.find("<title>", svg.find(m.tag)) + 7;
    const std::string name = svg.substr(title, svg.find(':', title) - title);
    if (HasClass(m.tag, "pareto")) marked.insert(name);
    plotted.insert(name);
  }
  CHECK(marked == std::set<std::string>{"p1", "p2", "p4"});
  CHECK(plotted.count("p3") == 1);
  CHECK(plotted.count("p5") == 1);
  CheckInside(svg);
}

TEST_CASE("--targets: percentages in (0,100], anything else an error naming the option") {
  CHECK(ParseTargets("--targets", "95,50,80,50") == std::vector<double>{50, 80, 95});
  CHECK(ParseTargets("--targets", "99.9,100,80%") == std::vector<double>{80, 99.9, 100});
  for (const char* bad : {"", "0", "-5", "101", "50,,80", "abc", "50x", "nan", "inf", "50,"}) {
    INFO("--targets " << bad);
    CHECK_THROWS_WITH_AS(ParseTargets("--targets", bad), doctest::Contains("--targets"), Error);
  }
  testing::TempDir dir;
  auto sweep = testing::RunKvsim("sweep workloads/support_chat.json --targets 0,50 --report " + dir.Path("r.html"));
  CHECK(sweep.code == 2);
  CHECK(sweep.out.find("--targets '0,50'") != std::string::npos);
  auto merge = testing::RunKvsim("merge results/support_chat.json --json " + dir.Path("m.json") +
                                 " --report " + dir.Path("m.html") + " --targets 120");
  CHECK(merge.code == 2);
  CHECK(merge.out.find("--targets '120'") != std::string::npos);
  auto ok = testing::RunKvsim("merge results/support_chat.json --json " + dir.Path("m.json") +
                              " --report " + dir.Path("m.md") + " --targets 75");
  CHECK(ok.code == 0);
  CHECK(testing::Slurp(dir.Path("m.md")).find("| hit rate >= 75% |") != std::string::npos);
}

}  // namespace
}  // namespace kvsim
