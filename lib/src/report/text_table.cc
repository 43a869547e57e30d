#include "text_table.h"

#include <algorithm>
#include <cstdio>

namespace kvsim {

namespace {

std::vector<std::string> Lines(const std::string& cell) {
  std::vector<std::string> lines;
  size_t pos = 0;
  for (size_t nl; (nl = cell.find('\n', pos)) != std::string::npos; pos = nl + 1) {
    lines.push_back(cell.substr(pos, nl - pos));
  }
  lines.push_back(cell.substr(pos));
  return lines;
}

}  // namespace

void TextTable::Print(std::ostream& out, size_t left) const {
  std::vector<std::vector<std::vector<std::string>>> cells;  // [row][column][line]
  std::vector<size_t> width;
  for (const auto& row : rows_) {
    cells.emplace_back();
    width.resize(std::max(width.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) {
      cells.back().push_back(Lines(row[i]));
      for (const auto& l : cells.back().back()) width[i] = std::max(width[i], l.size());
    }
  }
  for (size_t r = 0; r < cells.size(); ++r) {
    size_t height = 1;
    for (const auto& c : cells[r]) height = std::max(height, c.size());
    for (size_t h = 0; h < height; ++h) {
      std::string line;
      for (size_t i = 0; i < cells[r].size(); ++i) {
        const std::string cell = h < cells[r][i].size() ? cells[r][i][h] : "";
        const std::string pad(width[i] - cell.size(), ' ');
        if (i > 0) line += "  ";
        line += i < left ? cell + pad : pad + cell;
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out << line << '\n';
    }
    if (r == 0) {
      size_t total = 0;
      for (size_t w : width) total += w + 2;
      out << std::string(total - 2, '-') << '\n';
    }
  }
}

std::string Wrap(const std::string& text, size_t width) {
  std::string out;
  size_t start = 0;
  while (text.size() - start > width) {
    size_t cut = text.find_last_of(",+:", start + width - 1);
    cut = (cut == std::string::npos || cut < start) ? start + width : cut + 1;
    out += text.substr(start, cut - start) + "\n";
    start = cut;
  }
  return out + text.substr(start);
}

std::string Percent(double share, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f%%", decimals, 100.0 * share);
  return buf;
}

std::string Fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string Seconds(double s) {
  char buf[32];
  if (s < 1) {
    std::snprintf(buf, sizeof buf, s < 0.1 ? "%.1f ms" : "%.0f ms", s * 1000);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f s", s);
  }
  return buf;
}

}  // namespace kvsim
