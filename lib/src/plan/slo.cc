// SLO targets for `kvsim plan` (see kvsim/plan.h).
#include <cmath>
#include <cstdlib>

#include "kvsim/error.h"
#include "kvsim/options.h"
#include "kvsim/plan.h"

namespace kvsim {
namespace {

const Latency* Metric(const std::string& name, const ServeFigures& f) {
  if (name == "ttft") return &f.ttft;
  if (name == "queue_wait") return &f.queue_wait;
  if (name == "tpot") return &f.tpot;
  if (name == "e2e") return &f.e2e;
  return nullptr;
}

const double* Stat(const std::string& name, const Latency& l) {
  if (name == "mean") return &l.mean;
  if (name == "p50") return &l.p50;
  if (name == "p90") return &l.p90;
  if (name == "p99") return &l.p99;
  if (name == "max") return &l.max;
  return nullptr;
}

double Seconds(const std::string& item, const std::string& text) {
  size_t end = 0;
  double v = 0;
  try {
    v = std::stod(text, &end);
  } catch (const std::exception&) {
    end = 0;
  }
  const std::string unit = text.substr(end);
  const double scale = unit == "s" || unit.empty() ? 1 : unit == "ms" ? 1e-3 : unit == "us" ? 1e-6 : 0;
  if (end == 0 || scale == 0 || !(v > 0) || !std::isfinite(v)) {
    throw Error("--slo '" + item + "': expected a positive duration such as 2s, 50ms or 0.5");
  }
  return v * scale;
}

}  // namespace

std::vector<SloTarget> ParseSlo(const std::string& text) {
  std::vector<SloTarget> out;
  for (const std::string& item : SplitCommas({text})) {
    const size_t eq = item.find('=');
    const std::string name = item.substr(0, eq);
    const size_t cut = name.rfind('_');
    ServeFigures probe;
    const Latency* m = cut == std::string::npos ? nullptr : Metric(name.substr(0, cut), probe);
    if (eq == std::string::npos || m == nullptr || Stat(name.substr(cut + 1), *m) == nullptr) {
      throw Error("--slo '" + item + "': expected METRIC_STAT=DURATION, METRIC one of ttft, queue_wait, "
                  "tpot, e2e and STAT one of mean, p50, p90, p99, max (ttft_p99=2s)");
    }
    for (const SloTarget& t : out) {
      if (t.name == name) throw Error("--slo: '" + name + "' is given twice");
    }
    out.push_back({name, Seconds(item, item.substr(eq + 1))});
  }
  if (out.empty()) throw Error("--slo: no target given (ttft_p99=2s)");
  return out;
}

double SloValue(const SloTarget& target, const ServeFigures& f) {
  const size_t cut = target.name.rfind('_');
  return *Stat(target.name.substr(cut + 1), *Metric(target.name.substr(0, cut), f));
}

bool MeetsSlo(const std::vector<SloTarget>& slo, const ServeFigures& f) {
  if (f.rejected_requests > 0) return false;
  for (const SloTarget& t : slo) {
    if (!(SloValue(t, f) <= t.seconds)) return false;
  }
  return true;
}

}  // namespace kvsim
