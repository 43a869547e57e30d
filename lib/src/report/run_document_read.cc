// The run document read back from JSON, checked once (see kvsim/run_document_json.h): a file
// edited by hand, truncated, or from another tool fails with the JSON path of the first bad field
// instead of reaching a type error deep inside a reader.
#include <algorithm>
#include <cmath>
#include <limits>

#include "kvsim/error.h"
#include "kvsim/run_document_json.h"

namespace kvsim {
namespace {

using ojson = nlohmann::ordered_json;

constexpr uint64_t kMaxPoints = 10000000;

// Typed reads of one JSON value at a path; every failure names the file and the path.
class Reader {
 public:
  explicit Reader(std::string name) : name_(std::move(name)) {}

  const ojson& Object(const ojson& parent, const char* key, const std::string& at) const {
    const ojson& v = Get(parent, key, at);
    if (!v.is_object()) Fail(Join(at, key), "expected an object", v);
    return v;
  }
  const ojson& Array(const ojson& parent, const char* key, const std::string& at) const {
    const ojson& v = Get(parent, key, at);
    if (!v.is_array()) Fail(Join(at, key), "expected an array", v);
    return v;
  }
  std::string String(const ojson& v, const std::string& at) const {
    if (!v.is_string()) Fail(at, "expected a string", v);
    return v.get<std::string>();
  }
  std::string String(const ojson& parent, const char* key, const std::string& at) const {
    return String(Get(parent, key, at), Join(at, key));
  }
  uint64_t Count(const ojson& parent, const char* key, const std::string& at) const {
    const ojson& v = Get(parent, key, at);
    if (!v.is_number_integer() || (!v.is_number_unsigned() && v.get<int64_t>() < 0)) {
      Fail(Join(at, key), "expected a non-negative integer", v);
    }
    return v.get<uint64_t>();
  }
  uint64_t Count(const ojson& array, size_t i, const std::string& at) const {
    const ojson& v = array[i];
    if (!v.is_number_integer() || (!v.is_number_unsigned() && v.get<int64_t>() < 0)) {
      Fail(at + Index(i), "expected a non-negative integer", v);
    }
    return v.get<uint64_t>();
  }
  std::optional<uint64_t> NullableCount(const ojson& parent, const char* key,
                                        const std::string& at) const {
    const ojson& v = Get(parent, key, at);
    if (v.is_null()) return std::nullopt;
    if (!v.is_number_integer() || (!v.is_number_unsigned() && v.get<int64_t>() < 0)) {
      Fail(Join(at, key), "expected a non-negative integer or null", v);
    }
    return v.get<uint64_t>();
  }
  double Number(const ojson& parent, const char* key, const std::string& at) const {
    const ojson& v = Get(parent, key, at);
    if (!v.is_number() || !std::isfinite(v.get<double>())) Fail(Join(at, key), "expected a number", v);
    return v.get<double>();
  }
  std::optional<double> OptionalNumber(const ojson& parent, const char* key,
                                       const std::string& at) const {
    if (!parent.contains(key)) return std::nullopt;
    return Number(parent, key, at);
  }
  bool Bool(const ojson& parent, const char* key, const std::string& at) const {
    const ojson& v = Get(parent, key, at);
    if (!v.is_boolean()) Fail(Join(at, key), "expected true or false", v);
    return v.get<bool>();
  }
  std::vector<std::string> Strings(const ojson& parent, const char* key, const std::string& at) const {
    const ojson& a = Array(parent, key, at);
    std::vector<std::string> out;
    for (size_t i = 0; i < a.size(); ++i) out.push_back(String(a[i], Join(at, key) + Index(i)));
    return out;
  }

  [[noreturn]] void Fail(const std::string& at, const std::string& what, const ojson& v) const {
    std::string got;
    switch (v.type()) {
      case ojson::value_t::object: got = "an object"; break;
      case ojson::value_t::array: got = "an array"; break;
      case ojson::value_t::string: got = "a string"; break;
      case ojson::value_t::null: got = "null"; break;
      case ojson::value_t::boolean: got = v.get<bool>() ? "true" : "false"; break;
      default: got = v.dump(); break;
    }
    throw Error(name_ + ": " + at + ": " + what + ", got " + got +
                " (not the JSON of a kvsim run or sweep?)");
  }

