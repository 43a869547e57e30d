// The run's JSON document (docs/contract.md, "Output") and its human table.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <unistd.h>

#include "kvsim/cancel.h"
#include "kvsim/error.h"
#include "kvsim/report.h"
#include "kvsim/run_table.h"
#include "kvsim/version.h"
#include "text_table.h"

namespace kvsim {
namespace {

using ojson = nlohmann::ordered_json;

double Rate(uint64_t num, uint64_t den) {
  return den == 0 ? 0.0 : static_cast<double>(num) / static_cast<double>(den);
}

ojson Nullable(const std::optional<uint64_t>& v) { return v ? ojson(*v) : ojson(nullptr); }

ojson ClassJson(const char* key, const ojson& id, const ClassStats& c) {
  ojson o;
  o[key] = id;
  o["requests"] = c.requests;
  o["prompt_tokens"] = c.prompt_tokens;
  o["hit_tokens"] = c.hit_tokens;
  o["token_hit_rate"] = Rate(c.hit_tokens, c.prompt_tokens);
  return o;
}

// Every option with its effective value (a codec seed of -1 means the run's seed).
ojson OptionsJson(const Strategy& s, uint64_t run_seed) {
  ojson o = ojson::object();
  for (const Options* opts : {&s.index_options, &s.codec_options}) {
    for (const auto& v : opts->values()) {
      if (v.name == "seed" && v.is_int && v.int_value < 0) {
        o[v.name] = run_seed;
      } else {
        o[v.name] = v.is_int ? ojson(v.int_value) : ojson(v.text);
      }
    }
  }
  return o;
}

std::string BudgetText(const RowResult& r) {
  const BudgetSpec& spec = r.budget_spec;
  // A share, or decimal bytes (10GB is 9.31 GiB): shown beside their binary size, so that nobody
  // reads 10^9 for 2^30.
  const bool binary = spec.text.size() > 2 && spec.text.compare(spec.text.size() - 2, 2, "iB") == 0;
  if (spec.kind == BudgetSpec::Kind::kPercent ||
      (spec.kind == BudgetSpec::Kind::kBytes && !binary)) {
    return spec.text + " (" + FormatBytes(static_cast<double>(*r.budget.bytes)) + ")";
  }
  return spec.text;
}

}  // namespace

std::string KvsimVersion() { return "0.1.0"; }

ojson RunToJson(const WorkloadInfo& info, const RunResult& run, const RunOptions& options,
                const RunContext& context) {
  ojson doc;
  doc["kvsim"] = {{"version", KvsimVersion()}, {"kernels", context.kernels}};
  doc["seed"] = options.seed;
  doc["workload"] = {{"name", info.name},
                     {"path", info.path},
                     {"format", info.format},
                     {"requests", info.requests},
                     {"sessions", info.session_names.size()},
                     {"prompt_tokens", info.prompt_tokens},
                     {"output_tokens", info.output_tokens},
                     {"working_set_tokens", run.working_set_tokens}};
  const ModelProfile& m = options.model;
  const double tps = PrefillTokensPerSecond(options);
  doc["model"] = {{"name", m.name},
                  {"layers", m.layers},
                  {"kv_heads", m.kv_heads},
                  {"head_dim", m.head_dim},
                  {"fp16_bytes_per_token", m.fp16_bytes_per_token()},
                  {"prefill_tokens_per_second", tps}};
  doc["cache_output"] = options.cache_output;
  ojson results = ojson::array();
  for (const RowResult& r : run.rows) {
    ojson row;
    row["point"] = r.point;
    row["strategy"] = r.strategy.text;
    row["index"] = r.strategy.index;
    row["codec"] = r.strategy.codec;
    row["options"] = OptionsJson(r.strategy, options.seed);
    row["budget"] = {{"spec", r.budget_spec.text},
                     {"tokens", Nullable(r.budget.tokens)},
                     {"bytes", Nullable(r.budget.bytes)}};
    row["hit_tokens"] = r.hit_tokens;
    row["prompt_tokens"] = r.prompt_tokens;
    row["prefill_tokens"] = r.prompt_tokens - r.hit_tokens;
    row["token_hit_rate"] = Rate(r.hit_tokens, r.prompt_tokens);
    row["requests"] = r.requests;
    row["hit_requests"] = r.hit_requests;
    row["request_hit_rate"] = Rate(r.hit_requests, r.requests);
    row["prefill_gpu_seconds_saved"] = tps > 0 ? static_cast<double>(r.hit_tokens) / tps : 0.0;
    row["prefill_gpu_seconds"] =
        tps > 0 ? static_cast<double>(r.prompt_tokens - r.hit_tokens) / tps : 0.0;
    row["evictions"] = r.evictions;
    row["memory"] = {{"peak_tokens", r.peak_tokens},
                     {"peak_bytes", r.peak_bytes},
                     {"mean_bytes", r.mean_bytes},
                     {"mean_tokens", r.mean_tokens},
                     {"bytes_per_token", {{"hot", r.cost.hot_bytes}, {"cold", r.cost.cold_bytes}}}};
    row["compression_ratio"] = r.compression_ratio;
    row["bits_per_channel"] = r.bits_per_channel;
    row["attention"] = r.attention ? r.attention->ToJson() : ojson(nullptr);
    ojson turns = ojson::array();
    for (size_t t = 0; t < r.by_turn.size(); ++t) {
      turns.push_back(ClassJson("turn", t + 1, r.by_turn[t]));
    }
    row["by_turn"] = turns;
    if (!info.session_names.empty()) {
      ojson sessions = ojson::array();
      for (size_t s = 0; s < r.by_session.size(); ++s) {
        if (r.by_session[s].requests == 0) continue;
        sessions.push_back(ClassJson("session", info.session_names[s], r.by_session[s]));
      }
      row["by_session"] = sessions;
    }
    results.push_back(row);
  }
  doc["results"] = results;
  return doc;
}

namespace {

void PrintHeader(std::ostream& out, const WorkloadInfo& info, const RunResult& run,
                 const ModelProfile& m) {
  out << "workload  " << info.name << " (" << info.format << "): " << info.requests
      << " requests, " << info.session_names.size() << " sessions, "
      << FormatCount(static_cast<double>(info.prompt_tokens)) << " prompt tokens\n"
      << "          working set "
      << FormatCount(static_cast<double>(run.working_set_tokens)) << " tokens ("
      << FormatBytes(static_cast<double>(run.working_set_tokens) *
                     static_cast<double>(m.fp16_bytes_per_token()))
      << " at fp16)\n";
  out << "model     " << m.name << ": " << m.layers << " layers x " << m.kv_heads << " KV heads x "
      << m.head_dim << " dims, " << FormatBytes(static_cast<double>(m.fp16_bytes_per_token()))
      << " per token at fp16\n\n";
}

// The table's columns: a short default that fits about 120 columns, and with -v every figure.
// The names are the README glossary's, shared with the HTML report.
std::vector<std::string> Header(bool probed, bool verbose) {
  std::vector<std::string> h = {"strategy", "budget", "hit rate"};
  if (verbose) h.push_back("hit / prompt tokens");
  for (const char* c : {"prefill", "GPU-s saved", "req hits"}) h.push_back(c);
  if (verbose) h.insert(h.end(), {"evictions", "peak tokens"});
  for (const char* c : {"peak bytes", "of budget", "compr."}) h.push_back(c);
  if (!probed) return h;
  if (verbose) h.push_back("bits/ch");
  h.push_back("rel-L2");
  if (verbose) h.insert(h.end(), {"rel-L2 p99", "cosine", "top-8", "KL"});
  return h;
}

std::vector<std::string> Row(const RowResult& r, double tps, bool probed, bool verbose) {
  std::string share = "-";
  if (r.budget.bytes) share = Percent(Rate(r.peak_bytes, *r.budget.bytes));
  if (r.budget.tokens) share = Percent(Rate(r.peak_tokens, *r.budget.tokens));
  const auto count = [](uint64_t n) { return FormatCount(static_cast<double>(n)); };
  std::vector<std::string> row = {Wrap(r.strategy.text, verbose ? 48 : 22), BudgetText(r),
                                  Percent(Rate(r.hit_tokens, r.prompt_tokens), 2)};
  if (verbose) row.push_back(count(r.hit_tokens) + " / " + count(r.prompt_tokens));
  row.push_back(count(r.prompt_tokens - r.hit_tokens));
  row.push_back(tps > 0 ? Fixed(static_cast<double>(r.hit_tokens) / tps, 1) : "-");
  row.push_back(std::to_string(r.hit_requests) + "/" + std::to_string(r.requests));
  if (verbose) row.insert(row.end(), {std::to_string(r.evictions), count(r.peak_tokens)});
  row.insert(row.end(), {FormatBytes(double(r.peak_bytes)), share, Fixed(r.compression_ratio, 2) + "x"});
  if (!probed) return row;
  if (verbose) row.push_back(Fixed(r.bits_per_channel, 2));
  const AttentionSummary* a = r.attention ? &*r.attention : nullptr;
  row.push_back(a ? Fixed(a->rel_l2_mean, 4) : "exact");
  if (!verbose) return row;
  for (const std::string& v : {a ? Fixed(a->rel_l2_p99, 4) : "exact", a ? Fixed(a->cosine_mean, 4) : "exact",
                               a ? Percent(a->top8_mean, 1) : "exact", a ? Fixed(a->kl_mean, 5) : "exact"}) {
    row.push_back(v);
  }
  return row;
}

}  // namespace

void PrintRunTable(std::ostream& out, const WorkloadInfo& info, const RunResult& run,
                   const RunOptions& options, bool verbose) {
  PrintHeader(out, info, run, options.model);
  bool probed = false;
  for (const RowResult& r : run.rows) probed = probed || r.attention.has_value();
  TextTable table(Header(probed, verbose));
  const double tps = PrefillTokensPerSecond(options);
  for (const RowResult& r : run.rows) table.Add(Row(r, tps, probed, verbose));
  table.Print(out, 2);
  for (const RowResult& r : run.rows) {
    if (!r.attention) continue;
    const AttentionSummary& a = *r.attention;
    out << "\nattention error: " << a.cases << " cases (" << a.source << " KV), " << a.queries
        << " queries over " << a.tokens_probed << " context tokens;\n  mean attention entropy "
        << Fixed(a.entropy_mean, 2) << " nats (uniform over the context would be higher, one-hot 0)\n";
    break;
  }
  if (!verbose) return;
  for (const RowResult& r : run.rows) {
    out << "\n" << r.strategy.text << " @ " << BudgetText(r) << ": by turn\n";
    TextTable turns({"turn", "requests", "prompt tokens", "hit tokens", "hit rate"});
    for (size_t t = 0; t < r.by_turn.size(); ++t) {
      const ClassStats& c = r.by_turn[t];
      turns.Add({std::to_string(t + 1), std::to_string(c.requests), std::to_string(c.prompt_tokens),
                 std::to_string(c.hit_tokens), Percent(Rate(c.hit_tokens, c.prompt_tokens), 2)});
    }
    turns.Print(out);
    if (r.by_session.empty()) continue;
    out << "\n" << r.strategy.text << " @ " << BudgetText(r) << ": by session\n";
    TextTable sessions({"session", "requests", "prompt tokens", "hit tokens", "hit rate"});
    for (size_t s = 0; s < r.by_session.size(); ++s) {
      const ClassStats& c = r.by_session[s];
      if (c.requests == 0) continue;
      sessions.Add({info.session_names[s], std::to_string(c.requests),
                    std::to_string(c.prompt_tokens), std::to_string(c.hit_tokens),
                    Percent(Rate(c.hit_tokens, c.prompt_tokens), 2)});
    }
    sessions.Print(out);
  }
}

}  // namespace kvsim
