// The table of `kvsim serve` (see kvsim/serve_table.h).
#include "kvsim/serve_table.h"

#include <cstdio>
#include <ostream>
#include <sstream>

#include "kvsim/budget.h"
#include "text_table.h"

namespace kvsim {
namespace {

// A fleet (several replicas, or several routers) adds the router, the loss against one pooled
// cache, and the load imbalance.
std::vector<std::string> Header(bool verbose, bool fleet) {
  std::vector<std::string> h = {"strategy", "budget"};
  if (fleet) h.push_back("fleet");
  h.insert(h.end(), {"hit rate", fleet ? "pooled hit" : "idle hit"});
  if (fleet) h.insert(h.end(), {"loss", "imbalance"});
  h.insert(h.end(), {"TTFT p50", "TTFT p99"});
  if (verbose) h.insert(h.end(), {"TTFT mean", "TTFT max"});
  h.insert(h.end(), {"wait p99", "TPOT p50", "e2e p99", "req/s", "rejected", "peak pinned"});
  if (verbose) h.insert(h.end(), {"TPOT p99", "e2e p50", "out tok/s", "peak cached"});
  return h;
}

std::vector<std::string> Row(const DocumentRow& r, bool verbose, bool fleet) {
  const ServeFigures& f = *r.serve;
  const auto count = [](uint64_t n) { return FormatCount(static_cast<double>(n)); };
  std::vector<std::string> row = {Wrap(r.strategy, verbose ? 48 : 22), BudgetText(r)};
  if (fleet) row.push_back(std::to_string(f.replicas) + " x " + f.router);
  row.insert(row.end(), {Percent(r.token_hit_rate, 2), Percent(f.pooled_token_hit_rate, 2)});
  if (fleet) {
    row.insert(row.end(), {Fixed(100 * (f.pooled_token_hit_rate - r.token_hit_rate), 2) + " pt",
                           Fixed(f.imbalance, 2)});
  }
  row.insert(row.end(), {Seconds(f.ttft.p50), Seconds(f.ttft.p99)});
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

bool IsFleet(const RunDocument& doc) {
  for (const DocumentRow& r : doc.rows) {
    if (r.serve->replicas > 1 || r.serve->router != doc.rows.front().serve->router) return true;
  }
  return false;
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
  const bool fleet = IsFleet(doc);
  TextTable table(Header(verbose, fleet));
  for (const DocumentRow& r : doc.rows) table.Add(Row(r, verbose, fleet));
  table.Print(out, fleet ? 3 : 2);
  if (fleet) {
    out << "\nhit rate: under load; pooled hit: `kvsim run` with one cache of replicas x budget; loss:\n"
           "pooled hit - hit rate; imbalance: max / mean of the replicas' busy time. TTFT: arrival to\n"
           "first token; wait: arrival to admission; TPOT: per output token after the first.\n";
    return;
  }
  out << "\nhit rate: under load; idle hit: `kvsim run` at the same budget. TTFT: arrival to first "
         "token;\nwait: arrival to admission; TPOT: per output token after the first.\n";
}

}  // namespace kvsim
