// Timeline charts (see svg_chart.h): a serve row's pool and requests over simulated time.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "svg_chart.h"

namespace kvsim {
namespace {

using namespace svg;

constexpr double kLeftT = 80, kRightT = 16, kPw = kTimelineW - kLeftT - kRightT;
constexpr double kPoolTop = 56, kPoolH = 150, kReqTop = 226, kReqH = 72;
constexpr double kHeightT = kReqTop + kReqH + 54;

const char kPinned[] = "#D55E00", kCached[] = "#56B4E9", kFree[] = "#ebebeb";
const char kQueued[] = "#CC79A7", kRunning[] = "#009E73", kQueuedDash[] = "4,2";

// The time axis in a unit that keeps its labels short: hours, minutes or seconds.
struct TimeAxis {
  double unit = 1;
  const char* name = "s";
  std::vector<double> ticks;  // in `unit`, from 0
  explicit TimeAxis(double end) {
    if (end >= 3 * 3600) unit = 3600, name = "h";
    else if (end >= 180) unit = 60, name = "min";
    ticks = NiceTicks(0, std::max(end / unit, 1e-9), 5);
  }
  double X(double seconds) const { return kLeftT + seconds / unit / ticks.back() * kPw; }
};

// One panel's value axis: [0, ticks.back()] over [top, top + height].
struct Panel {
  double top, height;
  std::vector<double> ticks;
  double Y(double v) const { return top + height - v / ticks.back() * height; }
};

std::string Grid(const Panel& p, const TimeAxis& t, Axis::Format f, const char* label) {
  std::string svg;
  for (double v : p.ticks) {
    svg += "<line x1=\"" + Num(kLeftT) + "\" x2=\"" + Num(kLeftT + kPw) + "\" y1=\"" + Num(p.Y(v)) +
           "\" y2=\"" + Num(p.Y(v)) + "\" stroke=\"#e5e5e5\"/>\n";
    svg += "<text class=\"ytick\" x=\"" + Num(kLeftT - 6) + "\" y=\"" + Num(p.Y(v) + 4) +
           "\" text-anchor=\"end\">" + XmlEscape(FormatTick(v, f)) + "</text>\n";
  }
  for (double v : t.ticks) {
    const double x = kLeftT + v / t.ticks.back() * kPw;
    svg += "<line x1=\"" + Num(x) + "\" x2=\"" + Num(x) + "\" y1=\"" + Num(p.top) + "\" y2=\"" +
           Num(p.top + p.height) + "\" stroke=\"#f0f0f0\"/>\n";
  }
  return svg + "<text transform=\"translate(16," + Num(p.top + p.height / 2) +
         ") rotate(-90)\" text-anchor=\"middle\" font-size=\"13\">" + label + "</text>\n";
}

// The y and time axes of a panel, drawn over its data.
std::string AxisLines(const Panel& p) {
  return "<polyline points=\"" + Num(kLeftT) + "," + Num(p.top) + " " + Num(kLeftT) + "," +
         Num(p.top + p.height) + " " + Num(kLeftT + kPw) + "," + Num(p.top + p.height) +
         "\" fill=\"none\" stroke=\"#333\"/>\n";
}

std::string TimeTicks(const TimeAxis& t) {
  std::string svg;
  const double y = kReqTop + kReqH;
  for (double v : t.ticks) {
    char label[32];
    std::snprintf(label, sizeof label, "%g", v);
    svg += "<text class=\"xtick\" x=\"" + Num(kLeftT + v / t.ticks.back() * kPw) + "\" y=\"" +
           Num(y + 16) + "\" text-anchor=\"middle\">" + label + "</text>\n";
  }
  return svg + "<text x=\"" + Num(kLeftT + kPw / 2) + "\" y=\"" + Num(y + 40) +
         "\" text-anchor=\"middle\" font-size=\"13\">simulated time (" + t.name + ")</text>\n";
}

// The area under `value` down to the panel's floor: the points, then two corners on the floor.
template <class F>
std::string Area(const std::vector<PoolPoint>& pts, const TimeAxis& t, const Panel& p, F value,
                 const char* color, const char* name) {
  const double floor = p.top + p.height;
  std::string d = "M" + Num(t.X(pts.front().time)) + "," + Num(floor);
  for (const PoolPoint& q : pts) d += " L" + Num(t.X(q.time)) + "," + Num(p.Y(value(q)));
  d += " L" + Num(t.X(pts.back().time)) + "," + Num(floor) + " Z";
  return "<path class=\"area\" d=\"" + d + "\" fill=\"" + color + "\"><title>" + name +
         "</title></path>\n";
}

template <class F>
std::string Line(const std::vector<PoolPoint>& pts, const TimeAxis& t, const Panel& p, F value,
                 const char* color, const char* dash, const char* name) {
  std::string d;
  for (const PoolPoint& q : pts) d += (d.empty() ? "M" : " L") + Num(t.X(q.time)) + "," + Num(p.Y(value(q)));
  return "<path class=\"series\" d=\"" + d + "\" fill=\"none\" stroke=\"" + color +
         "\" stroke-width=\"1.5\"" + (*dash ? std::string(" stroke-dasharray=\"") + dash + "\"" : "") +
         "><title>" + name + "</title></path>\n";
}

// One row under the title: swatches for the areas, line samples for the requests.
std::string Legend() {
  struct Item {
    const char *name, *color, *dash;  // dash: nullptr for an area
  };
  const Item items[] = {{"pinned", kPinned, nullptr}, {"cached", kCached, nullptr},
                        {"free", kFree, nullptr},     {"queued", kQueued, kQueuedDash},
                        {"running", kRunning, ""}};
  std::string svg;
  double x = kLeftT;
  const double y = 40;
  for (const Item& i : items) {
    svg += !i.dash ? "<rect x=\"" + Num(x) + "\" y=\"" + Num(y - 5) + "\" width=\"12\" height=\"10\" fill=\"" +
                        i.color + "\" stroke=\"#999\" stroke-width=\"0.5\"/>\n"
                  : "<line x1=\"" + Num(x) + "\" x2=\"" + Num(x + 12) + "\" y1=\"" + Num(y) + "\" y2=\"" +
                        Num(y) + "\" stroke=\"" + i.color + "\" stroke-width=\"2\"" +
                        (*i.dash ? std::string(" stroke-dasharray=\"") + i.dash + "\"" : "") + "/>\n";
    svg += "<text x=\"" + Num(x + 16) + "\" y=\"" + Num(y + 4) + "\">" + i.name + "</text>\n";
    x += 16 + kCharW * static_cast<double>(std::char_traits<char>::length(i.name)) + 18;
  }
  return svg;
}

// The stacked pool areas, drawn back to front so each covers the part below it, then the lines
// (the queue on top: it is what grows under load).
std::string Data(const std::vector<PoolPoint>& pts, const TimeAxis& t, const Panel& pool,
                 const Panel& req) {
  std::string svg;
  svg += Area(pts, t, pool, [](const PoolPoint& q) { return q.pinned + q.cached + q.free; }, kFree, "free");
  svg += Area(pts, t, pool, [](const PoolPoint& q) { return q.pinned + q.cached; }, kCached, "cached");
  svg += Area(pts, t, pool, [](const PoolPoint& q) { return q.pinned; }, kPinned, "pinned");
  svg += Line(pts, t, req, [](const PoolPoint& q) { return q.running; }, kRunning, "", "running");
  svg += Line(pts, t, req, [](const PoolPoint& q) { return q.queued; }, kQueued, kQueuedDash, "queued");
  return svg;
}

}  // namespace

std::string TimelineChart(const TimelinePlot& plot) {
  std::string svg = Header(Clip(plot.title, 52), kHeightT, kTimelineW);
  const TimeAxis t(plot.time_end);
  const bool bytes = plot.pool_format == Axis::Format::kBytes;  // tick labels carry the unit
  const Panel pool{kPoolTop, kPoolH, ValueTicks(0, std::max(plot.pool_top, 1.0), plot.pool_format)};
  const Panel req{kReqTop, kReqH, NiceTicks(0, std::max(plot.requests_top, 3.0), 3)};
  svg += Legend() + Grid(pool, t, plot.pool_format, bytes ? "KV pool" : "KV pool (tokens)") +
         Grid(req, t, Axis::Format::kNumber, "requests") + TimeTicks(t);
  if (plot.points.empty()) {
    svg += "<text x=\"" + Num(kLeftT + kPw / 2) + "\" y=\"" + Num(kPoolTop + kPoolH / 2) +
           "\" text-anchor=\"middle\">no samples</text>\n";
  } else {
    svg += Data(plot.points, t, pool, req);
  }
  return svg + AxisLines(pool) + AxisLines(req) + "</svg>\n";
}

}  // namespace kvsim
