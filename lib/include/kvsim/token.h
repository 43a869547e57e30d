// Tokens and synthetic token sequences (docs/contract.md, "Terms").
//
// A token is an unsigned 32-bit id; only equality matters to reuse. Ids written in a workload are
// below 2^31. kvsim's synthetic ids live in the upper half: synthetic sequence `s` has at offset
// `p` the id 2^31 | ((Mix31(s) + p) mod 2^31). Mix31 is a bijection on [0, 2^31), so two
// different sequences never share an id at the same offset (exact, not probabilistic), and a
// shorter length of a sequence is a prefix of a longer one.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace kvsim {

using Token = uint32_t;
using TokenSpan = std::span<const Token>;

inline constexpr uint64_t kMaxWorkloadTokenId = (uint64_t{1} << 31) - 1;
inline constexpr uint64_t kMaxSyntheticSequences = uint64_t{1} << 31;

// Bijective 31-bit mixer (xorshift-multiply rounds, each invertible modulo 2^31).
constexpr uint32_t Mix31(uint64_t s) {
  uint32_t x = static_cast<uint32_t>(s) & 0x7fffffffu;
  x ^= x >> 16;
  x = (x * 0x45d9f3bu) & 0x7fffffffu;
  x ^= x >> 15;
  x = (x * 0x2c1b3c6du) & 0x7fffffffu;
  x ^= x >> 13;
  return x;
}

constexpr Token SyntheticToken(uint64_t sequence, uint64_t offset) {
  return 0x80000000u | ((Mix31(sequence) + static_cast<uint32_t>(offset)) & 0x7fffffffu);
}

// Appends tokens [from, from + count) of synthetic sequence `sequence` to `out`.
void AppendSynthetic(uint64_t sequence, uint64_t from, uint64_t count, std::vector<Token>* out);

// Hands out synthetic sequence ids for one workload. Trace block hashes map to even ids
// (2h), everything else (unique messages, outputs, shared keys) to odd ids, so the two never
// collide. Throws Error when more than 2^31 sequences would be needed.
class SyntheticIds {
 public:
  uint64_t Fresh();
  uint64_t Shared(const std::string& key);
  static uint64_t Block(uint64_t hash_id);

 private:
  uint64_t next_ = 0;
  std::unordered_map<std::string, uint64_t> shared_;
};

}  // namespace kvsim
