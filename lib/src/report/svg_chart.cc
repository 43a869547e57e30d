// SVG charts (see svg_chart.h). Written directly: a few hundred lines of SVG are easier to keep
// deterministic, dependency-free and self-contained than an embedded JavaScript library.
#include "svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace kvsim {
namespace {

constexpr double kW = 760, kH = 380, kLeft = 88, kRight = 200, kTop = 40, kBottom = 58;
const char* kColors[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                         "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// "Nice" linear ticks covering [lo, hi].
std::vector<double> NiceTicks(double lo, double hi, int want = 6) {
  if (hi <= lo) hi = lo + 1;
  const double raw = (hi - lo) / want;
  const double mag = std::pow(10, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (raw <= m * mag) {
      step = m * mag;
      break;
    }
  }
  std::vector<double> t;
  for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + 1e-9 * step; v += step) t.push_back(v);
  return t;
}

std::string Header(const std::string& title) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + Num(kW) + " " + Num(kH) +
         "\" width=\"" + Num(kW) + "\" height=\"" + Num(kH) +
         "\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
         "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
         "<text x=\"" + Num(kW / 2) + "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\" "
         "font-weight=\"bold\">" + XmlEscape(title) + "</text>\n";
}

}  // namespace

std::string XmlEscape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '<') o += "&lt;";
    else if (c == '>') o += "&gt;";
    else if (c == '&') o += "&amp;";
    else if (c == '"') o += "&quot;";
    else o += c;
  }
  return o;
}

std::string FormatTick(double v, Axis::Format f) {
  char buf[48];
  if (std::fabs(v) < 1e-12) v = 0;  // no "-0"
  v += 0.0;
  switch (f) {
    case Axis::Format::kPercent:
      std::snprintf(buf, sizeof buf, "%g%%", std::round(v * 1000) / 10);
      return buf;
    case Axis::Format::kBytes: {
      const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
      int u = 0;
      while (std::fabs(v) >= 1024 && u < 5) {
        v /= 1024;
        ++u;
      }
      std::snprintf(buf, sizeof buf, "%g %s", std::round(v * 100) / 100, units[u]);
      return buf;
    }
    case Axis::Format::kSeconds:
      if (std::fabs(v) >= 3600) std::snprintf(buf, sizeof buf, "%g h", std::round(v / 36) / 100);
      else std::snprintf(buf, sizeof buf, "%g s", std::round(v * 100) / 100);
      return buf;
    default:
      std::snprintf(buf, sizeof buf, "%.4g", v);
      return buf;
  }
}

