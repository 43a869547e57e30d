// A plan document's report (see plan_doc_report.h).
#include "plan_doc_report.h"

#include "kvsim/plan_table.h"
#include "plan_chart.h"
#include "report_tables.h"
#include "svg_chart.h"
#include "text_table.h"

namespace kvsim {
namespace {

std::string Command(const RunDocument& doc) {
  std::string c;
  if (doc.command) {
    for (const std::string& part : *doc.command) c += (c.empty() ? "" : " ") + part;
  }
  return c;
}

std::string Intro(const RunDocument& doc) {
  const ServeSettings& s = *doc.serve;
  return doc.workload.name + " (" + std::to_string(doc.workload.requests) + " requests, arrivals x" +
         Fixed(s.speedup, 2) + ") served by replicas of " + doc.model.name + " on " + std::to_string(s.tp) +
         " x " + s.gpu + " (" + s.admission + " admission). SLO: " + SloText(doc) + ".";
}

}  // namespace

std::string PlanHtml(const RunDocument& doc) {
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>kvsim plan: " +
      XmlEscape(doc.workload.name) +
      "</title>\n<style>body{font-family:Helvetica,Arial,sans-serif;max-width:1000px;margin:24px "
      "auto;color:#222}table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid "
      "#ccc;padding:4px 8px;font-size:13px}th{background:#f4f4f4}td.n{text-align:right}"
      "code{background:#f4f4f4;padding:2px 4px}figure{margin:18px 0}figcaption{font-size:13px;"
      "color:#444;max-width:760px}</style></head><body>\n";
  h += "<h1>kvsim plan: " + XmlEscape(doc.workload.name) + "</h1>\n<p>" + XmlEscape(Intro(doc)) + "</p>\n";
  h += "<h2>Replicas that meet the SLO</h2>\n" + HtmlTable(PlanCells(doc, false), 3);
  h += "<p>" + XmlEscape(kPlanNote) + "</p>\n<h2>Against replica count</h2>\n";
  for (const ReportChart& c : PlanCharts(doc)) {
    h += "<figure>" + c.svg + "<figcaption>" + XmlEscape(c.caption) + "</figcaption></figure>\n";
  }
  if (doc.command) h += "<p>Command: <code>" + XmlEscape(Command(doc)) + "</code></p>\n";
  return h + "</body></html>\n";
}

std::string PlanMarkdown(const RunDocument& doc, const std::string& chart_prefix) {
  std::string m = "# kvsim plan: " + doc.workload.name + "\n\n" + Intro(doc) + "\n\n";
  m += "## Replicas that meet the SLO\n\n" + MarkdownTable(PlanCells(doc, false), 3) + "\n" + kPlanNote + "\n\n";
  m += "## Against replica count\n\n";
  for (const ReportChart& c : PlanCharts(doc)) {
    m += "![" + c.name + "](" + chart_prefix + c.name + ".svg)\n\n" + c.caption + "\n\n";
  }
  if (doc.command) m += "Command: `" + Command(doc) + "`\n";
  return m;
}

}  // namespace kvsim
