// Block identities: the id table, the verified chain and the sampled chain (see block_ids.h).
#include "curve/block_ids.h"

#include <algorithm>

#include "util/token_ops.h"

namespace kvsim {
namespace {

uint64_t Mix(uint64_t a, uint64_t b) {
  uint64_t h = (a ^ (b + 0x9e3779b97f4a7c15ull + (a << 6) + (a >> 2))) * 0xbf58476d1ce4e5b9ull;
  h ^= h >> 31;
  return h * 0x94d049bb133111ebull ^ (h >> 29);
}

}  // namespace

void IdTable::Insert(uint64_t key, uint32_t id) {
  if (2 * (used_ + 1) > slots_.size()) Grow();
  size_t i = key & mask_;
  while (slots_[i] != kNone) i = (i + 1) & mask_;
  slots_[i] = id;
  keys_[i] = key;
  ++used_;
}

void IdTable::Grow() {
  std::vector<uint64_t> keys = std::move(keys_);
  std::vector<uint32_t> slots = std::move(slots_);
  const size_t n = std::max<size_t>(1024, slots.size() * 2);
  keys_.assign(n, 0);
  slots_.assign(n, kNone);
  mask_ = n - 1;
  used_ = 0;
  for (size_t i = 0; i < slots.size(); ++i) {
    if (slots[i] != kNone) Insert(keys[i], slots[i]);
  }
}

uint64_t BlockChain::Key(uint32_t parent, const Token* t) const {
  return Mix(parent, HashTokens(0, t, b_));
}

uint32_t BlockChain::Intern(uint32_t parent, const Token* t, bool* added) {
  const uint64_t key = Key(parent, t);
  const uint32_t id = table_.Find(key, [&](uint32_t c) {
    return parent_[c] == parent && CommonPrefix(tokens_.data() + size_t{c} * b_, t, b_) == b_;
  });
  *added = id == IdTable::kNone;
  return *added ? Add(key, parent, t) : id;
}

uint32_t BlockChain::AddNew(uint32_t parent, const Token* t) { return Add(Key(parent, t), parent, t); }

uint32_t BlockChain::Add(uint64_t key, uint32_t parent, const Token* t) {
  const auto id = static_cast<uint32_t>(parent_.size());
  parent_.push_back(parent);
  tokens_.insert(tokens_.end(), t, t + b_);
  table_.Insert(key, id);
  return id;
}

SampledBlocks::SampledBlocks(uint64_t block_size, double rate)
    : b_(block_size), threshold_(static_cast<uint64_t>(rate * double(uint64_t{1} << 24) + 0.5)) {}

uint64_t SampledBlocks::Chain(uint64_t chain, const Token* t) const {
  return Mix(chain, HashTokens(0, t, b_));
}

uint32_t SampledBlocks::Intern(uint64_t chain, bool* added) {
  *added = false;
  if ((chain >> 40) >= threshold_) return kSkipped;
  const uint32_t id = table_.Find(chain, [&](uint32_t c) { return keys_[c] == chain; });
  if (id != IdTable::kNone) return id;
  *added = true;
  keys_.push_back(chain);
  table_.Insert(chain, static_cast<uint32_t>(keys_.size() - 1));
  return static_cast<uint32_t>(keys_.size() - 1);
}

}  // namespace kvsim