std::string LineChart(const std::string& title, const Axis& x, const Axis& y,
                      const std::vector<Series>& series, bool diagonal) {
  double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
  for (const auto& s : series) {
    for (const auto& [px, py] : s.points) {
      x0 = std::min(x0, px);
      x1 = std::max(x1, px);
      y0 = std::min(y0, py);
      y1 = std::max(y1, py);
    }
  }
  std::string svg = Header(title);
  const double pw = kW - kLeft - kRight, ph = kH - kTop - kBottom;
  if (x0 > x1) {
    return svg + "<text x=\"" + Num(kW / 2) + "\" y=\"" + Num(kH / 2) +
           "\" text-anchor=\"middle\">no bounded budgets to plot</text>\n</svg>\n";
  }
  if (diagonal) {
    y0 = std::min(y0, x0);
    y1 = std::max(y1, x1);
  }
  if (y.from_zero) y0 = std::min(0.0, y0);
  if (y.format == Axis::Format::kPercent) y1 = std::max(y1, std::min(1.0, y1 * 1.05));
  if (y1 <= y0) y1 = y0 + 1;
  const bool logx = x.log2 && x0 > 0 && x1 / x0 > 4;
  auto fx = [&](double v) {
    const double t = logx ? (std::log2(v) - std::log2(x0)) / std::max(1e-12, std::log2(x1) - std::log2(x0))
                          : (x1 > x0 ? (v - x0) / (x1 - x0) : 0.5);
    return kLeft + t * pw;
  };
  // Byte axes tick at round numbers of one binary unit (256 MiB, 512 MiB, ...).
  double unit = 1;
  if (y.format == Axis::Format::kBytes) {
    while (std::max(std::fabs(y0), std::fabs(y1)) / unit >= 1024) unit *= 1024;
  }
  auto yt = NiceTicks(y0 / unit, y1 / unit);
  for (auto& t : yt) t *= unit;
  y0 = std::min(y0, yt.front());
  y1 = std::max(y1, yt.back());
  auto fy = [&](double v) { return kTop + ph - (v - y0) / (y1 - y0) * ph; };
  // Grid and y ticks.
  for (double t : yt) {
    svg += "<line x1=\"" + Num(kLeft) + "\" x2=\"" + Num(kLeft + pw) + "\" y1=\"" + Num(fy(t)) +
           "\" y2=\"" + Num(fy(t)) + "\" stroke=\"#e5e5e5\"/>\n";
    svg += "<text x=\"" + Num(kLeft - 6) + "\" y=\"" + Num(fy(t) + 4) +
           "\" text-anchor=\"end\">" + XmlEscape(FormatTick(t, y.format)) + "</text>\n";
  }
  // X ticks: powers of two on a log axis, nice numbers otherwise.
  std::vector<double> xt;
  if (logx) {
    for (double e = std::ceil(std::log2(x0) - 1e-9); e <= std::log2(x1) + 1e-9; ++e) xt.push_back(std::pow(2, e));
    while (xt.size() > 9) {
      std::vector<double> thin;
      for (size_t i = 0; i < xt.size(); i += 2) thin.push_back(xt[i]);
      xt = thin;
    }
  } else {
    xt = NiceTicks(x0, x1);
  }
  for (double t : xt) {
    if (t < x0 - 1e-9 * std::fabs(x0) || t > x1 + 1e-9 * std::fabs(x1)) continue;
    svg += "<line x1=\"" + Num(fx(t)) + "\" x2=\"" + Num(fx(t)) + "\" y1=\"" + Num(kTop) +
           "\" y2=\"" + Num(kTop + ph) + "\" stroke=\"#f0f0f0\"/>\n";
    svg += "<text x=\"" + Num(fx(t)) + "\" y=\"" + Num(kTop + ph + 16) +
           "\" text-anchor=\"middle\">" + XmlEscape(FormatTick(t, x.format)) + "</text>\n";
  }
  // Axes and labels.
  svg += "<line x1=\"" + Num(kLeft) + "\" x2=\"" + Num(kLeft) + "\" y1=\"" + Num(kTop) + "\" y2=\"" +
         Num(kTop + ph) + "\" stroke=\"#333\"/>\n";
  svg += "<line x1=\"" + Num(kLeft) + "\" x2=\"" + Num(kLeft + pw) + "\" y1=\"" + Num(kTop + ph) +
         "\" y2=\"" + Num(kTop + ph) + "\" stroke=\"#333\"/>\n";
  svg += "<text x=\"" + Num(kLeft + pw / 2) + "\" y=\"" + Num(kH - 12) +
         "\" text-anchor=\"middle\" font-size=\"13\">" + XmlEscape(x.label) +
         (logx ? " (log scale)" : "") + "</text>\n";
  svg += "<text transform=\"translate(14," + Num(kTop + ph / 2) +
         ") rotate(-90)\" text-anchor=\"middle\" font-size=\"13\">" + XmlEscape(y.label) + "</text>\n";
  if (diagonal) {
    svg += "<line x1=\"" + Num(fx(x0)) + "\" y1=\"" + Num(fy(x0)) + "\" x2=\"" + Num(fx(x1)) +
           "\" y2=\"" + Num(fy(x1)) + "\" stroke=\"#999\" stroke-dasharray=\"5,4\"/>\n";
  }
  // Lines, markers, legend.
  for (size_t i = 0; i < series.size(); ++i) {
    const std::string color = kColors[i % 10];
    const auto& s = series[i];
    std::string path;
    for (const auto& [px, py] : s.points) {
      path += (path.empty() ? "M" : " L") + Num(fx(px)) + "," + Num(fy(py));
    }
    svg += "<path d=\"" + path + "\" fill=\"none\" stroke=\"" + color + "\" stroke-width=\"2\"/>\n";
    for (const auto& [px, py] : s.points) {
      svg += "<circle cx=\"" + Num(fx(px)) + "\" cy=\"" + Num(fy(py)) + "\" r=\"3\" fill=\"" +
             color + "\"><title>" + XmlEscape(s.name) + ": " + XmlEscape(FormatTick(px, x.format)) +
             ", " + XmlEscape(FormatTick(py, y.format)) + "</title></circle>\n";
    }
    const double ly = kTop + 10 + 20 * static_cast<double>(i);
    svg += "<line x1=\"" + Num(kW - kRight + 14) + "\" x2=\"" + Num(kW - kRight + 38) + "\" y1=\"" +
           Num(ly) + "\" y2=\"" + Num(ly) + "\" stroke=\"" + color + "\" stroke-width=\"3\"/>\n";
    std::string label = s.name.size() > 24 ? s.name.substr(0, 23) + "…" : s.name;
    svg += "<text x=\"" + Num(kW - kRight + 44) + "\" y=\"" + Num(ly + 4) + "\">" + XmlEscape(label) +
           "<title>" + XmlEscape(s.name) + "</title></text>\n";
  }
  if (diagonal) {
    const double ly = kTop + 10 + 20 * static_cast<double>(series.size());
    svg += "<line x1=\"" + Num(kW - kRight + 14) + "\" x2=\"" + Num(kW - kRight + 38) + "\" y1=\"" +
           Num(ly) + "\" y2=\"" + Num(ly) + "\" stroke=\"#999\" stroke-dasharray=\"5,4\"/>\n";
    svg += "<text x=\"" + Num(kW - kRight + 44) + "\" y=\"" + Num(ly + 4) + "\">budget</text>\n";
  }
  return svg + "</svg>\n";
}

