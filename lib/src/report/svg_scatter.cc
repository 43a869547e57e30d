// Scatter charts (see svg_chart.h): the report's memory / attention-error trade-off.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "svg_chart.h"

namespace kvsim {
namespace {

using namespace svg;

constexpr double kPw = kW - kLeft - kRight, kPh = kH - kTop - kBottom;
constexpr double kInset = 12;  // points clear the y axis and the plot's right edge

// The x axis: log10 between powers of ten when the values span more than a factor of 10
// (attention errors of fp16 and 3-bit codecs differ by orders of magnitude), linear from 0
// otherwise.
struct XScale {
  bool log10 = false;
  std::vector<double> ticks;
  double Map(double v) const {
    const double lo = ticks.front(), hi = ticks.back();
    const double t = log10 ? (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo))
                           : (v - lo) / (hi - lo);
    return kLeft + kInset + t * (kPw - 2 * kInset);
  }
};

XScale FitX(const std::vector<ScatterPoint>& points, const Axis& x) {
  double lo = 1e300, hi = 0;
  for (const auto& p : points) {
    lo = std::min(lo, p.x);
    hi = std::max(hi, p.x);
  }
  XScale s;
  s.log10 = lo > 0 && hi / lo > 10;
  if (!s.log10) {
    s.ticks = ValueTicks(0, hi > 0 ? hi : 1, x.format);
    return s;
  }
  const double first = std::floor(std::log10(lo) + 1e-9), last = std::ceil(std::log10(hi) - 1e-9);
  for (double e = first; e <= last; e += std::max(1.0, std::ceil((last - first) / 8))) {
    s.ticks.push_back(std::pow(10, e));
  }
  if (s.ticks.back() < hi) s.ticks.push_back(std::pow(10, last));  // the top decade covers hi
  return s;
}

std::string Grid(const XScale& xs, const std::vector<double>& yt, double y1, const Axis& x,
                 const Axis& y) {
  auto fy = [&](double v) { return kTop + kPh - v / y1 * kPh; };
  std::string svg;
  for (double t : yt) {
    svg += "<line x1=\"" + Num(kLeft) + "\" x2=\"" + Num(kLeft + kPw) + "\" y1=\"" + Num(fy(t)) +
           "\" y2=\"" + Num(fy(t)) + "\" stroke=\"#e5e5e5\"/>\n";
    svg += "<text class=\"ytick\" x=\"" + Num(kLeft - 6) + "\" y=\"" + Num(fy(t) + 4) +
           "\" text-anchor=\"end\">" + XmlEscape(FormatTick(t, y.format)) + "</text>\n";
  }
  for (double t : xs.ticks) {
    svg += "<line x1=\"" + Num(xs.Map(t)) + "\" x2=\"" + Num(xs.Map(t)) + "\" y1=\"" + Num(kTop) +
           "\" y2=\"" + Num(kTop + kPh) + "\" stroke=\"#f0f0f0\"/>\n";
    svg += "<text class=\"xtick\" x=\"" + Num(xs.Map(t)) + "\" y=\"" + Num(kTop + kPh + 16) +
           "\" text-anchor=\"middle\">" + XmlEscape(FormatTick(t, x.format)) + "</text>\n";
  }
  svg += "<line x1=\"" + Num(kLeft) + "\" x2=\"" + Num(kLeft) + "\" y1=\"" + Num(kTop) + "\" y2=\"" +
         Num(kTop + kPh) + "\" stroke=\"#333\"/>\n";
  svg += "<line x1=\"" + Num(kLeft) + "\" x2=\"" + Num(kLeft + kPw) + "\" y1=\"" + Num(kTop + kPh) +
         "\" y2=\"" + Num(kTop + kPh) + "\" stroke=\"#333\"/>\n";
  svg += "<text x=\"" + Num(kLeft + kPw / 2) + "\" y=\"" + Num(kH - 12) +
         "\" text-anchor=\"middle\" font-size=\"13\">" + XmlEscape(x.label) +
         (xs.log10 ? " (log scale)" : "") + "</text>\n";
  svg += "<text transform=\"translate(14," + Num(kTop + kPh / 2) +
         ") rotate(-90)\" text-anchor=\"middle\" font-size=\"13\">" + XmlEscape(y.label) + "</text>\n";
  return svg;
}

// The front as a staircase: right along a point's y to the next point's x, then down to it.
std::string FrontPath(std::vector<std::pair<double, double>> front) {
  std::sort(front.begin(), front.end());
  std::string d;
  for (size_t i = 0; i < front.size(); ++i) {
    if (i == 0) d = "M" + Num(front[i].first) + "," + Num(front[i].second);
    else d += " H" + Num(front[i].first) + " V" + Num(front[i].second);
  }
  return front.size() < 2 ? "" : "<path class=\"front\" d=\"" + d +
                                     "\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.5\" "
                                     "stroke-dasharray=\"6,3\"/>\n";
}

struct Box {
  double x0, x1, y;  // a label's extent and baseline
};

// The first baseline from `y` (then 14 px further up, down, ...) whose label overlaps none
// already placed: close points keep readable labels.
double FreeBaseline(const std::vector<Box>& placed, double x0, double x1, double y) {
  for (int i = 0; i < 12; ++i) {
    const double c = y + (i % 2 ? 14.0 : -14.0) * ((i + 1) / 2);
    bool clear = c - 12 >= kTop - 10 && c <= kTop + kPh - 4;
    for (const auto& b : placed) clear = clear && (x1 < b.x0 || x0 > b.x1 || std::fabs(c - b.y) >= 14);
    if (clear) return c;
  }
  return y;
}

// One label per occupied position, beside the points: right, or left when only that side has
// room for it; cut to the roomier side otherwise. Above the point, clear of the front's
// horizontal runs (below it at the top of the plot), moved off labels already placed.
std::string Labels(const std::map<std::pair<double, double>, std::string>& at) {
  std::string svg;
  std::vector<Box> placed;
  for (const auto& [pos, names] : at) {
    const double need = kCharW * static_cast<double>(names.size());
    const double room_right = kLeft + kPw - pos.first - 6, room_left = pos.first - 6 - kLeft;
    const bool right = need <= room_right || (need > room_left && room_right >= room_left);
    const auto fit = static_cast<size_t>(std::max(4.0, (right ? room_right : room_left) / kCharW));
    const std::string text = Clip(names, fit);
    const double w = kCharW * static_cast<double>(text.size());
    const double x = right ? pos.first + 6 : pos.first - 6, x0 = right ? x : x - w;
    const double y = FreeBaseline(placed, x0, x0 + w, pos.second - 17 < kTop - 10 ? pos.second + 16 : pos.second - 7);
    placed.push_back({x0, x0 + w, y});
    svg += "<text x=\"" + Num(x) + "\" y=\"" + Num(y) + "\"" + (right ? "" : " text-anchor=\"end\"") +
           ">" + XmlEscape(text) + "<title>" + XmlEscape(names) + "</title></text>\n";
  }
  return svg;
}

}  // namespace