  static std::string Join(const std::string& at, const char* key) {
    return at.empty() ? key : at + "." + key;
  }
  static std::string Index(size_t i) { return "[" + std::to_string(i) + "]"; }

 private:
  const ojson& Get(const ojson& parent, const char* key, const std::string& at) const {
    const auto it = parent.find(key);
    if (it == parent.end()) {
      throw Error(name_ + ": " + Join(at, key) + ": missing (not the JSON of a kvsim run or sweep?)");
    }
    return *it;
  }

  std::string name_;
};

Distribution ReadDistribution(const Reader& r, const ojson& parent, const char* key,
                              const std::string& at) {
  const ojson& d = r.Object(parent, key, at);
  const std::string here = Reader::Join(at, key);
  Distribution out;
  out.count = r.Count(d, "count", here);
  out.mean = r.Number(d, "mean", here);
  out.min = r.Count(d, "min", here);
  out.p50 = r.Count(d, "p50", here);
  out.p90 = r.Count(d, "p90", here);
  out.p99 = r.Count(d, "p99", here);
  out.max = r.Count(d, "max", here);
  return out;
}

WorkloadStats ReadStats(const Reader& r, const ojson& doc) {
  const std::string at = "workload_stats";
  const ojson& s = r.Object(doc, "workload_stats", "");
  WorkloadStats out;
  out.requests = r.Count(s, "requests", at);
  out.sessions = r.Count(s, "sessions", at);
  out.prompt_tokens = r.Count(s, "prompt_tokens", at);
  out.output_tokens = r.Count(s, "output_tokens", at);
  out.duration_s = r.Number(s, "duration_s", at);
  out.prompt_len = ReadDistribution(r, s, "prompt_length", at);
  out.output_len = ReadDistribution(r, s, "output_length", at);
  out.turns_per_session = ReadDistribution(r, s, "turns_per_session", at);
  out.working_set_tokens = r.Count(s, "working_set_tokens", at);
  out.max_hit_tokens = r.Count(s, "max_hit_tokens", at);
  out.max_token_hit_rate = r.Number(s, "max_token_hit_rate", at);
  return out;
}

AttentionSummary ReadAttention(const Reader& r, const ojson& row, const std::string& row_at) {
  const ojson& a = r.Object(row, "attention", row_at);
  const std::string at = row_at + ".attention";
  AttentionSummary s;
  s.source = r.String(a, "source", at);
  s.cases = r.Count(a, "cases", at);
  s.queries = r.Count(a, "queries", at);
  s.tokens_probed = r.Count(a, "tokens_probed", at);
  const ojson& l2 = r.Object(a, "output_rel_l2", at);
  s.rel_l2_mean = r.Number(l2, "mean", at + ".output_rel_l2");
  s.rel_l2_p99 = r.Number(l2, "p99", at + ".output_rel_l2");
  const ojson& cosine = r.Object(a, "output_cosine", at);
  s.cosine_mean = r.Number(cosine, "mean", at + ".output_cosine");
  s.cosine_min = r.Number(cosine, "min", at + ".output_cosine");
  s.score_rmse_mean = r.Number(a, "score_rmse", at);
  s.kl_mean = r.Number(r.Object(a, "weights_kl", at), "mean", at + ".weights_kl");
  s.top8_mean = r.Number(a, "top8_recall", at);
  s.entropy_mean = r.Number(a, "attention_entropy", at);
  return s;
}

std::vector<RowOption> ReadOptions(const Reader& r, const ojson& row, const std::string& row_at) {
  const ojson& o = r.Object(row, "options", row_at);
  std::vector<RowOption> out;
  for (const auto& [name, v] : o.items()) {
    if (v.is_number_unsigned()) {
      out.push_back({name, v.get<uint64_t>()});
    } else if (v.is_number_integer()) {
      out.push_back({name, v.get<int64_t>()});
    } else {
      out.push_back({name, r.String(v, row_at + ".options." + name)});
    }
  }
  return out;
}

// by_turn (integer ids) or by_session (string ids).
std::vector<ClassRow> ReadClasses(const Reader& r, const ojson& row, const char* key,
                                  const char* id, const std::string& row_at) {
  const ojson& a = r.Array(row, key, row_at);
  std::vector<ClassRow> out;
  for (size_t i = 0; i < a.size(); ++i) {
    const std::string at = Reader::Join(row_at, key) + Reader::Index(i);
    if (!a[i].is_object()) r.Fail(at, "expected an object", a[i]);
    ClassRow c;
    if (std::string(id) == "turn") {
      c.id = r.Count(a[i], id, at);
    } else {
      c.id = r.String(a[i], id, at);
    }
    c.requests = r.Count(a[i], "requests", at);
    c.prompt_tokens = r.Count(a[i], "prompt_tokens", at);
    c.hit_tokens = r.Count(a[i], "hit_tokens", at);
    c.token_hit_rate = r.Number(a[i], "token_hit_rate", at);
    out.push_back(std::move(c));
  }
  return out;
}

void ReadMemory(const Reader& r, const ojson& row, const std::string& row_at, DocumentRow* d) {
  const ojson& m = r.Object(row, "memory", row_at);
  const std::string at = row_at + ".memory";
  d->peak_tokens = r.Count(m, "peak_tokens", at);
  d->peak_bytes = r.Count(m, "peak_bytes", at);
  d->mean_bytes = r.Number(m, "mean_bytes", at);
  d->mean_tokens = r.Number(m, "mean_tokens", at);
  const ojson& bpt = r.Object(m, "bytes_per_token", at);
  d->hot_bytes_per_token = r.Count(bpt, "hot", at + ".bytes_per_token");
  d->cold_bytes_per_token = r.Count(bpt, "cold", at + ".bytes_per_token");
}

// The counts and rates of a row, in the order kvsim writes them.
void ReadFigures(const Reader& r, const ojson& row, const std::string& at, DocumentRow* d) {
  d->hit_tokens = r.Count(row, "hit_tokens", at);
  d->prompt_tokens = r.Count(row, "prompt_tokens", at);
  d->prefill_tokens = r.Count(row, "prefill_tokens", at);
  d->requests = r.Count(row, "requests", at);
  d->hit_requests = r.Count(row, "hit_requests", at);
  d->evictions = r.Count(row, "evictions", at);
  d->token_hit_rate = r.Number(row, "token_hit_rate", at);
  d->request_hit_rate = r.Number(row, "request_hit_rate", at);
  d->compression_ratio = r.Number(row, "compression_ratio", at);
  d->bits_per_channel = r.Number(row, "bits_per_channel", at);
  d->prefill_gpu_seconds_saved = r.OptionalNumber(row, "prefill_gpu_seconds_saved", at);
  d->prefill_gpu_seconds = r.OptionalNumber(row, "prefill_gpu_seconds", at);
}

Latency ReadLatency(const Reader& r, const ojson& row, const char* key, const std::string& at) {
  const ojson& o = r.Object(row, key, at);
  const std::string here = Reader::Join(at, key);
  return {r.Number(o, "mean", here), r.Number(o, "p50", here), r.Number(o, "p90", here),
          r.Number(o, "p99", here), r.Number(o, "max", here)};
}

ServeFigures ReadServe(const Reader& r, const ojson& row, const std::string& at) {
  ServeFigures f;
  f.replicas = r.Count(row, "replicas", at);
  f.router = r.String(row, "router", at);
  f.gpu = r.String(row, "gpu", at);
  f.ttft = ReadLatency(r, row, "ttft", at);
  f.queue_wait = ReadLatency(r, row, "queue_wait", at);
  f.tpot = ReadLatency(r, row, "tpot", at);
  f.e2e = ReadLatency(r, row, "e2e", at);
  const ojson& t = r.Object(row, "throughput", at);
  f.requests_per_s = r.Number(t, "requests_per_s", at + ".throughput");
  f.output_tokens_per_s = r.Number(t, "output_tokens_per_s", at + ".throughput");
  f.duration_s = r.Number(row, "duration_s", at);
  f.rejected_requests = r.Count(row, "rejected_requests", at);
  f.preempted_requests = r.Count(row, "preempted_requests", at);
  const ojson& pool = r.Object(row, "pool", at);
  f.peak_pinned_tokens = r.Count(pool, "peak_pinned_tokens", at + ".pool");
  f.peak_cached_tokens = r.Count(pool, "peak_cached_tokens", at + ".pool");
  const ojson& load = r.Object(row, "load", at);
  const ojson& per = r.Array(load, "requests_per_replica", at + ".load");
  for (size_t i = 0; i < per.size(); ++i) f.requests_per_replica.push_back(r.Count(per, i, at + ".load.requests_per_replica"));
  f.imbalance = r.Number(load, "imbalance", at + ".load");
  f.pooled_token_hit_rate = r.Number(row, "pooled_token_hit_rate", at);
  return f;
}

Curve ReadCurve(const Reader& r, const ojson& row, const std::string& at) {
  Curve c;
  const ojson& info = r.Object(row, "curve_info", at);
  c.block_size = r.Count(info, "block_size", at + ".curve_info");
  c.sample = r.Number(info, "sample", at + ".curve_info");
  c.change_points = r.Count(info, "change_points", at + ".curve_info");
  c.blocks = r.Count(info, "blocks", at + ".curve_info");
  if (info.contains("error")) {
    const ojson& e = r.Object(info, "error", at + ".curve_info");
    c.error = CurveError{r.Number(e, "mean_abs", at + ".curve_info.error"),
                         r.Number(e, "max_abs", at + ".curve_info.error")};
  }
  const ojson& points = r.Array(row, "curve", at);
  for (size_t i = 0; i < points.size(); ++i) {
    const std::string here = at + ".curve" + Reader::Index(i);
    const ojson& p = points[i];
    if (!p.is_object()) r.Fail(here, "expected an object", p);
    c.points.push_back({r.Count(p, "tokens", here), r.Count(p, "bytes", here),
                        r.Count(p, "hit_tokens", here), r.Count(p, "hit_requests", here),
                        r.Number(p, "token_hit_rate", here), r.Number(p, "request_hit_rate", here)});
  }
  return c;
}

TierFigures ReadTier(const Reader& r, const ojson& t, const std::string& at) {
  if (!t.is_object()) r.Fail(at, "expected an object", t);
  TierFigures f;
  f.name = r.String(t, "name", at);
  const std::string mode = r.String(t, "mode", at);
  if (mode != "inclusive" && mode != "exclusive") r.Fail(at + ".mode", "expected inclusive or exclusive", t["mode"]);
  f.exclusive = mode == "exclusive";
  f.codec = r.String(t, "codec", at);
  f.bytes_per_token = r.Count(t, "bytes_per_token", at);
  f.chunk_tokens = r.Count(t, "chunk_tokens", at);
  const ojson& cap = r.Object(t, "capacity", at);
  f.capacity_tokens = r.NullableCount(cap, "tokens", at + ".capacity");
  f.capacity_bytes = r.NullableCount(cap, "bytes", at + ".capacity");
  f.bandwidth_gbps = r.Number(t, "bandwidth_gbps", at);
  f.hit_tokens = r.Count(t, "hit_tokens", at);
  f.peak_tokens = r.Count(t, "peak_tokens", at);
  f.peak_bytes = r.Count(t, "peak_bytes", at);
  f.evictions = r.Count(t, "evictions", at);
  f.recomputed_tokens = r.Count(t, "recomputed_tokens", at);
  f.load_seconds = r.Number(t, "load_seconds", at);
  if (!t.contains("break_even_context")) r.Fail(at + ".break_even_context", "missing (null when not served)", ojson());
  if (!t["break_even_context"].is_null()) f.break_even_context = r.Number(t, "break_even_context", at);
  return f;
}

// tiers and bytes_moved ("FROM_to_TO": bytes); hit_tokens_by_tier follows from them.
void ReadTiers(const Reader& r, const ojson& row, const std::string& at, DocumentRow* d) {
  const ojson& tiers = r.Array(row, "tiers", at);
  for (size_t i = 0; i < tiers.size(); ++i) {
    d->tiers.push_back(ReadTier(r, tiers[i], at + ".tiers" + Reader::Index(i)));
  }
  const ojson& moved = r.Object(row, "bytes_moved", at);
  for (const auto& [key, value] : moved.items()) {
    const size_t to = key.find("_to_");
    if (to == std::string::npos) r.Fail(at + ".bytes_moved." + key, "expected a key FROM_to_TO", value);
    d->bytes_moved.push_back({key.substr(0, to), key.substr(to + 4), r.Count(moved, key.c_str(), at + ".bytes_moved")});
  }
}

DocumentRow ReadRow(const Reader& r, const ojson& row, size_t i, uint64_t points, bool sweep) {
  const std::string at = "results" + Reader::Index(i);
  if (!row.is_object()) r.Fail(at, "expected an object", row);
  DocumentRow d;
  if (sweep || row.contains("point")) {
    d.point = r.Count(row, "point", at);
    if (points > 0 && *d.point >= points) r.Fail(at + ".point", "expected a point below sweep.points", row["point"]);
  }
  d.strategy = r.String(row, "strategy", at);
  d.index = r.String(row, "index", at);
  d.codec = r.String(row, "codec", at);
  const ojson& b = r.Object(row, "budget", at);
  d.budget_spec = r.String(b, "spec", at + ".budget");
  d.budget_tokens = r.NullableCount(b, "tokens", at + ".budget");
  d.budget_bytes = r.NullableCount(b, "bytes", at + ".budget");
  ReadFigures(r, row, at, &d);
  ReadMemory(r, row, at, &d);
  if (!row.contains("attention")) r.Fail(at + ".attention", "missing (null when not probed)", ojson());
  if (!row["attention"].is_null()) d.attention = ReadAttention(r, row, at);
  d.options = ReadOptions(r, row, at);
  d.by_turn = ReadClasses(r, row, "by_turn", "turn", at);
  if (row.contains("by_session")) d.by_session = ReadClasses(r, row, "by_session", "session", at);
  if (row.contains("ttft")) d.serve = ReadServe(r, row, at);
  if (row.contains("curve")) d.curve = ReadCurve(r, row, at);
  if (row.contains("tiers")) ReadTiers(r, row, at, &d);
  return d;
}

// A rate: a number, or "inf".
std::optional<double> ReadRate(const Reader& r, const ojson& o, const char* key, const std::string& at) {
  const ojson& v = o.contains(key) ? o[key] : ojson();
  if (v.is_null() && o.contains(key)) return std::nullopt;
  if (v.is_string() && v.get<std::string>() == "inf") return std::numeric_limits<double>::infinity();
  return r.Number(o, key, at);
}

ServeSettings ReadServeSettings(const Reader& r, const ojson& json) {
  const ojson& o = r.Object(json, "serve", "");
  ServeSettings s;
  s.admission = r.String(o, "admission", "serve");
  s.max_num_seqs = r.Count(o, "max_num_seqs", "serve");
  s.max_batched_tokens = r.Count(o, "max_batched_tokens", "serve");
  s.prefill_tps = ReadRate(r, o, "prefill_tps", "serve");
  s.decode_tps = ReadRate(r, o, "decode_tps", "serve");
  s.speedup = r.Number(o, "speedup", "serve");
  s.gpu = r.String(o, "gpu", "serve");
  s.tp = r.Count(o, "tp", "serve");
  return s;
}

PlanFacts ReadPlan(const Reader& r, const ojson& json) {
  const ojson& p = r.Object(json, "plan", "");
  PlanFacts f;
  const ojson& slo = r.Object(p, "slo", "plan");
  for (const auto& [name, v] : slo.items()) f.slo.emplace_back(name, r.Number(slo, name.c_str(), "plan.slo"));
  f.max_replicas = r.Count(p, "max_replicas", "plan");
  const ojson& answers = r.Array(p, "answers", "plan");
  if (answers.size() > kMaxPoints) r.Fail("plan.answers", "expected at most 10^7 answers", ojson(answers.size()));
  for (size_t i = 0; i < answers.size(); ++i) {
    const std::string at = "plan.answers[" + std::to_string(i) + "]";
    const ojson& a = answers[i];
    if (!a.is_object()) r.Fail(at, "expected an object", a);
    PlanChoice c;
    c.point = r.Count(a, "point", at);
    c.strategy = r.String(a, "strategy", at);
    c.budget = r.String(a, "budget", at);
    c.router = r.String(a, "router", at);
    if (!a.contains("replicas") || !a["replicas"].is_null()) c.replicas = r.Count(a, "replicas", at);
    f.answers.push_back(c);
  }
  return f;
}

void ReadHeader(const Reader& r, const ojson& json, RunDocument* d) {
  const ojson& kv = r.Object(json, "kvsim", "");
  d->version = r.String(kv, "version", "kvsim");
  d->kernels = r.String(kv, "kernels", "kvsim");
  d->seed = r.Count(json, "seed", "");
  d->cache_output = r.Bool(json, "cache_output", "");
  const ojson& w = r.Object(json, "workload", "");
  d->workload = {r.String(w, "name", "workload"), r.String(w, "path", "workload"),
                 r.String(w, "format", "workload"), r.Count(w, "requests", "workload"),
                 r.Count(w, "sessions", "workload"), r.Count(w, "prompt_tokens", "workload"),
                 r.Count(w, "output_tokens", "workload"), r.Count(w, "working_set_tokens", "workload")};
  const ojson& m = r.Object(json, "model", "");
  d->model = {r.String(m, "name", "model"), r.Count(m, "layers", "model"),
              r.Count(m, "kv_heads", "model"), r.Count(m, "head_dim", "model"),
              r.Count(m, "fp16_bytes_per_token", "model"),
              r.OptionalNumber(m, "prefill_tokens_per_second", "model")};
  if (json.contains("command")) d->command = r.Strings(json, "command", "");
  if (json.contains("workload_stats")) d->workload_stats = ReadStats(r, json);
  if (json.contains("serve")) d->serve = ReadServeSettings(r, json);
  if (json.contains("plan")) d->plan = ReadPlan(r, json);
  if (json.contains("curves")) {
    const ojson& curves = r.Array(json, "curves", "");
    for (size_t i = 0; i < curves.size(); ++i) {
      const std::string at = "curves" + Reader::Index(i);
      if (!curves[i].is_object()) r.Fail(at, "expected an object", curves[i]);
      d->curves.push_back({r.String(curves[i], "strategy", at), ReadCurve(r, curves[i], at)});
    }
  }
}

SweepFacts ReadSweep(const Reader& r, const ojson& json) {
  const ojson& s = r.Object(json, "sweep", "");
  SweepFacts f;
  f.points = r.Count(s, "points", "sweep");
  if (f.points > kMaxPoints) r.Fail("sweep.points", "expected at most 10^7 points", s["points"]);
  f.shard = r.String(s, "shard", "sweep");
  f.strategies = r.Strings(s, "strategies", "sweep");
  f.budgets = r.Strings(s, "budgets", "sweep");
  return f;
}

}  // namespace

RunDocument ReadRunDocument(const ojson& json, const std::string& name, bool sweep) {
  const Reader r(name);
  if (!json.is_object()) r.Fail("(top level)", "expected an object", json);
  RunDocument d;
  ReadHeader(r, json, &d);
  if (sweep || json.contains("sweep")) d.sweep = ReadSweep(r, json);
  const ojson& results = r.Array(json, "results", "");
  if (results.size() > kMaxPoints) r.Fail("results", "expected at most 10^7 rows", ojson(results.size()));
  const uint64_t points = d.sweep ? d.sweep->points : 0;
  for (size_t i = 0; i < results.size(); ++i) {
    d.rows.push_back(ReadRow(r, results[i], i, points, sweep));
  }
  return d;
}

}  // namespace kvsim
