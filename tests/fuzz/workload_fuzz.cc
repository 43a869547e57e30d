// Fuzz target for the workload readers: the chat reader, the token-trace reader and the
// Mooncake reader (one binary each, chosen by KVSIM_FUZZ_FORMAT). The input is a file's
// content. The reader must either return a workload whose streams satisfy StreamViolation's
// invariants, or throw kvsim::Error; anything else (a crash, another exception, a sanitizer
// report, a leak, a stream breaking the invariants) is a finding.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "kvsim/error.h"
#include "kvsim/workload.h"
#include "stream_invariants.h"

#ifndef KVSIM_FUZZ_FORMAT
#error "define KVSIM_FUZZ_FORMAT as \"chat\", \"trace\" or \"mooncake\""
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kvsim::LoadOptions options;
  options.format = KVSIM_FUZZ_FORMAT;
  options.trace_block = 512;
  options.limits.max_tokens = 1 << 18;  // keep each execution small; the limit is what is tested
  options.limits.max_line_bytes = 1 << 16;
  options.limits.max_json_bytes = 1 << 20;
  std::unique_ptr<kvsim::Workload> w;
  try {
    w = kvsim::ParseWorkload(std::string(reinterpret_cast<const char*>(data), size), "fuzz",
                             options);
  } catch (const kvsim::Error&) {
    return 0;
  }
  const std::string violation = kvsim::testing::StreamViolation(*w);
  if (!violation.empty()) {
    std::fprintf(stderr, "stream invariant broken: %s\n", violation.c_str());
    std::abort();
  }
  return 0;
}
