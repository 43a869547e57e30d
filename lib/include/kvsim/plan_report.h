// The capacity-planning report of a sweep (or run). At a glance: the smallest swept budget that
// reaches each target token hit rate, per strategy, and the memory / attention-error trade-off.
// Then hit rate, prefill GPU-seconds saved and memory held against budget per strategy,
// compression and attention error where codecs are present, the workload's statistics, and the
// exact command and kvsim version. A document of `kvsim serve` opens with each row under load
// (TTFT, queue wait, TPOT, throughput, rejections) and, given the timeline, each row's pool
// (pinned, cached, free) and queue over time. HTML with inline SVG charts (one self-contained
// file), or Markdown with the charts as SVG files beside it.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "kvsim/run_document.h"

namespace kvsim {

class ServeTimeline;

// What the report is asked: the token hit rates its summary table and trade-off chart target,
// and for `kvsim serve` the run's timeline to plot (not owned; it must outlive the call).
struct ReportOptions {
  std::vector<double> targets = {50, 80, 90, 95};  // percent, ascending, each in (0, 100]
  const ServeTimeline* timeline = nullptr;
};

// Parses `text` ("50,80,90,95": percentages) into ascending, distinct targets. Throws Error naming
// `option` when a number is malformed or outside (0, 100], or there is none.
std::vector<double> ParseTargets(const std::string& option, const std::string& text);

struct ReportChart {
  std::string name;  // file-safe: "hit_rate"
  std::string svg;
  std::string caption;  // shown under the chart; may be empty
};

// The charts of a run or sweep document (with the workload's statistics and the command when
// present). The trade-off chart ("tradeoff") is there when
// some row has an attention error.
std::vector<ReportChart> ReportCharts(const RunDocument& doc,
                                      const ReportOptions& options = {});

std::string HtmlReport(const RunDocument& doc, const ReportOptions& options = {});

// `chart_prefix` is prepended to each chart's file name ("report-" -> "report-hit_rate.svg").
std::string MarkdownReport(const RunDocument& doc, const std::string& chart_prefix,
                           const ReportOptions& options = {});

// Checks a report path before any work: FILE.html (or .htm), FILE.md, or "-" (HTML on standard
// output). Throws Error naming `option`.
void CheckReportPath(const std::string& option, const std::string& path);

struct ReportFile {
  std::string path, text;
};

// The files of the report at `path`: the HTML file, or the Markdown file with its SVG charts
// beside it (path "FILE.md" -> "FILE-hit_rate.svg", ..., "FILE-timeline-0.svg", ...). The report
// file itself comes last.
// REQUIRES: CheckReportPath(path) passed.
std::vector<ReportFile> RenderReport(const RunDocument& doc, const std::string& path,
                                     const ReportOptions& options = {});

}  // namespace kvsim
