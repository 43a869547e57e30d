// cache-aware: the SGLang router's cache-aware policy, as sglang-router 0.2.3 defines it and
// `python -m sglang_router.launch_router` sets it up (cache threshold 0.3, balance thresholds 64
// absolute and 1.5 relative, tree eviction every 120 s down to 2^26 per worker).
//
// Load is the router's own count of requests it sent to a worker that have not completed.
// When the load is imbalanced (max - min > 64 and max > 1.5 x min) the least-loaded worker
// wins. Otherwise the request is matched against an approximate radix tree shared by all
// workers, where each node records which workers were sent it and when: if the matched share
// of the prompt is above the threshold, the worker holding the deepest match wins, else the
// worker with the smallest tree. Either way the prompt is inserted under the winner. The tree
// is kvsim's own: it matches token ids where SGLang matches characters (a trace has only
// token ids; the thresholds are ratios and counts either way), and ties go to the lowest id
// where SGLang's go by hash-map order.
#include <algorithm>
#include <cmath>
#include <queue>
#include <unordered_map>

#include "routers.h"
#include "util/token_ops.h"

namespace kvsim {
namespace {

constexpr double kCacheThreshold = 0.3;
constexpr uint64_t kBalanceAbs = 64;
constexpr double kBalanceRel = 1.5;
constexpr double kEvictionInterval = 120;        // seconds
constexpr uint64_t kMaxTreeSize = uint64_t{1} << 26;  // tokens per worker

// The approximate tree: a token radix tree whose nodes carry, per worker, the last time a
// request sent there passed through them.
class ApproxTree {
 public:
  explicit ApproxTree(size_t workers) : size_(workers, 0) { nodes_.emplace_back(); }

  // The matched length and the worker of the deepest node reached (the lowest id there); the
  // path is touched for that worker.
  std::pair<size_t, size_t> Match(TokenSpan t, double now);
  void Insert(TokenSpan t, size_t worker, double now);
  // Evicts each worker's least recently used leaves until its size is at most `max`.
  void Evict(uint64_t max);
  // The worker with the fewest tokens (the lowest id on ties).
  size_t Smallest() const { return std::min_element(size_.begin(), size_.end()) - size_.begin(); }

 private:
  struct Node {
    uint32_t parent = 0;
    bool alive = true;
    std::vector<Token> seg;
    std::unordered_map<Token, uint32_t> children;
    std::vector<std::pair<uint32_t, double>> workers;  // worker, last access
  };
  void Stamp(uint32_t node, size_t worker, double now);  // adds the worker if missing
  void Touch(uint32_t node, size_t worker, double now);  // when the worker is there
  uint32_t Split(uint32_t node, size_t at);
  void Detach(uint32_t node, size_t worker);

