// Which strategies have curves, and what capacity a budget gives them (see kvsim/curve.h).
#include "kvsim/curve.h"

#include <algorithm>
#include <limits>

namespace kvsim {

std::optional<std::string> CurveRefusal(const Strategy& strategy, const TokenCost& cost) {
  const std::string suffix = "; use `kvsim sweep` to replay it at each budget";
  if (strategy.index == "radix") {
    return "'" + strategy.text + "' has no one-pass curve: radix evicts whole nodes of varying "
           "length, so its cache at one capacity is not contained in its cache at a larger one "
           "(block-trie:block_size=1 is the token-granular LRU that has a curve)" + suffix;
  }
  if (strategy.index != "block-trie") {
    return "'" + strategy.text + "' has no one-pass curve: " + strategy.index +
           "'s eviction order depends on the capacity, so it is not a stack algorithm" + suffix;
  }
  if (cost.hot.tiered()) {
    return "'" + strategy.text + "' has no one-pass curve: its codec " + strategy.codec +
           " stores recent and older tokens at different sizes, so a byte budget holds a varying "
           "number of blocks" + suffix;
  }
  return std::nullopt;
}

uint64_t CapacityBlocks(const Budget& budget, uint64_t block_size, const TokenCost& cost) {
  uint64_t blocks = std::numeric_limits<uint64_t>::max() - 1;
  if (budget.tokens) blocks = std::min(blocks, *budget.tokens / block_size);
  if (budget.bytes && cost.hot_bytes > 0) {
    blocks = std::min(blocks, *budget.bytes / (block_size * cost.hot_bytes));
  }
  return blocks;
}

}  // namespace kvsim
