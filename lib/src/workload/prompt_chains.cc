// PromptChains (see prompt_chains.h).
#include "prompt_chains.h"

#include <algorithm>
#include <cassert>

#include "kvsim/error.h"

namespace kvsim {
namespace {

uint64_t Spread(uint64_t key) {
  key ^= key >> 31;
  key *= 0x9e3779b97f4a7c15ull;
  return key ^ (key >> 29);
}

}  // namespace

void PromptChains::Add(std::span<const uint64_t> ids, uint64_t prompt_len) {
  uint64_t parent = 0;  // chain number + 1; 0: the empty chain
  for (size_t j = 0; j < ids.size(); ++j) {
    // Ids are below 2^30 (SyntheticIds::Block) and chains below 2^32 - 1: keys never collide.
    assert(ids[j] < (uint64_t{1} << 30));
    Slot* s = FindOrAdd(parent << 32 | ids[j]);
    const uint64_t reach = std::min(block_, prompt_len - block_ * j);
    if (reach > s->extent) {
      distinct_ += reach - s->extent;
      s->extent = static_cast<uint32_t>(reach);
    }
    parent = uint64_t{s->chain} + 1;
  }
}

PromptChains::Slot* PromptChains::FindOrAdd(uint64_t key) {
  if (2 * (used_ + 1) > slots_.size()) Grow();
  const size_t mask = slots_.size() - 1;
  for (size_t i = Spread(key) & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.key == key) return &s;
    if (s.key == kEmpty) {
      if (used_ + 1 >= (uint64_t{1} << 32) - 1) throw Error("more than 2^32 distinct prompt blocks");
      s.key = key;
      s.chain = static_cast<uint32_t>(used_++);
      return &s;
    }
  }
}

void PromptChains::Grow() {
  std::vector<Slot> old(std::max<size_t>(1024, 2 * slots_.size()));
  old.swap(slots_);
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.key == kEmpty) continue;
    size_t i = Spread(s.key) & mask;
    while (slots_[i].key != kEmpty) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

}  // namespace kvsim
