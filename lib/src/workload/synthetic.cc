// Synthetic token sequences (see kvsim/token.h).
#include "kvsim/error.h"
#include "kvsim/token.h"

namespace kvsim {

void AppendSynthetic(uint64_t sequence, uint64_t from, uint64_t count, std::vector<Token>* out) {
  const uint32_t base = Mix31(sequence) + static_cast<uint32_t>(from);
  const size_t at = out->size();
  out->resize(at + count);
  Token* d = out->data() + at;
  for (uint64_t i = 0; i < count; ++i) {  // SyntheticToken(sequence, from + i), vectorized
    d[i] = 0x80000000u | ((base + static_cast<uint32_t>(i)) & 0x7fffffffu);
  }
}

uint64_t SyntheticIds::Fresh() {
  const uint64_t id = 2 * next_ + 1;
  if (id >= kMaxSyntheticSequences) {
    throw Error("too many synthetic sequences (more than 2^30): the workload is too large");
  }
  ++next_;
  return id;
}

uint64_t SyntheticIds::Shared(const std::string& key) {
  auto it = shared_.find(key);
  if (it != shared_.end()) return it->second;
  const uint64_t id = Fresh();
  shared_.emplace(key, id);
  return id;
}

uint64_t SyntheticIds::Block(uint64_t hash_id) {
  if (hash_id >= kMaxSyntheticSequences / 2) {
    throw Error("hash id " + std::to_string(hash_id) + " is out of range (must be below 2^30)");
  }
  return 2 * hash_id;
}

}  // namespace kvsim
