// Shared machinery of the JSONL trace readers: the validation pass, the line order and the
// stream. A format supplies a LineParser. Internal header.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "kvsim/workload.h"

namespace kvsim {

// Parses one line into a request. Throws Error with the message only; the caller adds the
// file and line number. `line_index` counts non-blank lines from 0.
class LineParser {
 public:
  virtual ~LineParser() = default;
  virtual void Parse(const nlohmann::json& line, uint64_t line_index, Request* r,
                     std::vector<Token>* tokens, std::string* session) const = 0;
};

class JsonlTrace final : public Workload {
 public:
  // Validates the whole file. Throws Error naming the file and line.
  JsonlTrace(const std::string& path, std::string format, std::unique_ptr<LineParser> parser);

  const WorkloadInfo& info() const override { return info_; }
  std::unique_ptr<RequestStream> Open() const override;

 private:
  class Stream;
  struct Line {
    double time;
    uint64_t offset;
    uint64_t index;  // among non-blank lines, in file order
  };

  WorkloadInfo info_;
  std::unique_ptr<LineParser> parser_;
  std::vector<Line> order_;  // non-blank lines in replay order
  bool sorted_ = true;       // file order is replay order
  std::unordered_map<std::string, uint32_t> sessions_;
};

// Helpers for line parsers: each throws Error("field: what").
double JsonSeconds(const nlohmann::json& v, const char* field, double scale);
uint64_t JsonCount(const nlohmann::json& v, const char* field, uint64_t limit);
std::string JsonShow(const nlohmann::json& v);

}  // namespace kvsim
