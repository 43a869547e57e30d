// CSV of a run document: one line per result row, the columns named as the JSON fields.
#pragma once

#include <string>

#include "kvsim/run_document.h"

namespace kvsim {

// One CSV line per result row, with a header.
std::string RunToCsv(const RunDocument& doc);

}  // namespace kvsim
