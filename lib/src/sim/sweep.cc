// Sweeps, shards and merges (see kvsim/sweep.h). A shard's points are split into batches; each
// batch is replayed in lockstep over one pass of the workload (ReplayPoints), and workers pull
// batches from an atomic counter. The workload is shared read-only (chat workloads in memory,
// traces re-read by each stream): a trace is read once per batch, not once per point.
#include "kvsim/sweep.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <exception>
#include <mutex>
#include <map>
#include <set>
#include <thread>

#include "kvsim/error.h"
#include "kvsim/run_json_check.h"

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

// This shard's points, split into batches: round-robin, so that slow rows (belady) spread over
// the workers, and never more than kMaxLockstepRows in one batch.
std::vector<std::vector<PointSpec>> Batches(const std::vector<Strategy>& strategies,
                                            const std::vector<BudgetSpec>& budgets,
                                            const Shard& shard, size_t jobs) {
  std::vector<PointSpec> mine;
  for (size_t p = 0; p < strategies.size() * budgets.size(); ++p) {
    if (p % shard.count != shard.index) continue;
    mine.push_back({p, mine.size(), &strategies[p / budgets.size()], &budgets[p % budgets.size()]});
  }
  const size_t n = std::max({size_t{1}, std::min(jobs, mine.size()),
                             (mine.size() + kMaxLockstepRows - 1) / kMaxLockstepRows});
  std::vector<std::vector<PointSpec>> batches(n);
  for (size_t k = 0; k < mine.size(); ++k) batches[k % n].push_back(mine[k]);
  return batches;
}

}  // namespace

RunResult Sweep(const Workload& workload, const std::vector<Strategy>& strategies,
                const std::vector<BudgetSpec>& budgets, const RunOptions& options,
                const SweepOptions& sweep) {
  size_t jobs = sweep.jobs ? sweep.jobs : std::max(1u, std::thread::hardware_concurrency());
  const auto batches = Batches(strategies, budgets, sweep.shard, jobs);
  RunOptions shared = options;
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
  auto worker = [&] {
    for (size_t k = next++; k < batches.size(); k = next++) {
      try {
        RunResult one = ReplayPoints(workload, batches[k], shared);
        for (size_t i = 0; i < one.rows.size(); ++i) run.rows[batches[k][i].slot] = std::move(one.rows[i]);
        std::lock_guard<std::mutex> lock(mu);
        run.working_set_tokens = one.working_set_tokens;
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
  return run;
}

nlohmann::ordered_json MergeRuns(const std::vector<nlohmann::ordered_json>& docs,
                                 const std::vector<std::string>& names) {
  if (docs.empty()) throw Error("merge: no inputs");
  const auto& first = docs.front();
  auto same = [&](const nlohmann::ordered_json& d, const char* key, const std::string& name) {
    if (!d.contains(key) || d[key] != first[key]) {
      throw Error("merge: " + name + ": its \"" + key + "\" differs from " + names.front() +
                  "'s; these files are not shards of one sweep");
    }
  };
  std::map<size_t, nlohmann::ordered_json> rows;
  size_t total = 0;
  for (size_t i = 0; i < docs.size(); ++i) {
    const auto& d = docs[i];
    if (!d.is_object() || !d.contains("sweep")) {
      throw Error("merge: " + names[i] + ": not the JSON of a kvsim sweep");
    }
    CheckRunJson(d, "merge: " + names[i], /*sweep=*/true);
    for (const char* key : {"workload", "model", "seed", "cache_output"}) same(d, key, names[i]);
    if (d["sweep"]["points"] != first["sweep"]["points"] ||
        d["sweep"]["strategies"] != first["sweep"]["strategies"] ||
        d["sweep"]["budgets"] != first["sweep"]["budgets"]) {
      throw Error("merge: " + names[i] + ": a different sweep grid than " + names.front());
    }
    total = d["sweep"]["points"].get<size_t>();
    for (const auto& row : d["results"]) {
      const size_t p = row["point"].get<size_t>();
      if (!rows.emplace(p, row).second) {
        throw Error("merge: point " + std::to_string(p) + " appears twice (" + names[i] + ")");
      }
    }
  }
  std::string missing;
  size_t absent = 0;
  for (size_t p = 0; p < total; ++p) {
    if (rows.count(p)) continue;
    if (++absent <= 20) missing += (missing.empty() ? "" : ", ") + std::to_string(p);
  }
  if (absent > 20) missing += " and " + std::to_string(absent - 20) + " more";
  if (!missing.empty()) throw Error("merge: points missing: " + missing + " (is a shard absent?)");
  nlohmann::ordered_json out = first;
  out["sweep"]["shard"] = "merged";
  out["results"] = nlohmann::ordered_json::array();
  for (auto& [p, row] : rows) out["results"].push_back(row);
  return out;
}

namespace {

std::string Csv(const nlohmann::ordered_json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) {
    std::string s = v.get<std::string>(), q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  }
  return v.dump();
}

}  // namespace

std::string RunToCsv(const nlohmann::ordered_json& doc) {
  std::string out =
      "point,strategy,index,codec,budget,budget_tokens,budget_bytes,hit_tokens,prompt_tokens,"
      "prefill_tokens,token_hit_rate,requests,hit_requests,request_hit_rate,evictions,"
      "peak_tokens,peak_bytes,mean_bytes,compression_ratio,bits_per_channel,"
      "prefill_gpu_seconds_saved,attention_rel_l2_mean,attention_rel_l2_p99,attention_top8_recall\n";
  for (const auto& r : doc["results"]) {
    const auto& a = r["attention"];
    const nlohmann::ordered_json null;
    const std::vector<nlohmann::ordered_json> cells = {
        r.value("point", null), r["strategy"], r["index"], r["codec"], r["budget"]["spec"],
        r["budget"]["tokens"], r["budget"]["bytes"], r["hit_tokens"], r["prompt_tokens"],
        r["prefill_tokens"], r["token_hit_rate"], r["requests"], r["hit_requests"],
        r["request_hit_rate"], r["evictions"], r["memory"]["peak_tokens"],
        r["memory"]["peak_bytes"], r["memory"]["mean_bytes"], r["compression_ratio"],
        r["bits_per_channel"], r.value("prefill_gpu_seconds_saved", null),
        a.is_null() ? null : a["output_rel_l2"]["mean"], a.is_null() ? null : a["output_rel_l2"]["p99"],
        a.is_null() ? null : a["top8_recall"]};
    for (size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + Csv(cells[i]);
    out += "\n";
  }
  return out;
}

}  // namespace kvsim
