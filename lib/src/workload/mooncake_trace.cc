// Mooncake trace JSONL (docs/contract.md, "Mooncake traces"): {"timestamp": ms, "input_length": n, "output_length": m,
// "hash_ids": [...]}. Block j with hash id h contributes min(B, n - B j) tokens whose ids depend
// only on (h, offset in block); the output is m tokens unique to the line.
#include "jsonl_trace.h"
#include "kvsim/error.h"
#include "trace_readers.h"

namespace kvsim {
namespace {

using json = nlohmann::json;

class MooncakeLineParser final : public LineParser {
 public:
  MooncakeLineParser(uint64_t block, uint64_t max_tokens) : block_(block), max_tokens_(max_tokens) {}

  void Parse(const json& obj, uint64_t line_index, Request* r, std::vector<Token>* tokens,
             std::string* /*session*/) const override {
    CheckFields(obj, {"timestamp", "input_length", "output_length", "hash_ids"});
    for (const char* field : {"timestamp", "input_length", "output_length", "hash_ids"}) {
      if (!obj.contains(field)) throw Error(std::string(field) + ": missing");
    }
    r->time = JsonSeconds(obj["timestamp"], "timestamp", 1e-3);
    r->session = 0;
    r->turn = 1;
    r->system_len = 0;
    const uint64_t n = JsonCount(obj["input_length"], "input_length", UINT64_MAX);
    const uint64_t m = JsonCount(obj["output_length"], "output_length", UINT64_MAX);
    if (n > max_tokens_ || m > max_tokens_ - n) {
      throw Error("input_length + output_length: more than " + std::to_string(max_tokens_) +
                  " tokens in one request (raise --max-tokens)");
    }
    const json& ids = obj["hash_ids"];
    if (!ids.is_array()) throw Error("hash_ids: expected an array, got " + JsonShow(ids));
    const uint64_t blocks = (n + block_ - 1) / block_;
    if (ids.size() != blocks) {
      throw Error("hash_ids: " + std::to_string(ids.size()) + " ids do not cover input_length " +
                  std::to_string(n) + " at block size " + std::to_string(block_) + " (expected " +
                  std::to_string(blocks) + "; see --trace-block)");
    }
    tokens->reserve(n + m);
    for (uint64_t j = 0; j < blocks; ++j) {
      const json& h = ids[j];
      if (!h.is_number_integer() || (!h.is_number_unsigned() && h.get<int64_t>() < 0)) {
        throw Error("hash_ids[" + std::to_string(j) + "]: expected a non-negative integer, got " +
                    h.dump());
      }
      const uint64_t len = std::min(block_, n - block_ * j);
      AppendSynthetic(SyntheticIds::Block(h.get<uint64_t>()), 0, len, tokens);
    }
    r->prompt_len = n;
    AppendSynthetic(2 * line_index + 1, 0, m, tokens);
    r->tokens = *tokens;
  }

 private:
  uint64_t block_;
  uint64_t max_tokens_;
};

}  // namespace

std::unique_ptr<Workload> LoadMooncakeTrace(TraceSource source, uint64_t block_size,
                                            const InputLimits& limits) {
  return std::make_unique<JsonlTrace>(std::move(source), "mooncake",
                                      std::make_unique<MooncakeLineParser>(block_size, limits.max_tokens),
                                      limits);
}

}  // namespace kvsim
