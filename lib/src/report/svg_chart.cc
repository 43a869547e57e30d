// SVG charts (see svg_chart.h). Written directly: a few hundred lines of SVG are easier to keep
// deterministic, dependency-free and self-contained than an embedded JavaScript library.
#include "svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace kvsim {
namespace svg {

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return std::string(buf) == "-0.0" ? "0.0" : buf;
}

namespace {
// Ticks at integer multiples of `step` from <= lo to >= hi (integer indices: no drift from
// repeated addition). A range too narrow for its magnitude to step through (hand-edited
// JSON: 1e18 .. 1e18 + 1) gets its two ends.
std::vector<double> StepTicks(double lo, double hi, double step) {
  const double first = std::floor(lo / step + 1e-9), last = std::ceil(hi / step - 1e-9);
  if (!(last - first <= 64) || first + 1 == first || !std::isfinite(first * step)) return {lo, hi};
  std::vector<double> t;
  for (double k = first; k <= last; ++k) t.push_back(k * step);
  return t;
}
}  // namespace

std::vector<double> NiceTicks(double lo, double hi, int want) {
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
  return StepTicks(lo, hi, step);
}

std::vector<double> ValueTicks(double lo, double hi, Axis::Format format) {
  if (format != Axis::Format::kBytes) return NiceTicks(lo, hi);
  // Byte axes step by a power of two (256 GiB, 512 MiB, ...): every tick is a round number of
  // one binary unit.
  if (hi <= lo) hi = lo + 1;
  return StepTicks(lo, hi, std::pow(2, std::ceil(std::log2((hi - lo) / 6))));
}

std::string Header(const std::string& title, double height, double width) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + Num(width) + " " + Num(height) +
         "\" width=\"" + Num(width) + "\" height=\"" + Num(height) +
         "\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
         "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
         "<text x=\"" + Num(width / 2) + "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\" "
         "font-weight=\"bold\">" + XmlEscape(title) + "</text>\n";
}

// Okabe & Ito's palette, distinguishable with the common colour-vision deficiencies; yellow
// last, as it is the faintest on white.
std::string Color(int style) {
  static const char* kColors[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                  "#CC79A7", "#56B4E9", "#000000", "#F0E442"};
  return kColors[style % 8];
}

std::string Dash(int style) {
  static const char* kDashes[] = {"", "7,3", "2,2", "9,3,2,3", "4,4", "12,3"};
  return kDashes[style % 6];
}

namespace {
// Marker outlines about 9px across, centred on the origin.
const char* Shape(int style) {
  static const char* kShapes[] = {
      "M-4,0a4,4 0 1,0 8,0a4,4 0 1,0 -8,0z",                             // circle
      "M-3.5,-3.5h7v7h-7z",                                              // square
      "M0,-4.5L4.5,3.5L-4.5,3.5z",                                       // triangle
      "M0,-5L5,0L0,5L-5,0z",                                             // diamond
      "M0,4.5L4.5,-3.5L-4.5,-3.5z",                                      // triangle down
      "M-1.5,-5h3v3.5h3.5v3h-3.5v3.5h-3v-3.5h-3.5v-3h3.5z",              // plus
      "M-4.5,0L-2.2,-4L2.2,-4L4.5,0L2.2,4L-2.2,4z"};                     // hexagon
  return kShapes[style % 7];
}
}  // namespace

std::string Marker(int style, double x, double y, const std::string& cls, const std::string& tip,
                   bool filled) {
  return "<path class=\"marker" + (cls.empty() ? "" : " " + cls) + "\" d=\"" + Shape(style) +
         "\" transform=\"translate(" + Num(x) + "," + Num(y) + ")\" fill=\"" +
         (filled ? Color(style) : "none") + "\" stroke=\"" + Color(style) +
         "\" stroke-width=\"1.5\"><title>" + XmlEscape(tip) + "</title></path>\n";
}

