// Token trace JSONL (docs/contract.md, "Token traces"): {"t": s, "session": "c1", "prompt": [ids], "output": [ids] | N}.
#include "jsonl_trace.h"
#include "kvsim/error.h"
#include "trace_readers.h"

namespace kvsim {
namespace {

using json = nlohmann::json;

std::string TooMany(uint64_t limit) {
  return "more than " + std::to_string(limit) + " tokens in one request (raise --max-tokens)";
}

void ReadIds(const json& arr, const char* field, uint64_t limit, std::vector<Token>* out) {
  if (!arr.is_array()) {
    throw Error(std::string(field) + ": expected an array of token ids, got " + JsonShow(arr));
  }
  if (arr.size() > limit - out->size()) throw Error(std::string(field) + ": " + TooMany(limit));
  for (size_t i = 0; i < arr.size(); ++i) {
    const json& v = arr[i];
    if (!v.is_number_integer() || (!v.is_number_unsigned() && v.get<int64_t>() < 0) ||
        v.get<uint64_t>() > kMaxWorkloadTokenId) {
      throw Error(std::string(field) + "[" + std::to_string(i) +
                  "]: expected a token id below 2^31, got " + v.dump());
    }
    out->push_back(static_cast<Token>(v.get<uint64_t>()));
  }
}

class TokenLineParser final : public LineParser {
 public:
  explicit TokenLineParser(uint64_t max_tokens) : max_tokens_(max_tokens) {}

  void Parse(const json& obj, uint64_t line_index, Request* r, std::vector<Token>* tokens,
             std::string* session) const override {
    CheckFields(obj, {"t", "session", "prompt", "output"});
    r->time = obj.contains("t") ? JsonSeconds(obj["t"], "t", 1.0) : 0.0;
    r->session = 0;
    r->turn = 1;
    r->system_len = 0;
    if (obj.contains("session")) {
      const json& s = obj["session"];
      if (s.is_string()) *session = s.get<std::string>();
      else if (s.is_number_integer()) *session = s.dump();
      else throw Error("session: expected a string, got " + JsonShow(s));
    }
    if (!obj.contains("prompt")) throw Error("prompt: missing (an array of token ids)");
    ReadIds(obj["prompt"], "prompt", max_tokens_, tokens);
    r->prompt_len = tokens->size();
    if (obj.contains("output")) {
      const json& out = obj["output"];
      if (out.is_array()) {
        ReadIds(out, "output", max_tokens_, tokens);
      } else {
        const uint64_t n = JsonCount(out, "output", UINT64_MAX);
        if (n > max_tokens_ - tokens->size()) throw Error("output: " + TooMany(max_tokens_));
        AppendSynthetic(2 * line_index + 1, 0, n, tokens);  // odd: unique to this line
      }
    }
    r->tokens = *tokens;
  }

 private:
  uint64_t max_tokens_;
};

}  // namespace

std::unique_ptr<Workload> LoadTokenTrace(TraceSource source, const InputLimits& limits) {
  return std::make_unique<JsonlTrace>(std::move(source), "trace",
                                      std::make_unique<TokenLineParser>(limits.max_tokens), limits);
}

}  // namespace kvsim
