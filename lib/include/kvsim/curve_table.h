// `kvsim curve`'s outputs beside the JSON: the table of each curve's smallest caches reaching
// target hit rates, and the CSV of every curve point.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "kvsim/run_document.h"

namespace kvsim {

// The first point of `curve` at or above `target` token hit rate (a share), or nullptr.
const CurvePoint* FirstReaching(const Curve& curve, double target);

// Per curve row: how it was computed, its hit rate unbounded, and for each target (shares) the
// smallest cache in tokens and bytes that reaches it (targets in percent, as --targets gives them).
void PrintCurveTable(std::ostream& out, const RunDocument& doc, const std::vector<double>& targets);

// One line per curve point: strategy, block_size, sample, then the point's fields.
std::string CurveToCsv(const RunDocument& doc);

}  // namespace kvsim