std::string LegendRow(int style, double x, double y, const std::string& name) {
  const std::string dash = Dash(style);
  return "<line x1=\"" + Num(x) + "\" x2=\"" + Num(x + 28) + "\" y1=\"" + Num(y) + "\" y2=\"" +
         Num(y) + "\" stroke=\"" + Color(style) + "\" stroke-width=\"2\"" +
         (dash.empty() ? "" : " stroke-dasharray=\"" + dash + "\"") + "/>\n" +
         Marker(style, x + 14, y, "", name) + "<text x=\"" + Num(x + 34) + "\" y=\"" + Num(y + 4) +
         "\">" + XmlEscape(Clip(name, 22)) + "<title>" + XmlEscape(name) + "</title></text>\n";
}

std::string Clip(const std::string& s, size_t max_chars) {
  return s.size() > max_chars ? s.substr(0, max_chars - 1) + "\u2026" : s;
}

}  // namespace svg

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
    case Axis::Format::kCount: {
      const char* suffix = "";
      for (const auto& [size, name] : {std::pair{1e9, "G"}, std::pair{1e6, "M"}, std::pair{1e3, "k"}}) {
        if (std::fabs(v) >= size) {
          v /= size;
          suffix = name;
          break;
        }
      }
      std::snprintf(buf, sizeof buf, "%g%s", std::round(v * 100) / 100, suffix);
      return buf;
    }
    default:
      std::snprintf(buf, sizeof buf, "%.4g", v);
      return buf;
  }
}

std::string BarChart(const std::string& title, const Axis& value, const std::vector<Bar>& bars) {
  using namespace svg;
  // Names right-aligned before `left`; value labels after the bar end, inside `label_room`.
  constexpr double left = 230, label_room = 80, top = kTop + 6, bh = 28;
  const double pw = kW - left - label_room;
  const double bottom = top + bh * static_cast<double>(bars.size());
  std::string svg = Header(title, bottom + 50);
  double hi = 0;
  for (const auto& b : bars) hi = std::max(hi, b.value);
  const auto ticks = NiceTicks(0, hi > 0 ? hi : 1, 5);
  hi = ticks.back();  // >= every value: no bar runs past the axis
  for (double t : ticks) {
    const double x = left + t / hi * pw;
    svg += "<line x1=\"" + Num(x) + "\" x2=\"" + Num(x) + "\" y1=\"" + Num(top) + "\" y2=\"" +
           Num(bottom) + "\" stroke=\"#e5e5e5\"/>\n";
    svg += "<text class=\"xtick\" x=\"" + Num(x) + "\" y=\"" + Num(bottom + 16) +
           "\" text-anchor=\"middle\">" + XmlEscape(FormatTick(t, value.format)) + "</text>\n";
  }
  for (size_t i = 0; i < bars.size(); ++i) {
    const double y = top + bh * static_cast<double>(i);
    const double w = std::max(0.0, bars[i].value / hi * pw);
    svg += "<text x=\"" + Num(left - 8) + "\" y=\"" + Num(y + bh / 2 + 4) +
           "\" text-anchor=\"end\">" + XmlEscape(Clip(bars[i].name, 30)) + "<title>" +
           XmlEscape(bars[i].name) + "</title></text>\n";
    svg += "<rect class=\"bar\" x=\"" + Num(left) + "\" y=\"" + Num(y + 4) + "\" width=\"" + Num(w) +
           "\" height=\"" + Num(bh - 8) + "\" fill=\"" + Color(bars[i].style) + "\"/>\n";
    svg += "<text x=\"" + Num(left + w + 4) + "\" y=\"" + Num(y + bh / 2 + 4) + "\">" +
           XmlEscape(FormatTick(bars[i].value, value.format)) + "</text>\n";
  }
  svg += "<line x1=\"" + Num(left) + "\" x2=\"" + Num(left) + "\" y1=\"" + Num(top) + "\" y2=\"" +
         Num(bottom) + "\" stroke=\"#333\"/>\n";
  svg += "<text x=\"" + Num(left + pw / 2) + "\" y=\"" + Num(bottom + 38) +
         "\" text-anchor=\"middle\" font-size=\"13\">" + XmlEscape(value.label) + "</text>\n";
  return svg + "</svg>\n";
}

}  // namespace kvsim
