// The run document of a replay, with its derived figures (see kvsim/run_document.h).
#include "kvsim/run_document.h"

#include <algorithm>

#include "curve/curve_builder.h"
#include "kvsim/budget.h"
#include "kvsim/version.h"

namespace kvsim {
namespace {

double Rate(uint64_t num, uint64_t den) {
  return den == 0 ? 0.0 : static_cast<double>(num) / static_cast<double>(den);
}

ClassRow ClassOf(std::variant<uint64_t, std::string> id, const ClassStats& c) {
  return {std::move(id), c.requests, c.prompt_tokens, c.hit_tokens, Rate(c.hit_tokens, c.prompt_tokens)};
}

// Every option with its effective value (a codec seed of -1 means the run's seed).
std::vector<RowOption> OptionsOf(const Strategy& s, uint64_t run_seed) {
  std::vector<RowOption> out;
  for (const Options* opts : {&s.index_options, &s.codec_options}) {
    for (const auto& v : opts->values()) {
      RowOption o{v.name, v.text};
      if (v.name == "seed" && v.is_int && v.int_value < 0) {
        o.value = run_seed;
      } else if (v.is_int && v.int_value >= 0) {
        o.value = static_cast<uint64_t>(v.int_value);  // as JSON reads it back
      } else if (v.is_int) {
        o.value = v.int_value;
      }
      // A later option of the same name replaces an earlier one's value, in its place.
      auto same = std::find_if(out.begin(), out.end(), [&](const RowOption& e) { return e.name == o.name; });
      if (same != out.end()) {
        *same = std::move(o);
      } else {
        out.push_back(std::move(o));
      }
    }
  }
  return out;
}

DocumentRow RowOf(const RowResult& r, const RunOptions& options, double tps,
                  const std::vector<std::string>& session_names) {
  DocumentRow d;
  d.point = r.point;
  d.strategy = r.strategy.text;
  d.index = r.strategy.index;
  d.codec = r.strategy.codec;
  d.options = OptionsOf(r.strategy, options.seed);
  d.budget_spec = r.budget_spec.text;
  d.budget_tokens = r.budget.tokens;
  d.budget_bytes = r.budget.bytes;
  d.hit_tokens = r.hit_tokens;
  d.prompt_tokens = r.prompt_tokens;
  d.prefill_tokens = r.prompt_tokens - r.hit_tokens;
  d.token_hit_rate = Rate(r.hit_tokens, r.prompt_tokens);
  d.requests = r.requests;
  d.hit_requests = r.hit_requests;
  d.request_hit_rate = Rate(r.hit_requests, r.requests);
  d.prefill_gpu_seconds_saved = tps > 0 ? static_cast<double>(r.hit_tokens) / tps : 0.0;
  d.prefill_gpu_seconds = tps > 0 ? static_cast<double>(d.prefill_tokens) / tps : 0.0;
  d.evictions = r.evictions;
  d.peak_tokens = r.peak_tokens;
  d.peak_bytes = r.peak_bytes;
  d.mean_bytes = r.mean_bytes;
  d.mean_tokens = r.mean_tokens;
  d.hot_bytes_per_token = r.cost.hot_bytes;
  d.cold_bytes_per_token = r.cost.cold_bytes;
  d.compression_ratio = r.compression_ratio;
  d.bits_per_channel = r.bits_per_channel;
  d.attention = r.attention;
  d.serve = r.serve;
  d.curve = r.curve;
  d.tiers = r.tiers;
  d.bytes_moved = r.bytes_moved;
  for (size_t t = 0; t < r.by_turn.size(); ++t) d.by_turn.push_back(ClassOf(t + 1, r.by_turn[t]));
  if (session_names.empty()) return d;
  d.by_session.emplace();
  for (size_t s = 0; s < r.by_session.size(); ++s) {
    if (r.by_session[s].requests > 0) d.by_session->push_back(ClassOf(session_names[s], r.by_session[s]));
  }
  return d;
}

}  // namespace

std::string KvsimVersion() { return "0.1.0"; }

RunDocument MakeRunDocument(const WorkloadInfo& info, const RunResult& run,
                            const RunOptions& options, const RunContext& context) {
  RunDocument doc;
  doc.version = KvsimVersion();
  doc.kernels = context.kernels;
  doc.seed = options.seed;
  doc.workload = {info.name, info.path, info.format, info.requests, info.session_names.size(),
                  info.prompt_tokens, info.output_tokens, run.working_set_tokens};
  const ModelProfile& m = options.model;
  const double tps = PrefillTokensPerSecond(options);
  doc.model = {m.name, static_cast<uint64_t>(m.layers), static_cast<uint64_t>(m.kv_heads),
               static_cast<uint64_t>(m.head_dim), m.fp16_bytes_per_token(), tps};
  doc.cache_output = options.cache_output;
  for (const RowResult& r : run.rows) doc.rows.push_back(RowOf(r, options, tps, info.session_names));
  // Thinned, a curve still reads exactly at every row's budget.
  std::vector<uint64_t> capacities;
  for (const RowResult& r : run.rows) {
    if (r.budget.tokens) capacities.push_back(*r.budget.tokens);
    if (r.budget.bytes && r.cost.hot_bytes > 0) capacities.push_back(*r.budget.bytes / r.cost.hot_bytes);
  }
  for (const NamedCurve& c : run.curves) {
    doc.curves.push_back(c);
    doc.curves.back().curve.points = ThinPoints(c.curve.points, options.curve.points, capacities);
  }
  return doc;
}

std::optional<double> RunDocument::BudgetBytes(const DocumentRow& row) const {
  if (row.budget_bytes) return static_cast<double>(*row.budget_bytes);
  if (row.budget_tokens) {
    return static_cast<double>(*row.budget_tokens) * static_cast<double>(model.fp16_bytes_per_token);
  }
  return std::nullopt;
}

std::optional<double> DocumentRow::ShareOfBudget() const {
  if (budget_tokens) return Rate(peak_tokens, *budget_tokens);
  if (budget_bytes) return Rate(peak_bytes, *budget_bytes);
  return std::nullopt;
}

std::string BudgetText(const DocumentRow& row) {
  const std::string& spec = row.budget_spec;
  const bool binary = spec.size() > 2 && spec.compare(spec.size() - 2, 2, "iB") == 0;
  if (!row.budget_bytes || binary) return spec;
  return spec + " (" + FormatBytes(static_cast<double>(*row.budget_bytes)) + ")";
}

}  // namespace kvsim
