// Plan charts (see plan_chart.h).
#include "plan_chart.h"

#include <algorithm>

#include "kvsim/plan.h"
#include "svg_chart.h"

namespace kvsim {

std::vector<ReportChart> PlanCharts(const RunDocument& doc) {
  std::vector<ReportChart> charts;
  uint64_t most = 1;
  for (const DocumentRow& r : doc.rows) most = std::max<uint64_t>(most, r.serve->replicas);
  for (const auto& [name, seconds] : doc.plan->slo) {
    std::vector<Series> lines;
    for (const PlanChoice& a : doc.plan->answers) {
      Series s;
      s.name = a.strategy + " / " + a.router;
      for (const DocumentRow& r : doc.rows) {
        if (r.point == a.point) s.points.emplace_back(r.serve->replicas, SloValue({name, seconds}, *r.serve));
      }
      std::sort(s.points.begin(), s.points.end());
      lines.push_back(std::move(s));
    }
    Series target;
    target.name = "SLO: " + name;
    target.points = {{1, seconds}, {static_cast<double>(most), seconds}};
    Axis x{"replicas", Axis::Format::kNumber, most >= 8};
    Axis y{name, Axis::Format::kSeconds};
    charts.push_back({"plan_" + name, LineChart(name + " against replicas", x, y, lines, &target),
                      "Each line is one strategy and router at the replica counts the search served; the "
                      "answer is the first count under the SLO line."});
  }
  return charts;
}

}  // namespace kvsim
