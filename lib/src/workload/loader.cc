// LoadWorkload: reads a file, detects its format from the content (SPEC 2) and hands it to the
// matching reader.
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "kvsim/error.h"
#include "kvsim/workload.h"
#include "trace_readers.h"

namespace kvsim {
namespace {

// "chat", "trace" or "mooncake", judged from the first line: JSONL formats have one complete
// object per line, told apart by their fields; anything else is read as a chat document.
std::string DetectFormat(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  while (std::getline(in, line) && line.find_first_not_of(" \t\r") == std::string::npos) {
  }
  const auto obj = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (obj.is_object()) {
    if (obj.contains("hash_ids")) return "mooncake";
    if (obj.contains("prompt")) return "trace";
  }
  return "chat";
}

}  // namespace

std::unique_ptr<Workload> LoadWorkload(const std::string& path, const LoadOptions& options) {
  std::ifstream probe(path, std::ios::binary);
  if (!probe) throw Error(path + ": cannot open the workload file");
  probe.seekg(0, std::ios::end);
  if (probe.tellg() <= 0) throw Error(path + ": the file is empty");
  probe.close();

  std::string format = options.format.empty() ? DetectFormat(path) : options.format;
  if (format == "chat") {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    return ParseChatWorkload(buf.str(), path);
  }
  if (format == "trace") return LoadTokenTrace(path);
  if (format == "mooncake") {
    if (options.trace_block < 1 || options.trace_block > (1u << 20)) {
      throw Error("--trace-block must be in 1..1048576, got " + std::to_string(options.trace_block));
    }
    return LoadMooncakeTrace(path, options.trace_block);
  }
  throw Error("unknown format '" + format + "' (expected chat, trace or mooncake)");
}

}  // namespace kvsim
