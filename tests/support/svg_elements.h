// Reading back the SVG and HTML of reports in tests: elements by tag, their attributes, the
// points of a path.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace kvsim::testing {

// The opening tags `<tag ...>` of an SVG, each with the text that follows it up to the next tag.
struct Element {
  std::string tag, text;
};
inline std::vector<Element> Elements(const std::string& svg, const std::string& name) {
  std::vector<Element> out;
  for (size_t at = svg.find("<" + name + " "); at != std::string::npos;
       at = svg.find("<" + name + " ", at + 1)) {
    const size_t close = svg.find('>', at);
    out.push_back({svg.substr(at, close + 1 - at), svg.substr(close + 1, svg.find('<', close) - close - 1)});
  }
  return out;
}

inline std::string Attr(const std::string& tag, const std::string& name) {
  const size_t at = tag.find(" " + name + "=\"");
  if (at == std::string::npos) return "";
  const size_t from = at + name.size() + 3;
  return tag.substr(from, tag.find('"', from) - from);
}

// The points a path's data visits: one per M or L command.
inline size_t PathPoints(const std::string& d) {
  size_t n = 0;
  for (char c : d) n += c == 'M' || c == 'L';
  return n;
}

}  // namespace kvsim::testing