std::string ScatterChart(const std::string& title, const Axis& x, const Axis& y,
                         const std::vector<ScatterPoint>& points, const std::string& empty_note) {
  std::string svg = Header(title);
  if (points.empty()) {
    return svg + "<text x=\"" + Num(kW / 2) + "\" y=\"" + Num(kH / 2) +
           "\" text-anchor=\"middle\">" + XmlEscape(empty_note) + "</text>\n</svg>\n";
  }
  double ymax = 0;
  for (const auto& p : points) ymax = std::max(ymax, p.y);
  const XScale xs = FitX(points, x);
  const auto yt = ValueTicks(0, ymax > 0 ? ymax : 1, y.format);
  auto fy = [&](double v) { return kTop + kPh - v / yt.back() * kPh; };
  svg += Grid(xs, yt, yt.back(), x, y);
  std::vector<std::pair<double, double>> front;
  std::map<std::pair<double, double>, std::string> names;
  for (const auto& p : points) {
    const std::pair<double, double> at{xs.Map(p.x), fy(p.y)};
    if (p.pareto) front.push_back(at);
    auto& n = names[{std::round(at.first), std::round(at.second)}];
    n += (n.empty() ? "" : ", ") + p.name;
  }
  svg += FrontPath(front);
  const double lx = kW - kRight + 12;
  std::set<int> listed;
  double ly = kTop + 10;
  for (const auto& p : points) {
    svg += Marker(p.style, xs.Map(p.x), fy(p.y), p.pareto ? "pareto" : "",
                  p.name + ": " + FormatTick(p.x, x.format) + ", " + FormatTick(p.y, y.format) +
                      (p.pareto ? " (Pareto front)" : ""),
                  p.pareto);
    if (listed.insert(p.style).second) {
      svg += LegendRow(p.style, lx, ly, p.name);
      ly += 20;
    }
  }
  svg += Labels(names);
  svg += "<text x=\"" + Num(lx) + "\" y=\"" + Num(ly + 8) + "\">filled: Pareto front</text>\n";
  svg += "<text x=\"" + Num(lx) + "\" y=\"" + Num(ly + 24) + "\">(no point is lower</text>\n";
  svg += "<text x=\"" + Num(lx) + "\" y=\"" + Num(ly + 40) + "\">on both axes)</text>\n";
  return svg + "</svg>\n";
}

}  // namespace kvsim
