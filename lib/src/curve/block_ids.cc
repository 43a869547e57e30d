// Block identities: the id table, the block trie and the sampled chain (see block_ids.h).
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
  Place({key, id});
  ++used_;
}

void IdTable::Place(const Slot& s) {
  size_t i = s.key & mask_;
  while (slots_[i].id != kNone) i = (i + 1) & mask_;
  slots_[i] = s;
}

// Doubles the slots (at least 1024), keeping the load at most one half, and re-places the keys.
void IdTable::Grow() {
  HugeVector<Slot> old = std::move(slots_);
  slots_.assign(std::max<size_t>(1024, old.size() * 2), Slot{});
  mask_ = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.id != kNone) Place(s);
  }
}

size_t BlockChain::Intern(const Token* seq, size_t full, std::vector<uint32_t>* ids) {
  uint32_t parent = kRoot;
  size_t k = 0;
  for (; k < full; ++k) {
    const uint32_t id = Find(parent, seq + k * b_);
    if (id == IdTable::kNone) break;
    ids->push_back(id);
    parent = id;
  }
  const size_t known = k;
  for (; k < full; ++k) {
    parent = Add(parent, seq + k * b_);
    ids->push_back(parent);
  }
  return known;
}

uint32_t BlockChain::Find(uint32_t parent, const Token* t) const {
  const uint32_t first = FirstChild(parent);
  if (first == IdTable::kNone) return IdTable::kNone;  // no children at all
  if (SameTokens(first, t)) return first;
  return others_.Find(Key(parent, t), [&](uint32_t c) { return parent_[c] == parent && SameTokens(c, t); });
}

// REQUIRES: Find(parent, t) is kNone.
uint32_t BlockChain::Add(uint32_t parent, const Token* t) {
  const auto id = static_cast<uint32_t>(parent_.size());
  parent_.push_back(parent);
  first_child_.push_back(IdTable::kNone);
  tokens_.insert(tokens_.end(), t, t + b_);
  uint32_t& first = parent == kRoot ? root_first_ : first_child_[parent];
  if (first == IdTable::kNone) {
    first = id;
  } else {
    others_.Insert(Key(parent, t), id);
  }
  return id;
}

bool BlockChain::SameTokens(uint32_t id, const Token* t) const {
  return CommonPrefix(tokens_.data() + size_t{id} * b_, t, b_) == b_;
}

uint64_t BlockChain::Key(uint32_t parent, const Token* t) const {
  return Mix(parent, HashBlock(0, t, b_));
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
