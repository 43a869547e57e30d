// Line charts (see svg_chart.h): one line per series over a linear or log2 x axis.
#include <algorithm>
#include <cmath>

#include "svg_chart.h"

namespace kvsim {
namespace {

using namespace svg;

// Space between the y axis (and the plot's right edge) and the outermost points, so markers
// clear the axis and its tick labels.
constexpr double kInset = 12;

// The plot area and the data-to-pixel maps of one chart.
struct Frame {
  double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
  bool logx = false;
  std::vector<double> yticks;
  static constexpr double pw = kW - kLeft - kRight, ph = kH - kTop - kBottom;

  void Add(const std::vector<std::pair<double, double>>& points) {
    for (const auto& [px, py] : points) {
      x0 = std::min(x0, px);
      x1 = std::max(x1, px);
      y0 = std::min(y0, py);
      y1 = std::max(y1, py);
    }
  }
  double X(double v) const {
    const double t = logx ? (std::log2(v) - std::log2(x0)) / std::max(1e-12, std::log2(x1) - std::log2(x0))
                          : (x1 > x0 ? (v - x0) / (x1 - x0) : 0.5);
    return kLeft + kInset + t * (pw - 2 * kInset);
  }
  double Y(double v) const { return kTop + ph - (v - y0) / (y1 - y0) * ph; }
};

// Fixes the y range so that its ticks cover every value: the top tick is >= the largest one.
void FitY(const Axis& y, Frame* f) {
  if (y.from_zero) f->y0 = std::min(0.0, f->y0);
  if (y.format == Axis::Format::kPercent) f->y1 = std::max(f->y1, std::min(1.0, f->y1 * 1.05));
  if (f->y1 <= f->y0) f->y1 = f->y0 + 1;
  f->yticks = ValueTicks(f->y0, f->y1, y.format);
  f->y0 = f->yticks.front();
  f->y1 = f->yticks.back();
}

std::string YTicks(const Frame& f, const Axis& y) {
  std::string svg;
  for (double t : f.yticks) {
    svg += "<line x1=\"" + Num(kLeft) + "\" x2=\"" + Num(kLeft + f.pw) + "\" y1=\"" + Num(f.Y(t)) +
           "\" y2=\"" + Num(f.Y(t)) + "\" stroke=\"#e5e5e5\"/>\n";
    svg += "<text class=\"ytick\" x=\"" + Num(kLeft - 6) + "\" y=\"" + Num(f.Y(t) + 4) +
           "\" text-anchor=\"end\">" + XmlEscape(FormatTick(t, y.format)) + "</text>\n";
  }
  return svg;
}

// Powers of two on a log axis (thinned to at most 9), nice numbers otherwise.
std::string XTicks(const Frame& f, const Axis& x) {
  std::vector<double> xt;
  if (f.logx) {
    for (double e = std::ceil(std::log2(f.x0) - 1e-9); e <= std::log2(f.x1) + 1e-9; ++e) {
      xt.push_back(std::pow(2, e));
    }
    while (xt.size() > 9) {
      std::vector<double> thin;
      for (size_t i = 0; i < xt.size(); i += 2) thin.push_back(xt[i]);
      xt = thin;
    }
  } else {
    xt = NiceTicks(f.x0, f.x1);
  }
  std::string svg;
  for (double t : xt) {
    if (t < f.x0 - 1e-9 * std::fabs(f.x0) || t > f.x1 + 1e-9 * std::fabs(f.x1)) continue;
    svg += "<line x1=\"" + Num(f.X(t)) + "\" x2=\"" + Num(f.X(t)) + "\" y1=\"" + Num(kTop) +
           "\" y2=\"" + Num(kTop + f.ph) + "\" stroke=\"#f0f0f0\"/>\n";
    svg += "<text class=\"xtick\" x=\"" + Num(f.X(t)) + "\" y=\"" + Num(kTop + f.ph + 16) +
           "\" text-anchor=\"middle\">" + XmlEscape(FormatTick(t, x.format)) + "</text>\n";
  }
  return svg;
}

std::string Axes(const Frame& f, const Axis& x, const Axis& y) {
  std::string svg = "<line x1=\"" + Num(kLeft) + "\" x2=\"" + Num(kLeft) + "\" y1=\"" + Num(kTop) +
                    "\" y2=\"" + Num(kTop + f.ph) + "\" stroke=\"#333\"/>\n";
  svg += "<line x1=\"" + Num(kLeft) + "\" x2=\"" + Num(kLeft + f.pw) + "\" y1=\"" + Num(kTop + f.ph) +
         "\" y2=\"" + Num(kTop + f.ph) + "\" stroke=\"#333\"/>\n";
  svg += "<text x=\"" + Num(kLeft + f.pw / 2) + "\" y=\"" + Num(kH - 12) +
         "\" text-anchor=\"middle\" font-size=\"13\">" + XmlEscape(x.label) +
         (f.logx ? " (log scale)" : "") + "</text>\n";
  svg += "<text transform=\"translate(14," + Num(kTop + f.ph / 2) +
         ") rotate(-90)\" text-anchor=\"middle\" font-size=\"13\">" + XmlEscape(y.label) + "</text>\n";
  return svg;
}

std::string Line(const Frame& f, const Series& s, int style, double width, const Axis& x,
                 const Axis& y) {
  std::string d;
  for (const auto& [px, py] : s.points) d += (d.empty() ? "M" : " L") + Num(f.X(px)) + "," + Num(f.Y(py));
  const std::string dash = Dash(style);
  std::string svg = "<path class=\"series\" d=\"" + d + "\" fill=\"none\" stroke=\"" + Color(style) +
                    "\" stroke-width=\"" + Num(width) + "\"" +
                    (dash.empty() ? "" : " stroke-dasharray=\"" + dash + "\"") + "/>\n";
  for (const auto& [px, py] : s.marks ? *s.marks : s.points) {
    svg += Marker(style, f.X(px), f.Y(py), "",
                  s.name + ": " + FormatTick(px, x.format) + ", " + FormatTick(py, y.format));
  }
  return svg;
}

std::string ReferenceLine(const Frame& f, const Series& r) {
  std::string pts;
  for (const auto& [px, py] : r.points) pts += (pts.empty() ? "" : " ") + Num(f.X(px)) + "," + Num(f.Y(py));
  return "<polyline class=\"reference\" points=\"" + pts +
         "\" fill=\"none\" stroke=\"#444\" stroke-width=\"1.5\" stroke-dasharray=\"5,4\"/>\n";
}

}  // namespace

std::string LineChart(const std::string& title, const Axis& x, const Axis& y,
                      const std::vector<Series>& series, const Series* reference) {
  Frame f;
  for (const auto& s : series) f.Add(s.points);
  std::string svg = Header(title);
  if (f.x0 > f.x1) {
    return svg + "<text x=\"" + Num(kW / 2) + "\" y=\"" + Num(kH / 2) +
           "\" text-anchor=\"middle\">no bounded budgets to plot</text>\n</svg>\n";
  }
  if (reference) f.Add(reference->points);
  FitY(y, &f);
  f.logx = x.log2 && f.x0 > 0 && f.x1 / f.x0 > 4;
  svg += YTicks(f, y) + XTicks(f, x) + Axes(f, x, y);
  const double lx = kW - kRight + 12;
  // Earlier series are drawn wider (3.5 px down to 1.5 px): where later series coincide with
  // them, their colour still shows at the edges, besides the differing dashes and markers.
  const double n = static_cast<double>(series.size());
  for (size_t i = 0; i < series.size(); ++i) {
    const int style = series[i].style >= 0 ? series[i].style : static_cast<int>(i);
    const double width = n > 1 ? 1.5 + 2.0 * (n - 1 - static_cast<double>(i)) / (n - 1) : 2.0;
    svg += Line(f, series[i], style, width, x, y);
    svg += LegendRow(style, lx, kTop + 10 + 20 * static_cast<double>(i), series[i].name);
  }
  // On top of the series: strategies that fill their budget coincide with it.
  if (reference) svg += ReferenceLine(f, *reference);
  if (reference) {
    const double ly = kTop + 10 + 20 * static_cast<double>(series.size());
    svg += "<line x1=\"" + Num(lx) + "\" x2=\"" + Num(lx + 28) + "\" y1=\"" + Num(ly) + "\" y2=\"" +
           Num(ly) + "\" stroke=\"#444\" stroke-width=\"1.5\" stroke-dasharray=\"5,4\"/>\n";
    svg += "<text x=\"" + Num(lx + 34) + "\" y=\"" + Num(ly + 4) + "\">" +
           XmlEscape(Clip(reference->name, 22)) + "</text>\n";
  }
  return svg + "</svg>\n";
}

}  // namespace kvsim
