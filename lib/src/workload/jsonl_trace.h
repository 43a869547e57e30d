// Shared machinery of the JSONL trace readers: the validation pass, the line order and the
// stream. A format supplies a LineParser. Internal header.
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "kvsim/workload.h"
#include "trace_readers.h"

namespace kvsim {

// Parses one line into a request. Throws Error with the message only; the caller adds the
// file and line number. `line_index` counts non-blank lines from 0.
class LineParser {
 public:
  virtual ~LineParser() = default;
  virtual void Parse(const nlohmann::json& line, uint64_t line_index, Request* r,
                     std::vector<Token>* tokens, std::string* session) const = 0;

  // The validation pass: checks the line exactly as Parse does and sets r's time and prompt_len
  // and `session`, without materializing what only a replay needs; returns the sequence length
  // (prompt + output). Called once per line in file order, before any Parse.
  virtual uint64_t Validate(const nlohmann::json& line, uint64_t line_index, Request* r,
                            std::vector<Token>* tokens, std::string* session) {
    Parse(line, line_index, r, tokens, session);
    return r->tokens.size();
  }
  // Fast paths for lines of a format's common shape, read without building a JSON document:
  // each converts `text` exactly as Parse / Validate convert its JSON and returns true, or
  // returns false, and then the caller parses the JSON. Default: no fast path.
  virtual bool ParseText(std::string_view /*text*/, uint64_t /*line_index*/, Request* /*r*/,
                         std::vector<Token>* /*tokens*/, std::string* /*session*/) const {
    return false;
  }
  virtual bool ValidateText(std::string_view /*text*/, uint64_t /*line_index*/, Request* /*r*/,
                            std::vector<Token>* /*tokens*/, std::string* /*session*/,
                            uint64_t* /*sequence*/) {
    return false;
  }
  // After the validation pass: adds what it learnt to `info`.
  virtual void Summarize(WorkloadInfo* /*info*/) {}
};

class JsonlTrace final : public Workload {
 public:
  // Validates the whole input. Throws Error naming the file and line.
  JsonlTrace(TraceSource source, std::string format, std::unique_ptr<LineParser> parser,
             const InputLimits& limits);

  const WorkloadInfo& info() const override { return info_; }
  std::unique_ptr<RequestStream> Open() const override;

 private:
  class Stream;
  struct Line {
    double time;
    uint64_t offset;
    uint64_t index;  // among non-blank lines, in file order
  };

  std::unique_ptr<std::istream> OpenInput() const;
  // The first `count` non-blank lines, re-read from the input (validated already).
  std::vector<Line> EarlierLines(uint64_t count) const;

  WorkloadInfo info_;
  std::shared_ptr<const std::string> memory_;  // the input, when it is not a file
  InputLimits limits_;
  std::unique_ptr<LineParser> parser_;
  bool sorted_ = true;       // file order is replay order
  std::vector<Line> order_;  // non-blank lines in replay order; empty while sorted_
  std::unordered_map<std::string, uint32_t> sessions_;
};

// Reads one line (without its '\n') of at most `max_bytes`. Returns false at the end of the
// input; throws LineTooLong, having read at most max_bytes + 64 KiB of it.
struct LineTooLong {};
bool ReadJsonlLine(std::istream& in, std::string* line, uint64_t max_bytes);
bool Blank(const std::string& line);
// True when `text` nests JSON no deeper than `max_depth`.
bool CheckedDepth(const std::string& text, int max_depth);

// Helpers for line parsers: each throws Error("field: what").
double JsonSeconds(const nlohmann::json& v, const char* field, double scale);
uint64_t JsonCount(const nlohmann::json& v, const char* field, uint64_t limit);
std::string JsonShow(const nlohmann::json& v);
// "KEY: unknown field (expected a, b, c)", with a suggestion for a near miss ("input_lenght" ->
// 'input_length'), for the first key of `obj` not in `known`. Throws Error.
void CheckFields(const nlohmann::json& obj, const std::vector<std::string>& known);

}  // namespace kvsim
