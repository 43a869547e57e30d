// What every request stream must satisfy (docs/contract.md, "Terms" and "Workload formats"), whatever input it came from. Used by the
// fuzz targets (a violation is a finding) and by the property tests. Returns "" or a
// description of the first violation.
#pragma once

#include <cmath>
#include <string>

#include "kvsim/workload.h"

namespace kvsim::testing {

inline std::string StreamViolation(const Workload& w) {
  const WorkloadInfo& info = w.info();
  uint64_t requests = 0, prompt = 0, output = 0;
  double last = 0;
  auto stream = w.Open();
  auto again = w.Open();  // a second stream must yield the same requests
  while (const Request* r = stream->Next()) {
    const Request copy = *r;
    const std::vector<Token> tokens(r->tokens.begin(), r->tokens.end());
    const Request* s = again->Next();
    if (s == nullptr) return "second stream ended early";
    if (s->prompt_len != copy.prompt_len || s->time != copy.time ||
        !std::equal(tokens.begin(), tokens.end(), s->tokens.begin(), s->tokens.end())) {
      return "two streams of one workload differ at request " + std::to_string(requests);
    }
    const std::string at = "request " + std::to_string(requests) + ": ";
    if (!std::isfinite(copy.time) || copy.time < 0) return at + "time not finite and >= 0";
    if (copy.time < last) return at + "time goes backwards";
    last = copy.time;
    if (copy.prompt_len > tokens.size()) return at + "prompt longer than the sequence";
    if (copy.system_len > copy.prompt_len) return at + "system part longer than the prompt";
    if (copy.turn < 1) return at + "turn below 1";
    if (!info.session_names.empty() && copy.session >= info.session_names.size()) {
      return at + "session out of range";
    }
    ++requests;
    prompt += copy.prompt_len;
    output += tokens.size() - copy.prompt_len;
  }
  if (again->Next() != nullptr) return "second stream is longer";
  if (requests != info.requests) return "info.requests differs from the stream";
  if (prompt != info.prompt_tokens || output != info.output_tokens) {
    return "info token counts differ from the stream";
  }
  return "";
}

}  // namespace kvsim::testing
