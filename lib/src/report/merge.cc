// Joining the JSON documents of a sharded sweep (see kvsim/merge.h).
#include "kvsim/merge.h"

#include <map>

#include "kvsim/error.h"
#include "kvsim/run_json_check.h"

namespace kvsim {

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

}  // namespace kvsim
