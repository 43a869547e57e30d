// Tables of the HTML and Markdown reports, from rows of cells (the header row first). Internal
// header.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace kvsim {

using Cells = std::vector<std::vector<std::string>>;

// The first `text_columns` columns hold text; the others numbers, aligned right.
std::string HtmlTable(const Cells& cells, size_t text_columns);
std::string MarkdownTable(const Cells& cells, size_t text_columns);

}  // namespace kvsim
