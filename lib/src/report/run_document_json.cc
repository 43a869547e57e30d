// The run document written to JSON (see kvsim/run_document_json.h).
#include "kvsim/run_document_json.h"

#include <cmath>

namespace kvsim {
namespace {

using ojson = nlohmann::ordered_json;

template <class T>
ojson Nullable(const std::optional<T>& v) {
  return v ? ojson(*v) : ojson(nullptr);
}

ojson ClassJson(const char* key, const ClassRow& c) {
  ojson o;
  std::visit([&](const auto& id) { o[key] = id; }, c.id);
  o["requests"] = c.requests;
  o["prompt_tokens"] = c.prompt_tokens;
  o["hit_tokens"] = c.hit_tokens;
  o["token_hit_rate"] = c.token_hit_rate;
  return o;
}

ojson ClassesJson(const char* key, const std::vector<ClassRow>& rows) {
  ojson a = ojson::array();
  for (const ClassRow& c : rows) a.push_back(ClassJson(key, c));
  return a;
}

ojson LatencyJson(const Latency& l) {
  return {{"mean", l.mean}, {"p50", l.p50}, {"p90", l.p90}, {"p99", l.p99}, {"max", l.max}};
}

void AddServeJson(const ServeFigures& f, ojson* row) {
  ojson& r = *row;
  r["replicas"] = f.replicas;
  r["router"] = f.router;
  r["gpu"] = f.gpu;
  r["ttft"] = LatencyJson(f.ttft);
  r["queue_wait"] = LatencyJson(f.queue_wait);
  r["tpot"] = LatencyJson(f.tpot);
  r["e2e"] = LatencyJson(f.e2e);
  r["throughput"] = {{"requests_per_s", f.requests_per_s}, {"output_tokens_per_s", f.output_tokens_per_s}};
  r["duration_s"] = f.duration_s;
  r["rejected_requests"] = f.rejected_requests;
  r["preempted_requests"] = f.preempted_requests;
  r["pool"] = {{"peak_pinned_tokens", f.peak_pinned_tokens}, {"peak_cached_tokens", f.peak_cached_tokens}};
  r["load"] = {{"requests_per_replica", f.requests_per_replica}, {"imbalance", f.imbalance}};
  r["pooled_token_hit_rate"] = f.pooled_token_hit_rate;
}

ojson ServeSettingsJson(const ServeSettings& s) {
  ojson o = {{"admission", s.admission}, {"max_num_seqs", s.max_num_seqs},
             {"max_batched_tokens", s.max_batched_tokens}};
  // JSON has no infinity: an infinite rate is the string "inf".
  const auto rate = [](const std::optional<double>& v) {
    return !v ? ojson(nullptr) : std::isinf(*v) ? ojson("inf") : ojson(*v);
  };
  o["prefill_tps"] = rate(s.prefill_tps);
  o["decode_tps"] = rate(s.decode_tps);
  o["speedup"] = s.speedup;
  o["gpu"] = s.gpu;
  o["tp"] = s.tp;
  return o;
}

ojson CurveJson(const Curve& c, ojson* row) {
  ojson points = ojson::array();
  for (const CurvePoint& p : c.points) {
    points.push_back({{"tokens", p.tokens},
                      {"bytes", p.bytes},
                      {"hit_tokens", p.hit_tokens},
                      {"token_hit_rate", p.token_hit_rate},
                      {"hit_requests", p.hit_requests},
                      {"request_hit_rate", p.request_hit_rate}});
  }
  ojson info = {{"block_size", c.block_size}, {"sample", c.sample}, {"change_points", c.change_points}, {"blocks", c.blocks}};
  if (c.error) info["error"] = {{"mean_abs", c.error->mean_abs}, {"max_abs", c.error->max_abs}};
  (*row)["curve_info"] = info;
  return points;
}

ojson TierJson(const TierFigures& t) {
  return {{"name", t.name},
          {"mode", t.exclusive ? "exclusive" : "inclusive"},
          {"codec", t.codec},
          {"bytes_per_token", t.bytes_per_token},
          {"chunk_tokens", t.chunk_tokens},
          {"capacity", {{"tokens", Nullable(t.capacity_tokens)}, {"bytes", Nullable(t.capacity_bytes)}}},
          {"bandwidth_gbps", t.bandwidth_gbps},
          {"hit_tokens", t.hit_tokens},
          {"peak_tokens", t.peak_tokens},
          {"peak_bytes", t.peak_bytes},
          {"evictions", t.evictions},
          {"recomputed_tokens", t.recomputed_tokens},
          {"load_seconds", t.load_seconds},
          {"break_even_context", Nullable(t.break_even_context)}};
}

// hit_tokens_by_tier, bytes_moved and tiers: rows with memory tiers below the GPU.
void AddTiersJson(const DocumentRow& r, ojson* row) {
  uint64_t lower = 0;
  for (const TierFigures& t : r.tiers) lower += t.hit_tokens;
  ojson by_tier = {{"gpu", r.hit_tokens - lower}};
  for (const TierFigures& t : r.tiers) by_tier[t.name] = t.hit_tokens;
  ojson moved = ojson::object();
  for (const TierMove& m : r.bytes_moved) moved[m.from + "_to_" + m.to] = m.bytes;
  ojson tiers = ojson::array();
  for (const TierFigures& t : r.tiers) tiers.push_back(TierJson(t));
  (*row)["hit_tokens_by_tier"] = by_tier;
  (*row)["bytes_moved"] = moved;
  (*row)["tiers"] = tiers;
}

ojson RowJson(const DocumentRow& r) {
  ojson row;
  if (r.point) row["point"] = *r.point;
  row["strategy"] = r.strategy;
  row["index"] = r.index;
  row["codec"] = r.codec;
  ojson options = ojson::object();
  for (const RowOption& o : r.options) std::visit([&](const auto& v) { options[o.name] = v; }, o.value);
  row["options"] = options;
  row["budget"] = {{"spec", r.budget_spec}, {"tokens", Nullable(r.budget_tokens)},
                   {"bytes", Nullable(r.budget_bytes)}};
  row["hit_tokens"] = r.hit_tokens;
  row["prompt_tokens"] = r.prompt_tokens;
  row["prefill_tokens"] = r.prefill_tokens;
  row["token_hit_rate"] = r.token_hit_rate;
  row["requests"] = r.requests;
  row["hit_requests"] = r.hit_requests;
  row["request_hit_rate"] = r.request_hit_rate;
  if (r.prefill_gpu_seconds_saved) row["prefill_gpu_seconds_saved"] = *r.prefill_gpu_seconds_saved;
  if (r.prefill_gpu_seconds) row["prefill_gpu_seconds"] = *r.prefill_gpu_seconds;
  row["evictions"] = r.evictions;
  row["memory"] = {{"peak_tokens", r.peak_tokens},
                   {"peak_bytes", r.peak_bytes},
                   {"mean_bytes", r.mean_bytes},
                   {"mean_tokens", r.mean_tokens},
                   {"bytes_per_token", {{"hot", r.hot_bytes_per_token}, {"cold", r.cold_bytes_per_token}}}};
  row["compression_ratio"] = r.compression_ratio;
  row["bits_per_channel"] = r.bits_per_channel;
  row["attention"] = r.attention ? r.attention->ToJson() : ojson(nullptr);
  row["by_turn"] = ClassesJson("turn", r.by_turn);
  if (r.by_session) row["by_session"] = ClassesJson("session", *r.by_session);
  if (r.serve) AddServeJson(*r.serve, &row);
  if (r.curve) row["curve"] = CurveJson(*r.curve, &row);
  if (!r.tiers.empty()) AddTiersJson(r, &row);
  return row;
}

ojson PlanJson(const PlanFacts& p) {
  ojson slo = ojson::object();
  for (const auto& [name, seconds] : p.slo) slo[name] = seconds;
  ojson answers = ojson::array();
  for (const PlanChoice& c : p.answers) {
    answers.push_back({{"point", c.point},
                       {"strategy", c.strategy},
                       {"budget", c.budget},
                       {"router", c.router},
                       {"replicas", Nullable(c.replicas)}});
  }
  return {{"slo", slo}, {"max_replicas", p.max_replicas}, {"answers", answers}};
}

}  // namespace

ojson ToJson(const RunDocument& d) {
  ojson doc;
  doc["kvsim"] = {{"version", d.version}, {"kernels", d.kernels}};
  doc["seed"] = d.seed;
  const WorkloadFacts& w = d.workload;
  doc["workload"] = {{"name", w.name},
                     {"path", w.path},
                     {"format", w.format},
                     {"requests", w.requests},
                     {"sessions", w.sessions},
                     {"prompt_tokens", w.prompt_tokens},
                     {"output_tokens", w.output_tokens},
                     {"working_set_tokens", w.working_set_tokens}};
  const ModelFacts& m = d.model;
  doc["model"] = {{"name", m.name},
                  {"layers", m.layers},
                  {"kv_heads", m.kv_heads},
                  {"head_dim", m.head_dim},
                  {"fp16_bytes_per_token", m.fp16_bytes_per_token}};
  if (m.prefill_tokens_per_second) doc["model"]["prefill_tokens_per_second"] = *m.prefill_tokens_per_second;
  doc["cache_output"] = d.cache_output;
  if (d.serve) doc["serve"] = ServeSettingsJson(*d.serve);
  doc["results"] = ojson::array();
  for (const DocumentRow& r : d.rows) doc["results"].push_back(RowJson(r));
  if (d.sweep) {
    doc["sweep"] = {{"points", d.sweep->points},
                    {"shard", d.sweep->shard},
                    {"strategies", d.sweep->strategies},
                    {"budgets", d.sweep->budgets}};
  }
  if (d.plan) doc["plan"] = PlanJson(*d.plan);
  if (!d.curves.empty()) {
    doc["curves"] = ojson::array();
    for (const NamedCurve& c : d.curves) {
      ojson one = {{"strategy", c.strategy}};
      one["curve"] = CurveJson(c.curve, &one);
      doc["curves"].push_back(one);
    }
  }
  if (d.workload_stats) doc["workload_stats"] = StatsToJson(*d.workload_stats);
  if (d.command) doc["command"] = *d.command;
  return doc;
}

}  // namespace kvsim
