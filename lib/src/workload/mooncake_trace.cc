// Mooncake trace JSONL (docs/contract.md, "Mooncake traces"): {"timestamp": ms, "input_length": n, "output_length": m,
// "hash_ids": [...]}. Block j with hash id h contributes min(B, n - B j) tokens whose ids depend
// only on (h, offset in block); the output is m tokens unique to the line.
//
// The validation pass expands no token: it counts the distinct prompt tokens from the hash ids
// (PromptChains), which with the outputs' tokens, unique to their lines, is the working set.
// Lines of the common shape are read by a scanner (mooncake_scan.h) rather than the JSON parser.
#include <memory>

#include "jsonl_trace.h"
#include "kvsim/error.h"
#include "mooncake_scan.h"
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
    Expand(Read(obj, &ids), ids, line_index, r, tokens);
  }

  bool ParseText(std::string_view text, uint64_t line_index, Request* r,
                 std::vector<Token>* tokens, std::string* /*session*/) const override {
    MooncakeFields f;
    if (!ScanMooncakeLine(text, &f)) return false;
    Expand(Checked(f), f.hash_ids, line_index, r, tokens);
    return true;
  }

  uint64_t Validate(const json& obj, uint64_t /*line_index*/, Request* r,
                    std::vector<Token>* /*tokens*/, std::string* /*session*/) override {
    return Count(Read(obj, &ids_), r);
  }

  bool ValidateText(std::string_view text, uint64_t /*line_index*/, Request* r,
                    std::vector<Token>* /*tokens*/, std::string* /*session*/,
                    uint64_t* sequence) override {
    if (!ScanMooncakeLine(text, &scanned_)) return false;
    const MooncakeLine line = Checked(scanned_);
    ids_.swap(scanned_.hash_ids);
    *sequence = Count(line, r);
    return true;
  }

  void Summarize(WorkloadInfo* info) override {
    info->distinct_prompt_tokens = chains_->distinct_tokens();
    chains_.reset();
    std::vector<uint64_t>().swap(ids_);
    std::vector<uint64_t>().swap(scanned_.hash_ids);
  }

 private:
  // The request of `line` with prompt blocks `ids`, its tokens expanded.
  void Expand(const MooncakeLine& line, const std::vector<uint64_t>& ids, uint64_t line_index,
              Request* r, std::vector<Token>* tokens) const {
    Fill(line, r);
    tokens->reserve(line.input + line.output);
    for (uint64_t j = 0; j < ids.size(); ++j) {
      const uint64_t len = std::min(block_, line.input - block_ * j);
      AppendSynthetic(SyntheticIds::Block(ids[j]), 0, len, tokens);
    }
    AppendSynthetic(2 * line_index + 1, 0, line.output, tokens);
    r->tokens = *tokens;
  }

  // The validation pass's count of `line`, whose prompt blocks are ids_.
  uint64_t Count(const MooncakeLine& line, Request* r) {
    Fill(line, r);
    chains_->Add(ids_, line.input);
    return line.input + line.output;
  }

  // A scanned line (well-typed already) checked as Read checks it, in the same order.
  MooncakeLine Checked(const MooncakeFields& f) const {
    MooncakeLine line;
    line.time = static_cast<double>(f.timestamp) * 1e-3;  // JsonSeconds of an integer
    line.input = f.input_length;
    line.output = f.output_length;
    CheckTotal(line.input, line.output);
    CheckCount(f.hash_ids.size(), line.input);
    for (const uint64_t h : f.hash_ids) SyntheticIds::Block(h);  // throws when out of range
    return line;
  }

  void CheckTotal(uint64_t n, uint64_t m) const {
    if (n > max_tokens_ || m > max_tokens_ - n) {
      throw Error("input_length + output_length: more than " + std::to_string(max_tokens_) +
                  " tokens in one request (raise --max-tokens)");
    }
  }

  void CheckCount(uint64_t ids, uint64_t n) const {
    const uint64_t blocks = (n + block_ - 1) / block_;
    if (ids != blocks) {
      throw Error("hash_ids: " + std::to_string(ids) + " ids do not cover input_length " +
                  std::to_string(n) + " at block size " + std::to_string(block_) + " (expected " +
                  std::to_string(blocks) + "; see --trace-block)");
    }
  }

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
    CheckTotal(n, m);
    line.input = n;
    line.output = m;
    const json& arr = obj["hash_ids"];
    if (!arr.is_array()) throw Error("hash_ids: expected an array, got " + JsonShow(arr));
    CheckCount(arr.size(), n);
    ids->clear();
    for (uint64_t j = 0; j < arr.size(); ++j) {
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
  MooncakeFields scanned_;
};

}  // namespace

std::unique_ptr<Workload> LoadMooncakeTrace(TraceSource source, uint64_t block_size,
                                            const InputLimits& limits) {
  return std::make_unique<JsonlTrace>(std::move(source), "mooncake",
                                      std::make_unique<MooncakeLineParser>(block_size, limits.max_tokens),
                                      limits);
}

}  // namespace kvsim
