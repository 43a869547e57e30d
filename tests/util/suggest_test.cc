// Near-miss suggestions: edit distances and when a suggestion is made.
#include "kvsim/suggest.h"

#include <doctest/doctest.h>

namespace kvsim {
namespace {

TEST_CASE("edit distance counts insertions, deletions, substitutions and neighbour swaps") {
  CHECK(EditDistance("", "") == 0);
  CHECK(EditDistance("radix", "radix") == 0);
  CHECK(EditDistance("radx", "radix") == 1);       // insertion
  CHECK(EditDistance("raddix", "radix") == 1);     // deletion
  CHECK(EditDistance("radox", "radix") == 1);      // substitution
  CHECK(EditDistance("lenght", "length") == 1);    // swap of neighbours
  CHECK(EditDistance("kitten", "sitting") == 3);
  CHECK(EditDistance("abc", "") == 3);
}

TEST_CASE("a suggestion only for a close name, the closest one") {
  const std::vector<std::string> known = {"radix", "block-trie", "lru-buckets", "belady"};
  CHECK(DidYouMean("radx", known) == " (did you mean 'radix'?)");
  CHECK(DidYouMean("blocktrie", known) == " (did you mean 'block-trie'?)");
  CHECK(DidYouMean("zzz", known).empty());
  CHECK(DidYouMean("", known).empty());
  CHECK(DidYouMean("ab", {"xy"}).empty());  // 2 edits in 2 characters: not a near miss
}

}  // namespace
}  // namespace kvsim
