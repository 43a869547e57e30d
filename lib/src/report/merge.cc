// Joining the documents of a sharded sweep (see kvsim/merge.h).
#include "kvsim/merge.h"

#include <algorithm>
#include <map>

#include "kvsim/error.h"
#include "kvsim/run_document_json.h"

namespace kvsim {
namespace {

// The same workload, model, seed, configuration and grid as the first shard, or an Error.
void RequireOneSweep(const RunDocument& first, const RunDocument& d, const std::string& first_name,
                     const std::string& name) {
  const auto same = [&](bool equal, const char* key) {
    if (!equal) {
      throw Error("merge: " + name + ": its \"" + key + "\" differs from " + first_name +
                  "'s; these files are not shards of one sweep");
    }
  };
  same(d.workload == first.workload, "workload");
  same(d.model == first.model, "model");
  same(d.seed == first.seed, "seed");
  same(d.cache_output == first.cache_output, "cache_output");
  const SweepFacts &a = *first.sweep, &b = *d.sweep;
  if (a.points != b.points || a.strategies != b.strategies || a.budgets != b.budgets) {
    throw Error("merge: " + name + ": a different sweep grid than " + first_name);
  }
}

void RequireEveryPoint(const std::map<uint64_t, const DocumentRow*>& rows, uint64_t total) {
  std::string missing;
  size_t absent = 0;
  for (uint64_t p = 0; p < total; ++p) {
    if (rows.count(p)) continue;
    if (++absent <= 20) missing += (missing.empty() ? "" : ", ") + std::to_string(p);
  }
  if (absent > 20) missing += " and " + std::to_string(absent - 20) + " more";
  if (!missing.empty()) throw Error("merge: points missing: " + missing + " (is a shard absent?)");
}

// Plan shards: every grid point's answer exactly once, with the probes served for it.
RunDocument MergePlans(const std::vector<RunDocument>& shards, const std::vector<std::string>& names) {
  std::map<uint64_t, std::pair<const PlanChoice*, size_t>> answers;  // point -> answer, shard
  for (size_t i = 0; i < shards.size(); ++i) {
    const RunDocument& d = shards[i];
    if (!d.plan || d.plan->slo != shards.front().plan->slo ||
        d.plan->max_replicas != shards.front().plan->max_replicas || d.serve != shards.front().serve) {
      throw Error("merge: " + names[i] + ": a different plan (SLO, --max-replicas or serving settings) than " +
                  names.front());
    }
    for (const PlanChoice& c : d.plan->answers) {
      if (!answers.emplace(c.point, std::make_pair(&c, i)).second) {
        throw Error("merge: point " + std::to_string(c.point) + " appears twice (" + names[i] + ")");
      }
    }
  }
  std::map<uint64_t, const DocumentRow*> present;
  for (const auto& [p, a] : answers) present.emplace(p, nullptr);
  RequireEveryPoint(present, shards.front().sweep->points);
  RunDocument out = shards.front();
  out.sweep->shard = "merged";
  out.rows.clear();
  out.plan->answers.clear();
  for (const auto& [p, a] : answers) {
    out.plan->answers.push_back(*a.first);
    for (const DocumentRow& row : shards[a.second].rows) {
      if (row.point == p) out.rows.push_back(row);
    }
  }
  return out;
}

// Every shard's curves, each strategy once (every shard computes the same curve), in the order
// of the sweep's strategies, curves of other strategies after them.
std::vector<NamedCurve> MergeCurves(const std::vector<RunDocument>& shards) {
  const std::vector<std::string>& order = shards.front().sweep->strategies;
  const auto rank = [&](const std::string& s) {
    return std::find(order.begin(), order.end(), s) - order.begin();
  };
  std::vector<NamedCurve> out;
  for (const RunDocument& d : shards) {
    for (const NamedCurve& c : d.curves) {
      const bool seen = std::any_of(out.begin(), out.end(),
                                    [&](const NamedCurve& o) { return o.strategy == c.strategy; });
      if (!seen) out.push_back(c);
    }
  }
  std::stable_sort(out.begin(), out.end(), [&](const NamedCurve& a, const NamedCurve& b) {
    return rank(a.strategy) < rank(b.strategy);
  });
  return out;
}

}  // namespace

RunDocument ReadShard(const nlohmann::ordered_json& json, const std::string& name) {
  if (!json.is_object() || !json.contains("sweep")) {
    throw Error("merge: " + name + ": not the JSON of a kvsim sweep");
  }
  return ReadRunDocument(json, "merge: " + name, /*sweep=*/true);
}

RunDocument MergeRuns(const std::vector<RunDocument>& shards, const std::vector<std::string>& names) {
  if (shards.empty()) throw Error("merge: no inputs");
  for (size_t i = 0; i < shards.size(); ++i) {
    if (!shards[i].sweep) throw Error("merge: " + names[i] + ": not the JSON of a kvsim sweep");
    RequireOneSweep(shards.front(), shards[i], names.front(), names[i]);
    if (shards[i].plan.has_value() != shards.front().plan.has_value()) {
      throw Error("merge: " + names[i] + ": a plan and a sweep cannot be merged");
    }
  }
  if (shards.front().plan) return MergePlans(shards, names);
  std::map<uint64_t, const DocumentRow*> rows;
  for (size_t i = 0; i < shards.size(); ++i) {
    if (!shards[i].sweep) throw Error("merge: " + names[i] + ": not the JSON of a kvsim sweep");
    RequireOneSweep(shards.front(), shards[i], names.front(), names[i]);
    for (const DocumentRow& row : shards[i].rows) {
      if (!row.point) throw Error("merge: " + names[i] + ": a result without its point");
      if (!rows.emplace(*row.point, &row).second) {
        throw Error("merge: point " + std::to_string(*row.point) + " appears twice (" + names[i] + ")");
      }
    }
  }
  RequireEveryPoint(rows, shards.front().sweep->points);
  RunDocument out = shards.front();
  out.sweep->shard = "merged";
  out.rows.clear();
  for (const auto& [p, row] : rows) out.rows.push_back(*row);
  out.curves = MergeCurves(shards);
  return out;
}

}  // namespace kvsim
