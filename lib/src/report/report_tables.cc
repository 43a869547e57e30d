// Report tables (see report_tables.h).
#include "report_tables.h"

#include "svg_chart.h"

namespace kvsim {

std::string HtmlTable(const Cells& cells, size_t text_columns) {
  std::string h = "<table>\n";
  for (size_t r = 0; r < cells.size(); ++r) {
    h += "<tr>";
    for (size_t c = 0; c < cells[r].size(); ++c) {
      h += r == 0 ? "<th>" + XmlEscape(cells[r][c]) + "</th>"
                  : (c < text_columns ? "<td>" : "<td class=\"n\">") + XmlEscape(cells[r][c]) + "</td>";
    }
    h += "</tr>\n";
  }
  return h + "</table>\n";
}

std::string MarkdownTable(const Cells& cells, size_t text_columns) {
  std::string m;
  for (size_t r = 0; r < cells.size(); ++r) {
    m += "|";
    for (const auto& c : cells[r]) m += " " + c + " |";
    m += "\n";
    if (r == 0) {
      m += "|";
      for (size_t c = 0; c < cells[r].size(); ++c) m += c < text_columns ? "---|" : "---:|";
      m += "\n";
    }
  }
  return m;
}

}  // namespace kvsim
