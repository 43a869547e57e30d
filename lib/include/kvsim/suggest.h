// Suggestions for near-miss names: "radx" -> did you mean 'radix'?
//
// A name within a small edit distance of exactly one best candidate is suggested; nothing is
// suggested when no candidate is close or when the given text is empty.
#pragma once

#include <string>
#include <vector>

namespace kvsim {

// Levenshtein distance (insertions, deletions, substitutions; a swap of neighbours counts 1).
size_t EditDistance(const std::string& a, const std::string& b);

// " (did you mean 'radix'?)" for the closest of `known` when it is close enough (distance at
// most max(1, |given| / 3)), else "".
std::string DidYouMean(const std::string& given, const std::vector<std::string>& known);

}  // namespace kvsim
