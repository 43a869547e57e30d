// The capacity-planning report of a sweep (or run): hit rate, prefill GPU-seconds saved and
// memory held against budget per strategy, compression and attention error where codecs are
// present, the workload's statistics, and the exact command and kvsim version. HTML with inline
// SVG charts (one self-contained file), or Markdown with the charts as SVG files beside it.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace kvsim {

struct ReportChart {
  std::string name;  // file-safe: "hit_rate"
  std::string svg;
};

// The charts of a run or sweep JSON document (SPEC 7 fields, plus "workload_stats" and
// "command" when present).
std::vector<ReportChart> ReportCharts(const nlohmann::ordered_json& doc);

std::string HtmlReport(const nlohmann::ordered_json& doc);

// `chart_prefix` is prepended to each chart's file name ("report-" -> "report-hit_rate.svg").
std::string MarkdownReport(const nlohmann::ordered_json& doc, const std::string& chart_prefix);

// Checks a report path before any work: FILE.html (or .htm), FILE.md, or "-" (HTML on standard
// output). Throws Error naming `option`.
void CheckReportPath(const std::string& option, const std::string& path);

struct ReportFile {
  std::string path, text;
};

// The files of the report at `path`: the HTML file, or the Markdown file with its SVG charts
// beside it (path "FILE.md" -> "FILE-hit_rate.svg", ...). The report file itself comes last.
// REQUIRES: CheckReportPath(path) passed.
std::vector<ReportFile> RenderReport(const nlohmann::ordered_json& doc, const std::string& path);

}  // namespace kvsim
