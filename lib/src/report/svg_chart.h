// Small SVG charts for the capacity report: line charts (one line per strategy, linear or log2
// x axis), horizontal bar charts and scatter charts, with axes, ticks, units and a legend.
// Internal header.
//
// Every series has a style index: its colour (Okabe-Ito, safe for colour-blind readers), marker
// shape and dash pattern. A strategy keeps one style in every chart of a report, and series that
// coincide stay distinguishable by marker and dash. Elements tests look for carry a class:
// "series" (a line), "marker" (a point, positioned by transform="translate(x,y)"), "reference"
// (the budget polyline), "ytick"/"xtick" (tick labels), "bar", "pareto" (a front point).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "timeline_points.h"

namespace kvsim {

struct Series {
  std::string name;
  std::vector<std::pair<double, double>> points;  // (x, y), x ascending
  int style = -1;                                 // colour/marker/dash; -1: the series' position
  // Where the markers go when not at every point (a curve drawn through many points, marked
  // at the swept budgets only).
  std::optional<std::vector<std::pair<double, double>>> marks;
};

struct Axis {
  std::string label;
  enum class Format { kNumber, kPercent, kBytes, kSeconds, kCount } format = Format::kNumber;
  bool log2 = false;      // x only
  bool from_zero = true;  // y only: include 0
};

// `reference`, when given, is drawn as a grey dashed polyline through its points (for the peak
// memory chart: y = budget at each swept budget) and listed in the legend under its name.
std::string LineChart(const std::string& title, const Axis& x, const Axis& y,
                      const std::vector<Series>& series, const Series* reference = nullptr);

struct Bar {
  std::string name;
  double value;
  int style;
};

// Bars scale to an axis that covers the largest value; bars and value labels fit the chart.
std::string BarChart(const std::string& title, const Axis& value, const std::vector<Bar>& bars);

struct ScatterPoint {
  std::string name;
  double x, y;
  int style;
  bool pareto;  // drawn filled, joined by the front's staircase
};

// One marker per point, labelled by name (points at one position share a label). The x axis is
// log10 when its values span more than a factor of 10; `empty_note` is shown when no points.
std::string ScatterChart(const std::string& title, const Axis& x, const Axis& y,
                         const std::vector<ScatterPoint>& points, const std::string& empty_note);

// A serve row's pool and requests over simulated time, to sit two abreast (kTimelineW wide): the
// pool as stacked areas (pinned, then cached, then free up to the budget; class "area"), the
// queued and running requests as lines (class "series") in a panel below. Axes shared by a
// report's charts come in the plot: `time_end` (seconds) and `requests_top`.
struct TimelinePlot {
  std::string title;
  std::vector<PoolPoint> points;
  Axis::Format pool_format = Axis::Format::kCount;  // kCount (tokens) or kBytes
  double pool_top = 1;                              // the pool axis covers [0, pool_top]
  double time_end = 1, requests_top = 1;
};
std::string TimelineChart(const TimelinePlot& plot);
constexpr double kTimelineW = 480;

// Escapes &, <, > and " for HTML and SVG text.
std::string XmlEscape(const std::string& s);

// "1.5 GiB", "12%", "3.2 s", "250k": tick labels.
std::string FormatTick(double v, Axis::Format f);

// Shared drawing pieces of the chart files.
namespace svg {

constexpr double kW = 760, kH = 380, kLeft = 88, kRight = 210, kTop = 40, kBottom = 58;
constexpr double kCharW = 7.0;  // upper bound of a 12px Helvetica character's advance, in px

std::string Num(double v);
// Linear ticks at "nice" steps whose first is <= lo and last >= hi.
std::vector<double> NiceTicks(double lo, double hi, int want = 6);
// Ticks of a value axis whose first is <= lo and last >= hi: NiceTicks, or on byte axes powers
// of two (256 MiB, 512 MiB, ...).
std::vector<double> ValueTicks(double lo, double hi, Axis::Format format);
std::string Header(const std::string& title, double height = kH, double width = kW);
std::string Color(int style);
std::string Dash(int style);  // "" for solid
// A hollow (or, `filled`, solid) marker: hollow markers at one position show every outline of the style's shape centred at (x, y).
std::string Marker(int style, double x, double y, const std::string& cls, const std::string& tip,
                   bool filled = false);
// A legend row at (x, y): line sample with the style's dash and marker, then the name.
std::string LegendRow(int style, double x, double y, const std::string& name);
// `s` cut to `max_chars` characters (UTF-8 safe for ASCII names), with "..." when cut.
std::string Clip(const std::string& s, size_t max_chars);

}  // namespace svg
}  // namespace kvsim
