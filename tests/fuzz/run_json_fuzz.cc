// Fuzz target for kvsim's own run/sweep JSON as `compare`, `merge` and the reports read it. The
// input is a file's content. After the depth check and parsing, ReadRunDocument must either
// accept the document or throw kvsim::Error; an accepted document must go through Compare (with
// itself), MergeRuns (when it is a sweep), RunToCsv, the table and both reports without any other
// exception, crash or sanitizer report, and written back to JSON it must read back the same.
#include <cstdint>
#include <sstream>
#include <string>

#include "kvsim/compare.h"
#include "kvsim/error.h"
#include "kvsim/input_limits.h"
#include "kvsim/plan_report.h"
#include "kvsim/run_document_json.h"
#include "kvsim/run_table.h"
#include "kvsim/csv.h"
#include "kvsim/merge.h"
#include "kvsim/sweep.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  kvsim::RunDocument doc;
  try {
    kvsim::CheckJsonDepth(text, kvsim::InputLimits{}.max_json_depth, "fuzz");
    doc = kvsim::ReadRunDocument(nlohmann::ordered_json::parse(text), "fuzz");
  } catch (const kvsim::Error&) {
    return 0;
  } catch (const nlohmann::json::exception&) {  // not JSON: ReadJsonFile reports it as Error
    return 0;
  }
  const std::string json = kvsim::ToJson(doc).dump(2);
  if (kvsim::ToJson(kvsim::ReadRunDocument(nlohmann::ordered_json::parse(json), "again")).dump(2) != json) {
    __builtin_trap();  // a document that does not survive its own round trip
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
  std::ostringstream table;
  kvsim::PrintRunTable(table, doc, /*verbose=*/true);
  return 0;
}
