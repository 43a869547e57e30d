// The chart of a `kvsim plan` report: each SLO target's value against the replica count, one
// line per strategy and router, with the target as a reference line. Internal header.
#pragma once

#include <vector>

#include "kvsim/plan_report.h"
#include "kvsim/run_document.h"

namespace kvsim {

// One chart per SLO target. REQUIRES: doc.plan.
std::vector<ReportChart> PlanCharts(const RunDocument& doc);

}  // namespace kvsim
