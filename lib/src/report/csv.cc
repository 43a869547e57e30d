// The CSV writer of a run document (see kvsim/csv.h).
#include "kvsim/csv.h"

#include <cstdio>

namespace kvsim {

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
