// Fuzz target for kvsim's own run/sweep JSON as `compare`, `merge` and the reports read it. The
// input is a file's content. After the depth check and parsing, CheckRunJson must either accept
// the document or throw kvsim::Error; an accepted document must go through Compare (with
// itself), MergeRuns (when it is a sweep), RunToCsv and both reports without any other
// exception, crash or sanitizer report.
#include <cstdint>
#include <string>

#include "kvsim/compare.h"
#include "kvsim/error.h"
#include "kvsim/input_limits.h"
#include "kvsim/plan_report.h"
#include "kvsim/run_json_check.h"
#include "kvsim/csv.h"
#include "kvsim/merge.h"
#include "kvsim/sweep.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  nlohmann::ordered_json doc;
  try {
    kvsim::CheckJsonDepth(text, kvsim::InputLimits{}.max_json_depth, "fuzz");
    doc = nlohmann::ordered_json::parse(text);
    kvsim::CheckRunJson(doc, "fuzz");
  } catch (const kvsim::Error&) {
    return 0;
  } catch (const nlohmann::json::exception&) {  // not JSON: ReadJsonFile reports it as Error
    return 0;
  }
  try {
    const auto result = kvsim::Compare(doc, doc, kvsim::CompareTolerance{});
    kvsim::FormatCompare(result, kvsim::CompareTolerance{}, {.markdown = true});
  } catch (const kvsim::Error&) {
  }
  try {
    const auto merged = kvsim::MergeRuns({doc}, {"fuzz"});
    kvsim::RunToCsv(merged);
    kvsim::HtmlReport(merged);
    kvsim::MarkdownReport(merged, "fuzz-");
  } catch (const kvsim::Error&) {
  }
  kvsim::RunToCsv(doc);
  kvsim::HtmlReport(doc);
  return 0;
}
