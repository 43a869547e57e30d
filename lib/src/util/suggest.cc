#include "kvsim/suggest.h"

#include <algorithm>

namespace kvsim {

size_t EditDistance(const std::string& a, const std::string& b) {
  // Optimal string alignment: Levenshtein plus transposition of adjacent characters.
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string DidYouMean(const std::string& given, const std::vector<std::string>& known) {
  if (given.empty() || given.size() > 64) return "";
  const size_t limit = std::max<size_t>(1, given.size() / 3);
  size_t best = limit + 1;
  const std::string* pick = nullptr;
  for (const auto& k : known) {
    const size_t d = EditDistance(given, k);
    if (d < best) {
      best = d;
      pick = &k;
    }
  }
  return pick == nullptr ? "" : " (did you mean '" + *pick + "'?)";
}

}  // namespace kvsim
