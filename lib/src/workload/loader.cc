// LoadWorkload / ParseWorkload: read a file (or text), detect its format from the content
// (docs/contract.md, "Workload formats") and hand it to the matching reader, with the size limits of kvsim/input_limits.h.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "jsonl_trace.h"
#include "kvsim/error.h"
#include "kvsim/workload.h"
#include "trace_readers.h"

namespace kvsim {
namespace {

// "chat", "trace" or "mooncake", judged from the first non-blank line: JSONL formats have one
// complete object per line, told apart by their fields; anything else is read as a chat
// document. A first line over the line limit can only be a (minified) chat document.
std::string DetectFormat(std::istream& in, const InputLimits& limits) {
  std::string line;
  try {
    while (ReadJsonlLine(in, &line, limits.max_line_bytes) && Blank(line)) {
    }
  } catch (const LineTooLong&) {
    return "chat";
  }
  if (line.size() > 1 && CheckedDepth(line, limits.max_json_depth)) {
    const auto obj = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (obj.is_object()) {
      if (obj.contains("hash_ids")) return "mooncake";
      if (obj.contains("prompt")) return "trace";
    }
  }
  return "chat";
}

std::unique_ptr<Workload> LoadTrace(const std::string& format, TraceSource source,
                                    const LoadOptions& options) {
  if (format == "trace") return LoadTokenTrace(std::move(source), options.limits);
  if (format == "mooncake") {
    if (options.trace_block < 1 || options.trace_block > (1u << 20)) {
      throw Error("--trace-block must be in 1..1048576, got " + std::to_string(options.trace_block));
    }
    return LoadMooncakeTrace(std::move(source), options.trace_block, options.limits);
  }
  throw Error("unknown format '" + format + "' (expected chat, trace or mooncake)");
}

// A workload without a request would give 0% rows (and NaN rates): it is always a mistake.
std::unique_ptr<Workload> NotEmpty(std::unique_ptr<Workload> w, const std::string& path) {
  if (w->info().requests == 0) {
    throw Error(path + ": the workload holds no requests (nothing to replay)");
  }
  return w;
}

std::unique_ptr<Workload> LoadFile(const std::string& path, const LoadOptions& options) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw Error(path + ": is a directory; give a workload file (chat JSON, token trace or Mooncake JSONL)");
  }
  std::ifstream probe(path, std::ios::binary);
  if (!probe) throw Error(path + ": cannot open the workload file");
  probe.seekg(0, std::ios::end);
  if (probe.tellg() <= 0) throw Error(path + ": the file is empty");
  probe.seekg(0);
  const std::string format =
      options.format.empty() ? DetectFormat(probe, options.limits) : options.format;
  probe.close();
  if (format == "chat") {
    return ParseChatWorkload(ReadFileCapped(path, options.limits.max_json_bytes, "raise it with --max-json-bytes"),
                             path, options.limits);
  }
  return LoadTrace(format, {path, nullptr}, options);
}

std::unique_ptr<Workload> ParseText(std::string text, const std::string& path,
                                    const LoadOptions& options) {
  std::string format = options.format;
  if (format.empty()) {
    std::istringstream in(text);
    format = DetectFormat(in, options.limits);
  }
  if (format == "chat") {
    if (text.size() > options.limits.max_json_bytes) {
      throw Error(path + ": " + std::to_string(text.size()) +
                  " bytes, more than the limit for a JSON document (raise it with --max-json-bytes)");
    }
    return ParseChatWorkload(text, path, options.limits);
  }
  return LoadTrace(format, {path, std::make_shared<const std::string>(std::move(text))}, options);
}

}  // namespace

std::unique_ptr<Workload> LoadWorkload(const std::string& path, const LoadOptions& options) {
  return NotEmpty(LoadFile(path, options), path);
}

std::unique_ptr<Workload> ParseWorkload(std::string text, const std::string& path,
                                        const LoadOptions& options) {
  return NotEmpty(ParseText(std::move(text), path, options), path);
}

}  // namespace kvsim