  std::vector<Node> nodes_;  // [0] is the root
  std::vector<uint64_t> size_;
};

void ApproxTree::Stamp(uint32_t node, size_t worker, double now) {
  auto& w = nodes_[node].workers;
  for (auto& [id, time] : w) {
    if (id == worker) {
      time = now;
      return;
    }
  }
  w.emplace_back(static_cast<uint32_t>(worker), now);
  size_[worker] += nodes_[node].seg.size();
}

void ApproxTree::Touch(uint32_t node, size_t worker, double now) {
  for (auto& [id, time] : nodes_[node].workers) {
    if (id == worker) time = now;
  }
}

// Splits `node` after `at` tokens of its segment; returns the new upper node.
uint32_t ApproxTree::Split(uint32_t node, size_t at) {
  const uint32_t upper = static_cast<uint32_t>(nodes_.size());
  nodes_.emplace_back();
  Node& n = nodes_[node];
  Node& u = nodes_[upper];
  u.parent = n.parent;
  u.seg.assign(n.seg.begin(), n.seg.begin() + static_cast<std::ptrdiff_t>(at));
  u.workers = n.workers;  // the sizes are unchanged: the tokens are only cut in two
  n.seg.erase(n.seg.begin(), n.seg.begin() + static_cast<std::ptrdiff_t>(at));
  nodes_[u.parent].children[u.seg[0]] = upper;
  u.children[n.seg[0]] = node;
  n.parent = upper;
  return upper;
}

std::pair<size_t, size_t> ApproxTree::Match(TokenSpan t, double now) {
  uint32_t cur = 0;
  size_t pos = 0;
  std::vector<uint32_t> path;
  while (pos < t.size()) {
    const auto it = nodes_[cur].children.find(t[pos]);
    if (it == nodes_[cur].children.end()) break;
    const Node& c = nodes_[it->second];
    const size_t m = CommonPrefix(c.seg.data(), t.data() + pos, std::min(c.seg.size(), t.size() - pos));
    pos += m;
    cur = it->second;
    path.push_back(cur);
    if (m < c.seg.size()) break;
  }
  if (path.empty() || nodes_[cur].workers.empty()) return {0, 0};
  size_t worker = nodes_[cur].workers[0].first;
  for (const auto& [id, time] : nodes_[cur].workers) worker = std::min<size_t>(worker, id);
  for (uint32_t n : path) Touch(n, worker, now);
  return {pos, worker};
}

void ApproxTree::Insert(TokenSpan t, size_t worker, double now) {
  uint32_t cur = 0;
  size_t pos = 0;
  while (pos < t.size()) {
    const auto it = nodes_[cur].children.find(t[pos]);
    if (it == nodes_[cur].children.end()) {
      const uint32_t leaf = static_cast<uint32_t>(nodes_.size());
      nodes_.emplace_back();
      nodes_[leaf].parent = cur;
      nodes_[leaf].seg.assign(t.begin() + static_cast<std::ptrdiff_t>(pos), t.end());
      nodes_[cur].children[t[pos]] = leaf;
      Stamp(leaf, worker, now);
      return;
    }
    uint32_t next = it->second;
    const Node& c = nodes_[next];
    const size_t m = CommonPrefix(c.seg.data(), t.data() + pos, std::min(c.seg.size(), t.size() - pos));
    if (m < c.seg.size()) next = Split(next, m);
    Stamp(next, worker, now);
    pos += m;
    cur = next;
  }
}

void ApproxTree::Detach(uint32_t node, size_t worker) {
  Node& n = nodes_[node];
  auto& w = n.workers;
  w.erase(std::find_if(w.begin(), w.end(), [&](const auto& p) { return p.first == worker; }));
  size_[worker] -= n.seg.size();
  if (!w.empty() || !n.children.empty()) return;
  nodes_[n.parent].children.erase(n.seg[0]);
  n.alive = false;
  std::vector<Token>().swap(n.seg);
}

void ApproxTree::Evict(uint64_t max) {
  for (size_t worker = 0; worker < size_.size(); ++worker) {
    if (size_[worker] <= max) continue;
    const auto holds = [&](uint32_t i) {
      for (const auto& [id, time] : nodes_[i].workers) {
        if (id == worker) return time;
      }
      return -1.0;
    };
    const auto leaf = [&](uint32_t i) {
      for (const auto& [tok, c] : nodes_[i].children) {
        if (holds(c) >= 0) return false;
      }
      return true;
    };
    using Entry = std::pair<double, uint32_t>;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap;
    for (uint32_t i = 1; i < nodes_.size(); ++i) {
      if (nodes_[i].alive && holds(i) >= 0 && leaf(i)) heap.emplace(holds(i), i);
    }
    while (size_[worker] > max && !heap.empty()) {
      const uint32_t i = heap.top().second;
      heap.pop();
      const uint32_t parent = nodes_[i].parent;
      Detach(i, worker);
      if (parent != 0 && holds(parent) >= 0 && leaf(parent)) heap.emplace(holds(parent), parent);
    }
  }
}

class CacheAware final : public Router {
 public:
  explicit CacheAware(size_t n) : tree_(n), load_(n, 0) {}

  size_t Route(const LiveRequest& r, double now, const std::vector<Replica*>&) override {
    while (now >= next_eviction_) {
      tree_.Evict(kMaxTreeSize);
      next_eviction_ += kEvictionInterval;
    }
    const TokenSpan prompt = TokenSpan(r.tokens).first(r.prompt_len);
    const auto [lo, hi] = std::minmax_element(load_.begin(), load_.end());
    size_t worker;
    if (*hi - *lo > kBalanceAbs && static_cast<double>(*hi) > static_cast<double>(*lo) * kBalanceRel) {
      worker = static_cast<size_t>(lo - load_.begin());
    } else {
      const auto [matched, holder] = tree_.Match(prompt, now);
      const double rate = prompt.empty() ? 0 : static_cast<double>(matched) / static_cast<double>(prompt.size());
      worker = rate > kCacheThreshold ? holder : tree_.Smallest();
    }
    tree_.Insert(prompt, worker, now);
    ++load_[worker];
    return worker;
  }

  void Left(size_t replica, uint64_t) override { --load_[replica]; }

 private:
  ApproxTree tree_;
  std::vector<uint64_t> load_;  // requests sent and not completed, per worker
  double next_eviction_ = kEvictionInterval;
};

}  // namespace

std::unique_ptr<Router> NewCacheAwareRouter(size_t replicas) { return std::make_unique<CacheAware>(replicas); }

}  // namespace kvsim
