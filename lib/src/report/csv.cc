// The CSV writer of a run document (see kvsim/csv.h).
#include "kvsim/csv.h"

#include <nlohmann/json.hpp>

namespace kvsim {
namespace {

// A number as the JSON holds it; an absent value is an empty cell.
template <class T>
std::string Cell(const std::optional<T>& v) {
  return v ? nlohmann::ordered_json(*v).dump() : "";
}
template <class T>
std::string Cell(const T& v) {
  return nlohmann::ordered_json(v).dump();
}
std::string Cell(const std::string& s) {
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::vector<std::string> Cells(const DocumentRow& r) {
  const AttentionSummary* a = r.attention ? &*r.attention : nullptr;
  const auto attention = [&](double AttentionSummary::*f) {
    return a ? Cell(a->*f) : std::string();
  };
  return {Cell(r.point), Cell(r.strategy), Cell(r.index), Cell(r.codec), Cell(r.budget_spec),
          Cell(r.budget_tokens), Cell(r.budget_bytes), Cell(r.hit_tokens), Cell(r.prompt_tokens),
          Cell(r.prefill_tokens), Cell(r.token_hit_rate), Cell(r.requests), Cell(r.hit_requests),
          Cell(r.request_hit_rate), Cell(r.evictions), Cell(r.peak_tokens), Cell(r.peak_bytes),
          Cell(r.mean_bytes), Cell(r.compression_ratio), Cell(r.bits_per_channel),
          Cell(r.prefill_gpu_seconds_saved), attention(&AttentionSummary::rel_l2_mean),
          attention(&AttentionSummary::rel_l2_p99), attention(&AttentionSummary::top8_mean)};
}

}  // namespace

std::string RunToCsv(const RunDocument& doc) {
  std::string out =
      "point,strategy,index,codec,budget,budget_tokens,budget_bytes,hit_tokens,prompt_tokens,"
      "prefill_tokens,token_hit_rate,requests,hit_requests,request_hit_rate,evictions,"
      "peak_tokens,peak_bytes,mean_bytes,compression_ratio,bits_per_channel,"
      "prefill_gpu_seconds_saved,attention_rel_l2_mean,attention_rel_l2_p99,attention_top8_recall\n";
  for (const DocumentRow& r : doc.rows) {
    const std::vector<std::string> cells = Cells(r);
    for (size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + cells[i];
    out += "\n";
  }
  return out;
}

}  // namespace kvsim
