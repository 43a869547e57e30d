// A row's lower memory tiers (see tier_stack.h).
#include "tier/tier_stack.h"

#include <algorithm>

#include "util/token_ops.h"

namespace kvsim {

TierStack::TierStack(std::vector<LowerTier> tiers, uint64_t chunk_tokens) : c_(chunk_tokens) {
  for (LowerTier& t : tiers) {
    t.figures.chunk_tokens = chunk_tokens;
    const uint64_t bpt = t.figures.bytes_per_token;
    const TierPolicy policy = t.figures.arc ? TierPolicy::kArc : TierPolicy::kLru;
    levels_.push_back({std::move(t.figures), ChunkStore(t.capacity, chunk_tokens, bpt, policy)});
  }
  moved_.assign((levels_.size() + 1) * (levels_.size() + 1), 0);
}

void TierStack::KeysOf(TokenSpan seq, bool reuse) {
  if (!reuse || seq.data() != keyed_.data() || seq.size() < keyed_.size()) keys_.clear();
  ExtendChunkKeys(seq, c_, &keys_);
  keyed_ = seq;
}

uint64_t TierStack::Extend(TokenSpan seq, uint64_t prompt_len, uint64_t gpu_hit) {
  const TierFind runs = Find(seq, prompt_len, gpu_hit);
  Load(runs);
  return runs.empty() ? gpu_hit : runs.back().end;
}

TierFind TierStack::Find(TokenSpan seq, uint64_t prompt_len, uint64_t gpu_hit) {
  KeysOf(seq, false);
  const uint64_t limit = prompt_len == 0 ? 0 : prompt_len - 1;
  TierFind runs;
  uint64_t hit = gpu_hit;
  for (size_t k = gpu_hit / c_; k < keys_.size() && (k + 1) * c_ <= limit; ++k) {
    size_t i = 0;
    while (i < levels_.size() && !levels_[i].store.Contains(keys_[k])) ++i;
    if (i == levels_.size()) break;
    if (runs.empty() || runs.back().tier != i) runs.push_back({i, hit, hit});
    hit = runs.back().end = (k + 1) * c_;
  }
  return runs;
}

void TierStack::Load(const TierFind& runs, bool count_hits) {
  for (const TierRun& run : runs) {
    const uint64_t n = run.end - run.begin;
    if (count_hits) levels_[run.tier].figures.hit_tokens += n;
    Moved(static_cast<int>(run.tier), -1) += n * levels_[run.tier].figures.bytes_per_token;
  }
}

void TierStack::Written(TokenSpan seq) {
  KeysOf(seq, true);
  keyed_ = {};  // the span may be freed, or reused for another sequence, after this
  for (size_t i = 0; i < levels_.size(); ++i) {
    for (auto k = keys_.rbegin(); k != keys_.rend(); ++k) {  // deepest first: evicted first
      if (levels_[i].figures.exclusive) {
        levels_[i].store.Remove(*k);
      } else {
        Put(i, -1, *k);
      }
    }
  }
}

void TierStack::Evicted(TokenSpan prefix, uint64_t begin) {
  if (levels_.empty() || !levels_[0].figures.exclusive) return;
  // Evictions come in runs along one path (a leaf, then its parent...): the keys of the chunks
  // this prefix shares with the last evicted one are those already computed.
  const size_t n = std::min(prefix.size(), evicted_.size());
  scratch_.resize(std::min<size_t>(scratch_.size(), CommonPrefix(evicted_.data(), prefix.data(), n) / c_));
  ExtendChunkKeys(prefix, c_, &scratch_);
  evicted_.assign(prefix.begin(), prefix.end());
  for (size_t k = scratch_.size(); k-- > 0 && (k + 1) * c_ > begin;) Put(0, -1, scratch_[k]);
}

void TierStack::Settle() {
  for (size_t i = 0; i < levels_.size(); ++i) {
    ChunkStore& s = levels_[i].store;
    while (s.OverCapacity()) {
      const ChunkKey k = s.EvictOne();
      ++levels_[i].figures.evictions;
      if (i + 1 < levels_.size() && levels_[i + 1].figures.exclusive) {
        Put(i + 1, static_cast<int>(i), k);
      }
    }
  }
}

void TierStack::Put(size_t i, int from, const ChunkKey& k) {
  if (!levels_[i].store.CanHold()) return;  // nothing is written to a tier too small for a chunk
  if (levels_[i].store.Touch(k)) {
    Moved(from, static_cast<int>(i)) += c_ * levels_[i].figures.bytes_per_token;
  }
}

void TierStack::Sample() {
  for (Level& l : levels_) {
    l.figures.peak_tokens = std::max(l.figures.peak_tokens, l.store.tokens());
    l.figures.peak_bytes = std::max(l.figures.peak_bytes, l.store.bytes());
  }
}

std::vector<TierFigures> TierStack::Figures() const {
  std::vector<TierFigures> f;
  for (const Level& l : levels_) f.push_back(l.figures);
  return f;
}

std::vector<TierMove> TierStack::Moves() const {
  const auto name = [&](int i) { return i < 0 ? std::string("gpu") : levels_[i].figures.name; };
  std::vector<TierMove> moves;
  const int n = static_cast<int>(levels_.size());
  for (int from = -1; from < n; ++from) {
    for (int to = -1; to < n; ++to) {
      if (from != to && (from < 0 || to < 0 || to == from + 1)) {
        moves.push_back({name(from), name(to), MovedBytes(from, to)});
      }
    }
  }
  return moves;
}

uint64_t TierStack::lower_hit_tokens() const {
  uint64_t n = 0;
  for (const Level& l : levels_) n += l.figures.hit_tokens;
  return n;
}

}  // namespace kvsim
