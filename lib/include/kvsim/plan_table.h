// The human table of `kvsim plan`: per strategy, budget and router, the replicas (and GPUs) that
// meet the SLO, with the targets' values at that count and at one fewer.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "kvsim/run_document.h"

namespace kvsim {

// REQUIRES: doc.plan and doc.serve.
void PrintPlanTable(std::ostream& out, const RunDocument& doc);

// The SLO as people read it: "ttft_p99 <= 2.00 s (and no request rejected)".
std::string SloText(const RunDocument& doc);
// The answers as table cells, the header first (`wrap`: long strategies on several lines).
std::vector<std::vector<std::string>> PlanCells(const RunDocument& doc, bool wrap);
extern const char* const kPlanNote;

// The served row of `answer`'s point at `replicas`, if it was served.
const DocumentRow* FindPlanProbe(const RunDocument& doc, const PlanChoice& answer, uint64_t replicas);

}  // namespace kvsim
