// Merging a sharded sweep: the documents of `kvsim sweep --shard i/n` joined into one.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kvsim/run_document.h"

namespace kvsim {

// Reads one shard (a sweep document) for merging. Throws Error naming `name` when it is not one.
RunDocument ReadShard(const nlohmann::ordered_json& json, const std::string& name);

// Joins the shards of one sweep, rows in point order. Throws Error (exit 2) when they do not
// belong to one sweep: different workload, model, seed or grid, duplicate or missing points.
// `names` name the shards in errors.
RunDocument MergeRuns(const std::vector<RunDocument>& shards, const std::vector<std::string>& names);

}  // namespace kvsim
