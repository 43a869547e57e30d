// Mooncake trace JSONL (docs/contract.md, "Mooncake traces"): {"timestamp": ms, "input_length": n, "output_length": m,
// "hash_ids": [...]}. Block j with hash id h contributes min(B, n - B j) tokens whose ids depend
// only on (h, offset in block); the output is m tokens unique to the line.
//
// The validation pass expands no token: it counts the distinct prompt tokens from the hash ids
// (PromptChains), which with the outputs' tokens, unique to their lines, is the working set.
#include <memory>

#include "jsonl_trace.h"
#include "kvsim/error.h"
#include "prompt_chains.h"
#include "trace_readers.h"

namespace kvsim {
namespace {

using json = nlohmann::json;

struct MooncakeLine {
  double time = 0;
  uint64_t input = 0, output = 0;
};

class MooncakeLineParser final : public LineParser {
 public:
  MooncakeLineParser(uint64_t block, uint64_t max_tokens)
      : block_(block), max_tokens_(max_tokens), chains_(std::make_unique<PromptChains>(block)) {}

  void Parse(const json& obj, uint64_t line_index, Request* r, std::vector<Token>* tokens,
             std::string* /*session*/) const override {
    std::vector<uint64_t> ids;
    const MooncakeLine line = Read(obj, &ids);
    Fill(line, r);
    tokens->reserve(line.input + line.output);
    for (uint64_t j = 0; j < ids.size(); ++j) {
      const uint64_t len = std::min(block_, line.input - block_ * j);
      AppendSynthetic(SyntheticIds::Block(ids[j]), 0, len, tokens);
    }
    AppendSynthetic(2 * line_index + 1, 0, line.output, tokens);
    r->tokens = *tokens;
  }

  uint64_t Validate(const json& obj, uint64_t /*line_index*/, Request* r,
                    std::vector<Token>* /*tokens*/, std::string* /*session*/) override {
    const MooncakeLine line = Read(obj, &ids_);
    Fill(line, r);
    chains_->Add(ids_, line.input);
    return line.input + line.output;
  }

  void Summarize(WorkloadInfo* info) override {
    info->distinct_prompt_tokens = chains_->distinct_tokens();
    chains_.reset();
    std::vector<uint64_t>().swap(ids_);
  }

 private:
  // Checks every field; `ids` gets the hash ids.
  MooncakeLine Read(const json& obj, std::vector<uint64_t>* ids) const {
    CheckFields(obj, {"timestamp", "input_length", "output_length", "hash_ids"});
    for (const char* field : {"timestamp", "input_length", "output_length", "hash_ids"}) {
      if (!obj.contains(field)) throw Error(std::string(field) + ": missing");
    }
    MooncakeLine line;
    line.time = JsonSeconds(obj["timestamp"], "timestamp", 1e-3);
    const uint64_t n = JsonCount(obj["input_length"], "input_length", UINT64_MAX);
    const uint64_t m = JsonCount(obj["output_length"], "output_length", UINT64_MAX);
    if (n > max_tokens_ || m > max_tokens_ - n) {
      throw Error("input_length + output_length: more than " + std::to_string(max_tokens_) +
                  " tokens in one request (raise --max-tokens)");
    }
    line.input = n;
    line.output = m;
    const json& arr = obj["hash_ids"];
    if (!arr.is_array()) throw Error("hash_ids: expected an array, got " + JsonShow(arr));
    const uint64_t blocks = (n + block_ - 1) / block_;
    if (arr.size() != blocks) {
      throw Error("hash_ids: " + std::to_string(arr.size()) + " ids do not cover input_length " +
                  std::to_string(n) + " at block size " + std::to_string(block_) + " (expected " +
                  std::to_string(blocks) + "; see --trace-block)");
    }
    ids->clear();
    for (uint64_t j = 0; j < blocks; ++j) {
      const json& h = arr[j];
      if (!h.is_number_integer() || (!h.is_number_unsigned() && h.get<int64_t>() < 0)) {
        throw Error("hash_ids[" + std::to_string(j) + "]: expected a non-negative integer, got " +
                    h.dump());
      }
      SyntheticIds::Block(h.get<uint64_t>());  // throws when out of range
      ids->push_back(h.get<uint64_t>());
    }
    return line;
  }

  static void Fill(const MooncakeLine& line, Request* r) {
    r->time = line.time;
    r->session = 0;
    r->turn = 1;
    r->system_len = 0;
    r->prompt_len = line.input;
  }

  uint64_t block_;
  uint64_t max_tokens_;
  std::unique_ptr<PromptChains> chains_;  // the validation pass's count
  std::vector<uint64_t> ids_;
};

}  // namespace

std::unique_ptr<Workload> LoadMooncakeTrace(TraceSource source, uint64_t block_size,
                                            const InputLimits& limits) {
  return std::make_unique<JsonlTrace>(std::move(source), "mooncake",
                                      std::make_unique<MooncakeLineParser>(block_size, limits.max_tokens),
                                      limits);
}

}  // namespace kvsim
