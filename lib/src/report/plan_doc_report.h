// The report of a `kvsim plan` document: the SLO, the answers, and each target against the
// replica count. Internal header.
#pragma once

#include <string>

#include "kvsim/run_document.h"

namespace kvsim {

// REQUIRES: doc.plan and doc.serve.
std::string PlanHtml(const RunDocument& doc);
std::string PlanMarkdown(const RunDocument& doc, const std::string& chart_prefix);

}  // namespace kvsim
