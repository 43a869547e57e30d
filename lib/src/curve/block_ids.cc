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

uint32_t IdTable::Candidate(uint64_t key) const {
  if (slots_.empty()) return kNone;
  const auto tag = static_cast<uint32_t>(key >> 32);
  for (size_t i = key & mask_;; i = (i + 1) & mask_) {
    const Slot s = slots_[i];
    if (s.id == kNone || s.tag == tag) return s.id;
  }
}

uint32_t IdTable::Add(uint64_t key) {
  const auto id = static_cast<uint32_t>(keys_.size());
  keys_.push_back(key);
  if (2 * keys_.size() > slots_.size()) {
    Grow();  // places every key, this one included
  } else {
    Place(key, id);
  }
  return id;
}

void IdTable::Place(uint64_t key, uint32_t id) {
  size_t i = key & mask_;
  while (slots_[i].id != kNone) i = (i + 1) & mask_;
  slots_[i] = {static_cast<uint32_t>(key >> 32), id};
}

// Doubles the slots (at least 1024), keeping the load at most one half, and re-places every key.
void IdTable::Grow() {
  const size_t n = std::max<size_t>(1024, slots_.size() * 2);
  HugeVector<Slot>().swap(slots_);  // free the old slots before taking the new ones
  slots_.assign(n, Slot{0, kNone});
  mask_ = n - 1;
  for (size_t id = 0; id < keys_.size(); ++id) Place(keys_[id], static_cast<uint32_t>(id));
}

size_t BlockChain::Intern(const Token* seq, size_t full, std::vector<uint32_t>* ids) {
  Keys(seq, full);
  // Second wave: the slots are on their way; start loading what verifying each candidate reads.
  for (size_t k = 0; k < full; ++k) {
    const uint32_t c = table_.Candidate(keys_[k]);
    if (c == IdTable::kNone) break;  // a new prefix: every deeper one is new too
    PrefetchBlock(c);
  }
  uint32_t parent = kRoot;
  size_t k = 0;
  for (; k < full; ++k) {
    const Token* t = seq + k * b_;
    const uint32_t id = table_.Find(keys_[k], [&](uint32_t c) { return Same(c, parent, t); });
    if (id == IdTable::kNone) break;
    ids->push_back(id);
    parent = id;
  }
  const size_t known = k;
  for (; k < full; ++k) {
    parent = Add(keys_[k], parent, seq + k * b_);
    ids->push_back(parent);
  }
  return known;
}

void BlockChain::Keys(const Token* seq, size_t full) {
  keys_.resize(full);
  uint64_t chain = 0;
  for (size_t k = 0; k < full; ++k) {
    chain = Mix(chain, HashBlock(0, seq + k * b_, b_));
    keys_[k] = chain;
    table_.Prefetch(chain);
  }
}

void BlockChain::PrefetchBlock(uint32_t id) const {
  const Token* t = tokens_.data() + size_t{id} * b_;
  __builtin_prefetch(&parent_[id]);
  __builtin_prefetch(t);
  __builtin_prefetch(t + b_ - 1);  // a block may straddle two cache lines
}

bool BlockChain::Same(uint32_t id, uint32_t parent, const Token* t) const {
  return parent_[id] == parent && CommonPrefix(tokens_.data() + size_t{id} * b_, t, b_) == b_;
}

uint32_t BlockChain::Add(uint64_t key, uint32_t parent, const Token* t) {
  parent_.push_back(parent);
  tokens_.insert(tokens_.end(), t, t + b_);
  return table_.Add(key);
}

SampledBlocks::SampledBlocks(uint64_t block_size, double rate)
    : b_(block_size), threshold_(static_cast<uint64_t>(rate * double(uint64_t{1} << 24) + 0.5)) {}

uint64_t SampledBlocks::Chain(uint64_t chain, const Token* t) const {
  return Mix(chain, HashTokens(0, t, b_));
}

uint32_t SampledBlocks::Intern(uint64_t chain, bool* added) {
  *added = false;
  if ((chain >> 40) >= threshold_) return kSkipped;
  const uint32_t id = table_.Find(chain, [&](uint32_t c) { return table_.key(c) == chain; });
  if (id != IdTable::kNone) return id;
  *added = true;
  return table_.Add(chain);
}

}  // namespace kvsim
