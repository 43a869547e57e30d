// A plain-text table with aligned columns, for the CLI's reports. Internal header.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace kvsim {

// A cell may hold several lines ('\n'): its row then takes that many lines, the other cells on
// the first.
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  // Columns after the first `left` are right-aligned (numbers).
  void Print(std::ostream& out, size_t left = 1) const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

// Breaks `text` into lines of at most `width` characters, after a ',', '+' or ':' where it can
// (a strategy such as "block-trie:block_size=512+turboquant:key_bits=3"), else anywhere.
std::string Wrap(const std::string& text, size_t width);

std::string Percent(double share, int decimals = 1);
std::string Fixed(double v, int decimals);
// A latency: "12.3 ms", "850 ms", "1.25 s".
std::string Seconds(double s);

}  // namespace kvsim
