// The human table of a run document (see kvsim/run_table.h).
#include <ostream>
#include <type_traits>
#include <variant>

#include "kvsim/budget.h"
#include "kvsim/run_table.h"
#include "text_table.h"

namespace kvsim {
namespace {

void PrintHeader(std::ostream& out, const RunDocument& doc) {
  const WorkloadFacts& w = doc.workload;
  const ModelFacts& m = doc.model;
  out << "workload  " << w.name << " (" << w.format << "): " << w.requests << " requests, "
      << w.sessions << " sessions, " << FormatCount(static_cast<double>(w.prompt_tokens))
      << " prompt tokens\n"
      << "          working set " << FormatCount(static_cast<double>(w.working_set_tokens))
      << " tokens ("
      << FormatBytes(static_cast<double>(w.working_set_tokens) *
                     static_cast<double>(m.fp16_bytes_per_token))
      << " at fp16)\n";
  out << "model     " << m.name << ": " << m.layers << " layers x " << m.kv_heads << " KV heads x "
      << m.head_dim << " dims, " << FormatBytes(static_cast<double>(m.fp16_bytes_per_token))
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

std::vector<std::string> Row(const DocumentRow& r, bool probed, bool verbose) {
  const std::optional<double> share = r.ShareOfBudget();
  const auto count = [](uint64_t n) { return FormatCount(static_cast<double>(n)); };
  std::vector<std::string> row = {Wrap(r.strategy, verbose ? 48 : 22), BudgetText(r),
                                  Percent(r.token_hit_rate, 2)};
  if (verbose) row.push_back(count(r.hit_tokens) + " / " + count(r.prompt_tokens));
  row.push_back(count(r.prefill_tokens));
  row.push_back(r.prefill_gpu_seconds_saved ? Fixed(*r.prefill_gpu_seconds_saved, 1) : "-");
  row.push_back(std::to_string(r.hit_requests) + "/" + std::to_string(r.requests));
  if (verbose) row.insert(row.end(), {std::to_string(r.evictions), count(r.peak_tokens)});
  row.insert(row.end(), {FormatBytes(double(r.peak_bytes)), share ? Percent(*share) : "-",
                         Fixed(r.compression_ratio, 2) + "x"});
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

void PrintClasses(std::ostream& out, const std::string& title, const char* column,
                  const std::vector<ClassRow>& classes) {
  out << "\n" << title << "\n";
  TextTable table({column, "requests", "prompt tokens", "hit tokens", "hit rate"});
  for (const ClassRow& c : classes) {
    const std::string id = std::visit(
        [](const auto& v) {
          if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string>) {
            return v;
          } else {
            return std::to_string(v);
          }
        },
        c.id);
    table.Add({id, std::to_string(c.requests), std::to_string(c.prompt_tokens),
               std::to_string(c.hit_tokens), Percent(c.token_hit_rate, 2)});
  }
  table.Print(out);
}

uint64_t MovedBytes(const DocumentRow& r, const std::string& from, const std::string& to) {
  for (const TierMove& m : r.bytes_moved) {
    if (m.from == from && m.to == to) return m.bytes;
  }
  return 0;
}

std::string CapacityText(const TierFigures& t) {
  if (t.capacity_bytes) return FormatBytes(static_cast<double>(*t.capacity_bytes));
  if (t.capacity_tokens) return FormatCount(static_cast<double>(*t.capacity_tokens)) + "tok";
  return "inf";
}

// Each row's hits by tier, and the bytes each lower tier took in and sent up.
void PrintTiers(std::ostream& out, const RunDocument& doc) {
  TextTable table({"strategy @ budget", "tier", "capacity", "codec", "hit rate", "peak",
                   "written", "loaded to GPU"});
  for (const DocumentRow& r : doc.rows) {
    if (r.tiers.empty()) continue;
    const std::string name = r.strategy + " @ " + BudgetText(r);
    const double prompt = static_cast<double>(r.prompt_tokens);
    uint64_t lower = 0;
    for (const TierFigures& t : r.tiers) lower += t.hit_tokens;
    const auto rate = [&](uint64_t hits) { return Percent(prompt > 0 ? double(hits) / prompt : 0, 2); };
    table.Add({name, "gpu", BudgetText(r), r.codec, rate(r.hit_tokens - lower),
               FormatBytes(double(r.peak_bytes)), "-", "-"});
    std::string above = "gpu";
    for (const TierFigures& t : r.tiers) {
      const uint64_t in = MovedBytes(r, "gpu", t.name) + MovedBytes(r, above, t.name) * (above != "gpu");
      table.Add({"", t.name + (t.exclusive ? " (excl.)" : ""), CapacityText(t), t.codec,
                 rate(t.hit_tokens), FormatBytes(double(t.peak_bytes)), FormatBytes(double(in)),
                 FormatBytes(double(MovedBytes(r, t.name, "gpu")))});
      above = t.name;
    }
  }
  out << "\nmemory tiers (hit rate: share of prompt tokens served from the tier)\n";
  table.Print(out);
}

}  // namespace

void PrintRunTable(std::ostream& out, const RunDocument& doc, bool verbose) {
  PrintHeader(out, doc);
  bool probed = false;
  for (const DocumentRow& r : doc.rows) probed = probed || r.attention.has_value();
  TextTable table(Header(probed, verbose));
  for (const DocumentRow& r : doc.rows) table.Add(Row(r, probed, verbose));
  table.Print(out, 2);
  for (const DocumentRow& r : doc.rows) {
    if (!r.attention) continue;
    const AttentionSummary& a = *r.attention;
    out << "\nattention error: " << a.cases << " cases (" << a.source << " KV), " << a.queries
        << " queries over " << a.tokens_probed << " context tokens;\n  mean attention entropy "
        << Fixed(a.entropy_mean, 2) << " nats (uniform over the context would be higher, one-hot 0)\n";
    break;
  }
  bool tiered = false;
  for (const DocumentRow& r : doc.rows) tiered = tiered || !r.tiers.empty();
  if (tiered) PrintTiers(out, doc);
  if (!verbose) return;
  for (const DocumentRow& r : doc.rows) {
    const std::string name = r.strategy + " @ " + BudgetText(r);
    PrintClasses(out, name + ": by turn", "turn", r.by_turn);
    if (r.by_session) PrintClasses(out, name + ": by session", "session", *r.by_session);
  }
}

}  // namespace kvsim
