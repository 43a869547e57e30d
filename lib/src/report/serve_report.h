// The serve sections of a report, for documents of `kvsim serve`: each row under load (latencies,
// throughput, rejections) and, given the run's timeline, each row's pool and queue over time as
// small multiples. Internal header.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "kvsim/plan_report.h"
#include "kvsim/serve_timeline.h"
#include "report_tables.h"

namespace kvsim {

// Points per timeline series at most, however long the run.
constexpr size_t kTimelinePoints = 400;

// True when some row has serve figures.
bool HasServe(const RunDocument& doc);

// True when the rows run on several replicas or behind several routers: the table then has a
// "fleet" column ("4 x cache-aware") after the budget, and the chart titles name it.
bool HasFleet(const RunDocument& doc);

// A row as its chart is titled: "radix @ 10% (688.34 MiB)", then ", 4 x cache-aware" for a fleet.
std::string RowTitle(const RunDocument& doc, const DocumentRow& row);

// The serve table, header first: one line per row with serve figures.
Cells ServeCells(const RunDocument& doc);

// One chart per row, named "timeline-<point>", in row order. The charts share their time axis
// and their requests axis; each pool axis covers its budget (its largest use when unbounded).
std::vector<ReportChart> TimelineCharts(const RunDocument& doc, const ServeTimeline& timeline);

// The sections, placed before the capacity report's. REQUIRES: HasServe(doc).
std::string ServeHtml(const RunDocument& doc, const ReportOptions& options);
std::string ServeMarkdown(const RunDocument& doc, const ReportOptions& options,
                          const std::string& chart_prefix);

}  // namespace kvsim
