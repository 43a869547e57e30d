// PromptChains (see prompt_chains.h).
#include "prompt_chains.h"

#include <algorithm>
#include <cassert>

#include "kvsim/error.h"

namespace kvsim {

void PromptChains::Add(std::span<const uint64_t> ids, uint64_t prompt_len) {
  uint64_t parent = kRoot;
  for (size_t j = 0; j < ids.size(); ++j) {
    assert(ids[j] < kFirstOther);
    bool fresh = false;
    const uint64_t chain = Chain(parent, ids[j], &fresh);
    Reach(chain, fresh, std::min(block_, prompt_len - block_ * j));
    parent = chain;
  }
  ids_added_ += ids.size();
}

uint64_t PromptChains::Chain(uint64_t parent, uint64_t id, bool* fresh) {
  const uint64_t code = parent == kRoot ? 1 : parent + 2;
  const uint64_t key = (parent == kRoot ? 0 : parent + 1) << 30 | id;
  // An id within reach of the ids seen so far gets a table entry, unless the map has the chain
  // already (the id was sparse when first seen); a sparse id goes to the map.
  if (code <= UINT32_MAX && id < 2 * ids_added_ + (uint64_t{1} << 16)) {
    uint32_t& p = ParentOf(id);
    if (p == code) return id;
    if (p == 0 && (others_.empty() || !others_.contains(key))) {
      p = static_cast<uint32_t>(code);
      *fresh = true;
      return id;
    }
  }
  auto [it, added] = others_.try_emplace(key, kFirstOther + others_.size());
  if (added && it->second + 2 > UINT32_MAX) throw Error("more than 2^32 distinct prompt blocks");
  *fresh = added;
  return it->second;
}

uint32_t& PromptChains::ParentOf(uint64_t id) {
  const uint64_t page = id >> kPageBits;
  if (page >= parent_pages_.size()) parent_pages_.resize(page + 1);
  auto& p = parent_pages_[page];
  if (p.empty()) p.assign(size_t{1} << kPageBits, 0);
  return p[id & ((uint64_t{1} << kPageBits) - 1)];
}

void PromptChains::Reach(uint64_t chain, bool fresh, uint64_t reach) {
  if (fresh) {
    distinct_ += reach;
    if (reach < block_) partial_.emplace(chain, static_cast<uint32_t>(reach));
    return;
  }
  const auto it = partial_.find(chain);
  if (it == partial_.end() || reach <= it->second) return;  // absent: the whole block is counted
  distinct_ += reach - it->second;
  if (reach == block_) {
    partial_.erase(it);
  } else {
    it->second = static_cast<uint32_t>(reach);
  }
}

}  // namespace kvsim
