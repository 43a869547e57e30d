// Workloads: where requests come from (docs/contract.md, "Workload formats").
//
// A Workload is opened once (LoadWorkload validates the whole input, so a bad file fails before
// any replay starts or any output is written) and can then hand out any number of independent
// RequestStreams, each yielding the requests in replay order (ascending time, ties in file
// order). Chat workloads live in memory; trace workloads stream from their file, so memory grows
// with what the cache holds, not with the file.
//
// Thread-safety: a Workload is immutable after loading; each stream belongs to one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kvsim/input_limits.h"
#include "kvsim/token.h"

namespace kvsim {

struct Request {
  double time = 0;         // seconds
  uint32_t session = 0;    // index into WorkloadInfo::session_names (or the trace line's group)
  uint32_t turn = 1;       // 1-based turn number within its session
  TokenSpan tokens;        // the sequence: prompt followed by output
  size_t prompt_len = 0;
  size_t system_len = 0;   // length of the leading run of system messages (lru-buckets)
  double delay = 0;        // chat: the user's think time before it (kvsim serve's closed loop)

  TokenSpan prompt() const { return tokens.first(prompt_len); }
  TokenSpan output() const { return tokens.subspan(prompt_len); }
};

// Yields requests in replay order. The returned pointer (and the tokens it views) stays valid
// until the next call to Next(); nullptr marks the end.
class RequestStream {
 public:
  virtual ~RequestStream() = default;
  virtual const Request* Next() = 0;
};

struct WorkloadInfo {
  std::string name;
  std::string path;
  std::string format;  // "chat", "trace" or "mooncake"
  uint64_t requests = 0;
  uint64_t prompt_tokens = 0;
  uint64_t output_tokens = 0;
  std::vector<std::string> session_names;  // empty when requests carry no session
  // Tokens in the union of every prompt's prefixes (what an unbounded radix tree holds of the
  // prompts), when the reader knows it without a replay (block-identified traces).
  std::optional<uint64_t> distinct_prompt_tokens;
};

class Workload {
 public:
  virtual ~Workload() = default;
  virtual const WorkloadInfo& info() const = 0;
  virtual std::unique_ptr<RequestStream> Open() const = 0;
};

struct LoadOptions {
  std::string format;           // "", "chat", "trace" or "mooncake"; "" detects from content
  uint64_t trace_block = 512;   // Mooncake block size in tokens (--trace-block)
  InputLimits limits;           // sizes beyond which input is rejected (kvsim/input_limits.h)
};

// Loads and validates a workload. Throws Error naming the file and the line or JSON path.
std::unique_ptr<Workload> LoadWorkload(const std::string& path, const LoadOptions& options = {});

// Parses a workload held in memory, any format, exactly as LoadWorkload reads a file with this
// content; `path` is used in messages. (Fuzzing, tests, and input that is not a file.)
std::unique_ptr<Workload> ParseWorkload(std::string text, const std::string& path,
                                        const LoadOptions& options = {});

// Parses a chat workload held in memory (docs/contract.md, "Chat workloads"); `path` is used in messages.
std::unique_ptr<Workload> ParseChatWorkload(const std::string& text, const std::string& path,
                                            const InputLimits& limits = {});

// A workload made from requests in memory (tests, generators). Requests are sorted by time,
// stably. Each request's tokens are copied.
struct OwnedRequest {
  double time = 0;
  uint32_t session = 0;
  uint32_t turn = 1;
  std::vector<Token> prompt;
  std::vector<Token> output;
  size_t system_len = 0;
};
std::unique_ptr<Workload> MakeWorkload(std::vector<OwnedRequest> requests, std::string name);

}  // namespace kvsim
