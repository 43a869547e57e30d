// The table of `kvsim serve` (see kvsim/serve_table.h).
#include "kvsim/serve_table.h"

#include <cstdio>
#include <ostream>
#include <sstream>

#include "kvsim/budget.h"
#include "text_table.h"

namespace kvsim {
namespace {

std::vector<std::string> Header(bool verbose) {
  std::vector<std::string> h = {"strategy", "budget", "hit rate", "idle hit", "TTFT p50", "TTFT p99"};
  if (verbose) h.insert(h.end(), {"TTFT mean", "TTFT max"});
  h.insert(h.end(), {"wait p99", "TPOT p50", "e2e p99", "req/s", "rejected", "peak pinned"});
  if (verbose) h.insert(h.end(), {"TPOT p99", "e2e p50", "out tok/s", "peak cached"});
  return h;
}

std::vector<std::string> Row(const DocumentRow& r, bool verbose) {
  const ServeFigures& f = *r.serve;
  const auto count = [](uint64_t n) { return FormatCount(static_cast<double>(n)); };
  std::vector<std::string> row = {Wrap(r.strategy, verbose ? 48 : 22), BudgetText(r),
                                  Percent(r.token_hit_rate, 2), Percent(f.pooled_token_hit_rate, 2),
                                  Seconds(f.ttft.p50), Seconds(f.ttft.p99)};
  if (verbose) row.insert(row.end(), {Seconds(f.ttft.mean), Seconds(f.ttft.max)});
  row.insert(row.end(), {Seconds(f.queue_wait.p99), Seconds(f.tpot.p50), Seconds(f.e2e.p99),
                         Fixed(f.requests_per_s, 2), std::to_string(f.rejected_requests),
                         count(f.peak_pinned_tokens)});
  if (verbose) {
    row.insert(row.end(), {Seconds(f.tpot.p99), Seconds(f.e2e.p50), Fixed(f.output_tokens_per_s, 0),
                           count(f.peak_cached_tokens)});
  }
  return row;
}

}  // namespace

std::string ReplicaText(const RunDocument& doc) {
  const ServeSettings& s = *doc.serve;
  std::ostringstream out;
  out << doc.model.name << " on " << s.tp << " x " << s.gpu << ", max " << s.max_num_seqs
      << " running, " << s.max_batched_tokens << " prefill tokens per step, " << s.admission
      << " admission, arrivals x" << s.speedup;
  return out.str();
}

void PrintServeTable(std::ostream& out, const RunDocument& doc, bool verbose) {
  const WorkloadFacts& w = doc.workload;
  out << "workload  " << w.name << " (" << w.format << "): " << w.requests << " requests, "
      << FormatCount(static_cast<double>(w.prompt_tokens)) << " prompt tokens\n";
  if (doc.serve) out << "replica   " << ReplicaText(doc) << "\n\n";
  TextTable table(Header(verbose));
  for (const DocumentRow& r : doc.rows) table.Add(Row(r, verbose));
  table.Print(out, 2);
  out << "\nhit rate: under load; idle hit: `kvsim run` at the same budget. TTFT: arrival to first "
         "token;\nwait: arrival to admission; TPOT: per output token after the first.\n";
}

}  // namespace kvsim
