// Shape checks of kvsim's own run/sweep JSON before `compare`, `merge` and the reports read it
// (see kvsim/report.h): a file edited by hand, truncated, or from another tool fails with the
// JSON path of the first bad field instead of reaching a type error deep inside a reader.
#include <string>

#include "kvsim/error.h"
#include "kvsim/run_json_check.h"

namespace kvsim {
namespace {

using ojson = nlohmann::ordered_json;

constexpr uint64_t kMaxPoints = 10000000;

class Checker {
 public:
  explicit Checker(std::string name) : name_(std::move(name)) {}

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
  void String(const ojson& parent, const char* key, const std::string& at) const {
    const ojson& v = Get(parent, key, at);
    if (!v.is_string()) Fail(Join(at, key), "expected a string", v);
  }
  uint64_t Count(const ojson& parent, const char* key, const std::string& at,
                 bool nullable = false) const {
    const ojson& v = Get(parent, key, at);
    if (nullable && v.is_null()) return 0;
    if (!v.is_number_integer() || (!v.is_number_unsigned() && v.get<int64_t>() < 0)) {
      Fail(Join(at, key), nullable ? "expected a non-negative integer or null"
                                   : "expected a non-negative integer", v);
    }
    return v.get<uint64_t>();
  }
  void Number(const ojson& parent, const char* key, const std::string& at) const {
    const ojson& v = Get(parent, key, at);
    if (!v.is_number()) Fail(Join(at, key), "expected a number", v);
  }
  void Bool(const ojson& parent, const char* key, const std::string& at) const {
    const ojson& v = Get(parent, key, at);
    if (!v.is_boolean()) Fail(Join(at, key), "expected true or false", v);
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

 private:
  const ojson& Get(const ojson& parent, const char* key, const std::string& at) const {
    const auto it = parent.find(key);
    if (it == parent.end()) {
      throw Error(name_ + ": " + Join(at, key) + ": missing (not the JSON of a kvsim run or sweep?)");
    }
    return *it;
  }
  static std::string Join(const std::string& at, const char* key) {
    return at.empty() ? key : at + "." + key;
  }

  std::string name_;
};

void CheckDistribution(const Checker& c, const ojson& parent, const char* key,
                       const std::string& at) {
  const ojson& d = c.Object(parent, key, at);
  const std::string here = at + "." + key;
  c.Number(d, "mean", here);
  for (const char* p : {"p50", "p90", "p99"}) c.Count(d, p, here);
}

}  // namespace

void CheckRunJson(const ojson& doc, const std::string& name, bool sweep) {
  const Checker c(name);
  if (!doc.is_object()) c.Fail("(top level)", "expected an object", doc);
  const ojson& kv = c.Object(doc, "kvsim", "");
  c.String(kv, "version", "kvsim");
  c.String(kv, "kernels", "kvsim");
  c.Count(doc, "seed", "");
  c.Bool(doc, "cache_output", "");
  const ojson& w = c.Object(doc, "workload", "");
  for (const char* f : {"name", "path", "format"}) c.String(w, f, "workload");
  for (const char* f : {"requests", "sessions", "prompt_tokens", "output_tokens", "working_set_tokens"}) {
    c.Count(w, f, "workload");
  }
  const ojson& m = c.Object(doc, "model", "");
  c.String(m, "name", "model");
  for (const char* f : {"layers", "kv_heads", "head_dim", "fp16_bytes_per_token"}) c.Count(m, f, "model");
  if (m.contains("prefill_tokens_per_second")) c.Number(m, "prefill_tokens_per_second", "model");
  if (doc.contains("command")) {
    const ojson& cmd = c.Array(doc, "command", "");
    for (size_t i = 0; i < cmd.size(); ++i) {
      if (!cmd[i].is_string()) c.Fail("command[" + std::to_string(i) + "]", "expected a string", cmd[i]);
    }
  }
  if (doc.contains("workload_stats")) {
    const ojson& s = c.Object(doc, "workload_stats", "");
    c.Count(s, "sessions", "workload_stats");
    c.Number(s, "max_token_hit_rate", "workload_stats");
    for (const char* f : {"prompt_length", "output_length", "turns_per_session"}) {
      CheckDistribution(c, s, f, "workload_stats");
    }
  }
  uint64_t points = 0;
  if (sweep || doc.contains("sweep")) {
    const ojson& s = c.Object(doc, "sweep", "");
    points = c.Count(s, "points", "sweep");
    if (points > kMaxPoints) c.Fail("sweep.points", "expected at most 10^7 points", s["points"]);
    c.Array(s, "strategies", "sweep");
    c.Array(s, "budgets", "sweep");
  }
  const ojson& results = c.Array(doc, "results", "");
  if (results.size() > kMaxPoints) c.Fail("results", "expected at most 10^7 rows", ojson(results.size()));
  for (size_t i = 0; i < results.size(); ++i) {
    const std::string at = "results[" + std::to_string(i) + "]";
    const ojson& r = results[i];
    if (!r.is_object()) c.Fail(at, "expected an object", r);
    if (sweep || r.contains("point")) {
      if (c.Count(r, "point", at) >= std::max<uint64_t>(points, 1) && points > 0) {
        c.Fail(at + ".point", "expected a point below sweep.points", r["point"]);
      }
    }
    for (const char* f : {"strategy", "index", "codec"}) c.String(r, f, at);
    const ojson& b = c.Object(r, "budget", at);
    c.String(b, "spec", at + ".budget");
    c.Count(b, "tokens", at + ".budget", /*nullable=*/true);
    c.Count(b, "bytes", at + ".budget", /*nullable=*/true);
    for (const char* f : {"hit_tokens", "prompt_tokens", "prefill_tokens", "requests", "hit_requests", "evictions"}) {
      c.Count(r, f, at);
    }
    for (const char* f : {"token_hit_rate", "request_hit_rate", "compression_ratio", "bits_per_channel"}) {
      c.Number(r, f, at);
    }
    if (r.contains("prefill_gpu_seconds_saved")) c.Number(r, "prefill_gpu_seconds_saved", at);
    const ojson& mem = c.Object(r, "memory", at);
    c.Count(mem, "peak_tokens", at + ".memory");
    c.Count(mem, "peak_bytes", at + ".memory");
    c.Number(mem, "mean_bytes", at + ".memory");
    if (!r.contains("attention")) c.Fail(at + ".attention", "missing (null when not probed)", ojson());
    if (!r["attention"].is_null()) {
      const ojson& a = c.Object(r, "attention", at);
      const ojson& l2 = c.Object(a, "output_rel_l2", at + ".attention");
      c.Number(l2, "mean", at + ".attention.output_rel_l2");
      c.Number(l2, "p99", at + ".attention.output_rel_l2");
      c.Number(a, "top8_recall", at + ".attention");
    }
  }
}

}  // namespace kvsim
