// Small SVG charts for the capacity report: line charts (one line per strategy, linear or log2
// x axis) and horizontal bar charts, with axes, ticks, units and a legend. Internal header.
#pragma once

#include <string>
#include <vector>

namespace kvsim {

struct Series {
  std::string name;
  std::vector<std::pair<double, double>> points;  // (x, y), x ascending
};

struct Axis {
  std::string label;
  enum class Format { kNumber, kPercent, kBytes, kSeconds } format = Format::kNumber;
  bool log2 = false;      // x only
  bool from_zero = true;  // y only: include 0
};

std::string LineChart(const std::string& title, const Axis& x, const Axis& y,
                      const std::vector<Series>& series, bool diagonal = false);

std::string BarChart(const std::string& title, const Axis& value,
                     const std::vector<std::pair<std::string, double>>& bars);

// Escapes &, <, > and " for HTML and SVG text.
std::string XmlEscape(const std::string& s);

// "1.5 GiB", "12%", "3.2 s": tick labels.
std::string FormatTick(double v, Axis::Format f);

}  // namespace kvsim
