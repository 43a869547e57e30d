// The curve table and CSV (see kvsim/curve_table.h).
#include "kvsim/curve_table.h"

#include <sstream>

#include "kvsim/budget.h"
#include "report/text_table.h"

namespace kvsim {

const CurvePoint* FirstReaching(const Curve& curve, double target) {
  for (const CurvePoint& p : curve.points) {
    if (p.token_hit_rate + 1e-12 >= target) return &p;
  }
  return nullptr;
}

namespace {

std::string HowComputed(const Curve& c) {
  std::string s = std::to_string(c.change_points) + " points, ";
  if (c.sample >= 1) return s + "exact";
  s += "sampled " + Fixed(c.sample, 3);
  if (c.error) s += "\nerror mean " + Percent(c.error->mean_abs, 2) + ", max " + Percent(c.error->max_abs, 2);
  return s;
}

std::string Reach(const Curve& c, double target) {
  const CurvePoint* p = FirstReaching(c, target);
  if (p == nullptr) return "-";
  return FormatCount(double(p->tokens)) + "tok\n" + FormatBytes(double(p->bytes));
}

}  // namespace

void PrintCurveTable(std::ostream& out, const RunDocument& doc, const std::vector<double>& targets) {
  std::vector<std::string> header = {"strategy", "curve", "hit (inf)"};
  for (const double t : targets) header.push_back("to " + Percent(t / 100, 0));
  TextTable table(header);
  for (const DocumentRow& r : doc.rows) {
    if (!r.curve) continue;
    std::vector<std::string> row = {Wrap(r.strategy, 28), HowComputed(*r.curve), Percent(r.token_hit_rate)};
    for (const double t : targets) row.push_back(Reach(*r.curve, t / 100));
    table.Add(row);
  }
  table.Print(out, 2);
  out << "to X%: the smallest cache (tokens, bytes under the codec) whose token hit rate reaches X%"
         " ('-': not even unbounded).\n";
}

std::string CurveToCsv(const RunDocument& doc) {
  std::ostringstream out;
  out << "strategy,block_size,sample,tokens,bytes,hit_tokens,token_hit_rate,hit_requests,"
         "request_hit_rate\n";
  for (const DocumentRow& r : doc.rows) {
    if (!r.curve) continue;
    for (const CurvePoint& p : r.curve->points) {
      out << '"' << r.strategy << "\"," << r.curve->block_size << ',' << r.curve->sample << ','
          << p.tokens << ',' << p.bytes << ',' << p.hit_tokens << ',' << p.token_hit_rate << ','
          << p.hit_requests << ',' << p.request_hit_rate << '\n';
    }
  }
  return out.str();
}

}  // namespace kvsim
