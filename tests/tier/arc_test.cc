// A tier's ARC against a reference written from Megiddo and Modha's pseudocode (FAST '03, Fig. 4):
// the same hits and the same contents after every access, when each access is settled before the
// next; the invariants of ARC hold throughout; LRU is the plain recency order.
#include <doctest/doctest.h>

#include <algorithm>
#include <list>
#include <random>

#include "tier/chunk_store.h"

namespace kvsim {
namespace {

// The paper's ARC over integer keys, cache size c.
class ReferenceArc {
 public:
  explicit ReferenceArc(size_t c) : c_(c) {}

  // Returns whether x was a hit (in T1 or T2).
  bool Access(int x) {
    if (Has(t1_, x) || Has(t2_, x)) {  // case I
      Erase(t1_, x);
      Erase(t2_, x);
      t2_.push_front(x);
      return true;
    }
    if (Has(b1_, x)) {  // case II
      p_ = std::min<double>(double(c_), p_ + std::max(double(b2_.size()) / double(b1_.size()), 1.0));
      Replace(false);
      Erase(b1_, x);
      t2_.push_front(x);
      return false;
    }
    if (Has(b2_, x)) {  // case III
      p_ = std::max(0.0, p_ - std::max(double(b1_.size()) / double(b2_.size()), 1.0));
      Replace(true);
      Erase(b2_, x);
      t2_.push_front(x);
      return false;
    }
    if (t1_.size() + b1_.size() == c_) {  // case IV A
      if (t1_.size() < c_) {
        b1_.pop_back();
        Replace(false);
      } else {
        t1_.pop_back();
      }
    } else if (t1_.size() + t2_.size() + b1_.size() + b2_.size() >= c_) {  // case IV B
      if (t1_.size() + t2_.size() + b1_.size() + b2_.size() == 2 * c_) b2_.pop_back();
      Replace(false);
    }
    t1_.push_front(x);
    return false;
  }

  bool Holds(int x) const { return Has(t1_, x) || Has(t2_, x); }
  size_t size() const { return t1_.size() + t2_.size(); }
  double p() const { return p_; }

 private:
  void Replace(bool in_b2) {
    if (!t1_.empty() && (double(t1_.size()) > p_ || (in_b2 && double(t1_.size()) == p_))) {
      b1_.push_front(t1_.back());
      t1_.pop_back();
    } else {
      b2_.push_front(t2_.back());
      t2_.pop_back();
    }
  }
  static bool Has(const std::list<int>& l, int x) { return std::find(l.begin(), l.end(), x) != l.end(); }
  static void Erase(std::list<int>& l, int x) { l.remove(x); }

  size_t c_;
  double p_ = 0;
  std::list<int> t1_, t2_, b1_, b2_;  // front: most recent
};

ChunkKey Key(int x) { return {static_cast<uint64_t>(x) * 0x9e3779b97f4a7c15ull, static_cast<uint64_t>(x)}; }

TEST_CASE("ARC equals the paper's algorithm access by access") {
  for (const size_t c : {1, 2, 5, 16, 64}) {
    for (const uint64_t seed : {1, 2, 3}) {
      std::mt19937_64 rng(seed);
      ReferenceArc ref(c);
      ChunkStore arc(Budget{c * 4, std::nullopt}, 4, 2, TierPolicy::kArc);
      const int universe = static_cast<int>(3 * c + 2);
      std::uniform_int_distribution<int> any(0, universe - 1), hot(0, static_cast<int>(c / 2));
      for (int step = 0; step < 5000; ++step) {
        // A mix of a hot set and scans: what ARC adapts between.
        const int x = (step / 500) % 2 == 0 ? hot(rng) : any(rng);
        CAPTURE(c);
        CAPTURE(seed);
        CAPTURE(step);
        const bool hit = arc.Contains(Key(x));
        REQUIRE(hit == ref.Access(x));
        arc.Touch(Key(x));
        while (arc.OverCapacity()) arc.EvictOne();
        REQUIRE(arc.chunks() == ref.size());
        REQUIRE(arc.chunks() <= c);
        REQUIRE(arc.arc_target() == ref.p());
        REQUIRE(arc.arc_target() <= double(c));
        for (int y = 0; y < universe; ++y) REQUIRE(arc.Contains(Key(y)) == ref.Holds(y));
      }
    }
  }
}

TEST_CASE("LRU evicts in recency order and removals leave no trace") {
  ChunkStore lru(Budget{3, std::nullopt}, 1, 1);
  for (int x : {1, 2, 3, 1, 4}) {
    lru.Touch(Key(x));
    while (lru.OverCapacity()) lru.EvictOne();
  }
  CHECK(!lru.Contains(Key(2)));  // 2 was the least recently used when 4 came
  CHECK(lru.Contains(Key(1)));
  CHECK(lru.Remove(Key(3)));
  CHECK(!lru.Remove(Key(3)));
  CHECK(lru.chunks() == 2);
  CHECK(lru.Touch(Key(3)));      // a write again
}

}  // namespace
}  // namespace kvsim
