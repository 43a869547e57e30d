// Sweeps, shards and merges (see kvsim/sweep.h). A shard's points are split into batches; each
// batch is replayed in lockstep over one pass of the workload (ReplayPoints), and workers pull
// batches from an atomic counter. The workload is shared read-only (chat workloads in memory,
// traces re-read by each stream): a trace is read once per batch, not once per point.
#include "kvsim/sweep.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <mutex>
#include <thread>

#include "kvsim/error.h"

namespace kvsim {

Shard Shard::Parse(const std::string& text) {
  const size_t slash = text.find('/');
  Shard s;
  try {
    if (slash == std::string::npos) throw 0;
    size_t used = 0;
    const unsigned long i = std::stoul(text.substr(0, slash), &used);
    if (used != slash) throw 0;
    const std::string rest = text.substr(slash + 1);
    const unsigned long n = std::stoul(rest, &used);
    if (used != rest.size() || n == 0 || i >= n || n > 1000000) throw 0;
    s.index = static_cast<uint32_t>(i);
    s.count = static_cast<uint32_t>(n);
  } catch (...) {
    throw Error("--shard '" + text + "': expected i/n with 0 <= i < n, such as 0/4");
  }
  return s;
}

namespace {

// Rows replayed in lockstep by one worker in one pass; more rows take more passes, so that a
// worker holds at most this many caches at once.
constexpr size_t kMaxLockstepRows = 32;

// With curve rows, the block-trie points of one block size share a batch: they read one stack
// pass, which a second batch would repeat. Their batch, by block size: 0, 1, ... in first-seen
// order, modulo the batches.
size_t CurveBatch(const Strategy& s, size_t n, std::vector<uint64_t>* sizes) {
  const auto b = static_cast<uint64_t>(s.index_options.Int("block_size"));
  auto it = std::find(sizes->begin(), sizes->end(), b);
  if (it == sizes->end()) it = sizes->insert(sizes->end(), b);
  return static_cast<size_t>(it - sizes->begin()) % n;
}

// This shard's points, split into batches: round-robin, so that slow rows (belady) spread over
// the workers, and never more than kMaxLockstepRows in one batch (curve rows aside).
std::vector<std::vector<PointSpec>> Batches(const std::vector<Strategy>& strategies,
                                            const std::vector<BudgetSpec>& budgets,
                                            const Shard& shard, size_t jobs, bool curve_rows) {
  std::vector<PointSpec> mine;
  for (size_t p = 0; p < strategies.size() * budgets.size(); ++p) {
    if (p % shard.count != shard.index) continue;
    mine.push_back({p, mine.size(), &strategies[p / budgets.size()], &budgets[p % budgets.size()]});
  }
  const size_t n = std::max({size_t{1}, std::min(jobs, mine.size()),
                             (mine.size() + kMaxLockstepRows - 1) / kMaxLockstepRows});
  std::vector<std::vector<PointSpec>> batches(n);
  std::vector<uint64_t> sizes;
  size_t next = 0;
  for (const PointSpec& p : mine) {
    const bool curve = curve_rows && p.strategy->index == "block-trie";
    batches[curve ? CurveBatch(*p.strategy, n, &sizes) : next++ % n].push_back(p);
  }
  std::erase_if(batches, [](const std::vector<PointSpec>& b) { return b.empty(); });
  return batches;
}

// The curves batch k computes: those of the strategies whose first point is in it, so that no
// two workers pass over the workload for the same curve (a curve with no point goes to batch 0).
std::vector<Strategy> CurvesOfBatch(const std::vector<std::vector<PointSpec>>& batches, size_t k,
                                    const std::vector<Strategy>& curves) {
  std::vector<Strategy> mine;
  for (const Strategy& s : curves) {
    size_t first = 0, at = SIZE_MAX;
    for (size_t b = 0; b < batches.size(); ++b) {
      for (const PointSpec& p : batches[b]) {
        if (p.strategy->text == s.text && (at == SIZE_MAX || p.number < at)) {
          at = p.number;
          first = b;
        }
      }
    }
    if (first == k) mine.push_back(s);
  }
  return mine;
}

// The batches' curves in the order asked for.
std::vector<NamedCurve> OrderCurves(const std::vector<Strategy>& asked,
                                    std::vector<NamedCurve> found) {
  std::vector<NamedCurve> out;
  for (const Strategy& s : asked) {
    for (NamedCurve& c : found) {
      if (c.strategy == s.text) out.push_back(std::move(c));
    }
  }
  return out;
}

}  // namespace

RunResult Sweep(const Workload& workload, const std::vector<Strategy>& strategies,
                const std::vector<BudgetSpec>& budgets, const RunOptions& options,
                const SweepOptions& sweep) {
  size_t jobs = sweep.jobs ? sweep.jobs : std::max(1u, std::thread::hardware_concurrency());
  const auto batches = Batches(strategies, budgets, sweep.shard, jobs, options.curve_rows);
  RunOptions shared = options;
  WorkloadMemo memo;  // belady's future, made once for every batch
  if (shared.memo == nullptr) shared.memo = &memo;
  if (batches.size() > 1) {
    shared.progress = nullptr;  // progress counts points instead
    // Known once, rather than found by every batch.
    if (!shared.working_set_tokens) {
      shared.working_set_tokens = WorkingSetTokens(workload, options.cache_output);
    }
  }
  RunResult run;
  size_t points = 0;
  for (const auto& b : batches) points += b.size();
  run.rows.resize(points);
  std::atomic<size_t> next{0}, done{0};
  std::exception_ptr failure;
  std::mutex mu;
  std::vector<NamedCurve> curves;
  auto worker = [&] {
    for (size_t k = next++; k < batches.size(); k = next++) {
      try {
        RunOptions mine = shared;
        mine.curve_strategies = CurvesOfBatch(batches, k, options.curve_strategies);
        RunResult one = ReplayPoints(workload, batches[k], mine);
        for (size_t i = 0; i < one.rows.size(); ++i) run.rows[batches[k][i].slot] = std::move(one.rows[i]);
        std::lock_guard<std::mutex> lock(mu);
        run.working_set_tokens = one.working_set_tokens;
        for (NamedCurve& c : one.curves) curves.push_back(std::move(c));
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (!failure) failure = std::current_exception();
      }
      done += batches[k].size();
      if (batches.size() > 1 && options.progress) {
        std::lock_guard<std::mutex> lock(mu);
        options.progress(done, points);
      }
    }
  };
  jobs = std::min(jobs, batches.size());
  std::vector<std::thread> threads;
  for (size_t j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);
  run.curves = OrderCurves(options.curve_strategies, std::move(curves));
  return run;
}

}  // namespace kvsim