std::string BarChart(const std::string& title, const Axis& value,
                     const std::vector<std::pair<std::string, double>>& bars) {
  std::string svg = Header(title);
  const double left = 240, pw = kW - left - 60, top = kTop + 6;
  const double bh = std::min(28.0, (kH - top - kBottom) / std::max<size_t>(1, bars.size()));
  double hi = 0;
  for (const auto& b : bars) hi = std::max(hi, b.second);
  const auto ticks = NiceTicks(0, hi > 0 ? hi : 1, 5);
  hi = ticks.back();
  const double bottom = top + bh * static_cast<double>(bars.size());
  for (double t : ticks) {
    const double x = left + t / hi * pw;
    svg += "<line x1=\"" + Num(x) + "\" x2=\"" + Num(x) + "\" y1=\"" + Num(top) + "\" y2=\"" +
           Num(bottom) + "\" stroke=\"#e5e5e5\"/>\n";
    svg += "<text x=\"" + Num(x) + "\" y=\"" + Num(bottom + 16) + "\" text-anchor=\"middle\">" +
           XmlEscape(FormatTick(t, value.format)) + "</text>\n";
  }
  for (size_t i = 0; i < bars.size(); ++i) {
    const double y = top + bh * static_cast<double>(i);
    std::string label = bars[i].first.size() > 34 ? bars[i].first.substr(0, 33) + "…" : bars[i].first;
    svg += "<text x=\"" + Num(left - 8) + "\" y=\"" + Num(y + bh / 2 + 4) +
           "\" text-anchor=\"end\">" + XmlEscape(label) + "<title>" + XmlEscape(bars[i].first) +
           "</title></text>\n";
    svg += "<rect x=\"" + Num(left) + "\" y=\"" + Num(y + 3) + "\" width=\"" +
           Num(std::max(0.0, bars[i].second / hi * pw)) + "\" height=\"" + Num(bh - 6) +
           "\" fill=\"" + kColors[i % 10] + "\"/>\n";
    svg += "<text x=\"" + Num(left + bars[i].second / hi * pw + 4) + "\" y=\"" +
           Num(y + bh / 2 + 4) + "\">" + XmlEscape(FormatTick(bars[i].second, value.format)) +
           "</text>\n";
  }
  svg += "<line x1=\"" + Num(left) + "\" x2=\"" + Num(left) + "\" y1=\"" + Num(top) + "\" y2=\"" +
         Num(bottom) + "\" stroke=\"#333\"/>\n";
  svg += "<text x=\"" + Num(left + pw / 2) + "\" y=\"" + Num(bottom + 36) +
         "\" text-anchor=\"middle\" font-size=\"13\">" + XmlEscape(value.label) + "</text>\n";
  return svg + "</svg>\n";
}

}  // namespace kvsim
