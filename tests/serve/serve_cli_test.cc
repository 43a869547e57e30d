// kvsim serve from the command line: the table, the JSON a compare reads back, the timeline, the
// report, and bad options as input errors.
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "report/serve_report.h"
#include "report/text_table.h"
#include "support/kvsim_cli.h"
#include "support/svg_elements.h"
#include "support/temp_dir.h"

namespace kvsim {
namespace {

TEST_CASE("serve writes its table, JSON and timeline; compare reads the JSON back") {
  testing::TempDir dir;
  const std::string json = dir.Path("s.json"), csv = dir.Path("t.csv");
  const auto r = testing::RunKvsim("serve workloads/support_chat.json --strategy radix,turboquant --budget 10% "
                                   "--speedup 200 --json " + json + " --timeline " + csv);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("TTFT p99") != std::string::npos);
  const std::string text = testing::Slurp(json);
  for (const char* field : {"\"ttft\"", "\"queue_wait\"", "\"pooled_token_hit_rate\"", "\"serve\""}) {
    CHECK(text.find(field) != std::string::npos);
  }
  CHECK(testing::RunKvsim("compare " + json + " " + json).code == 0);
  std::istringstream lines(testing::Slurp(csv));
  std::string line;
  std::getline(lines, line);
  CHECK(line == "point,strategy,budget,time_s,pinned_tokens,cached_tokens,free_tokens,held_bytes,"
                "free_bytes,queued,running");
  size_t rows = 0, queued = 0;
  while (std::getline(lines, line)) {
    ++rows;
    queued += line.substr(line.rfind(',', line.rfind(',') - 1) + 1, 1) != "0";
  }
  CHECK(rows > 100);
  CHECK(queued > 0);  // at x200 requests wait for room
}

// The cells of each row of the report's serve table.
std::vector<std::vector<std::string>> ServeTable(const std::string& html) {
  const size_t from = html.find("<h2>Under load</h2>"), to = html.find("</table>", from);
  std::vector<std::vector<std::string>> rows;
  for (size_t at = html.find("<tr><td", from); at < to; at = html.find("<tr><td", at + 1)) {
    rows.emplace_back();
    for (size_t c = html.find("<td", at); c < html.find("</tr>", at); c = html.find("<td", c + 1)) {
      const size_t open = html.find('>', c) + 1;
      rows.back().push_back(html.substr(open, html.find('<', open) - open));
    }
  }
  return rows;
}

TEST_CASE("serve --report: the serve table as in the JSON, a timeline chart per row, bounded") {
  testing::TempDir dir;
  const std::string json = dir.Path("s.json"), html = dir.Path("r.html");
  const std::string run = "serve workloads/support_chat.json --strategy radix,turboquant --budget 10%,20Ktok "
                          "--speedup 100 -q --timeline ";
  REQUIRE(testing::RunKvsim(run + dir.Path("a.csv") + " --json " + json + " --report " + html).code == 0);
  REQUIRE(testing::RunKvsim(run + dir.Path("b.csv")).code == 0);
  CHECK(testing::Slurp(dir.Path("a.csv")) == testing::Slurp(dir.Path("b.csv")));  // --report changes no line
  const auto doc = nlohmann::json::parse(testing::Slurp(json));
  const std::string report = testing::Slurp(html);
  const auto table = ServeTable(report);
  REQUIRE(table.size() == 4);
  for (size_t i = 0; i < 4; ++i) {
    const auto& row = doc["results"][i];
    CHECK(table[i][0] == row["strategy"].get<std::string>());
    CHECK(table[i][4] == Seconds(row["ttft"]["p50"].get<double>()));
    CHECK(table[i][5] == Seconds(row["ttft"]["p99"].get<double>()));
    CHECK(table[i][6] == Seconds(row["queue_wait"]["p99"].get<double>()));
  }
  size_t charts = 0, paths = 0;
  for (size_t at = report.find("<figure class=\"timeline\">"); at != std::string::npos;
       at = report.find("<figure class=\"timeline\">", at + 1)) {
    ++charts;
    for (const auto& p : testing::Elements(report.substr(at, report.find("</figure>", at) - at), "path")) {
      const std::string cls = testing::Attr(p.tag, "class");
      if (cls != "area" && cls != "series") continue;
      ++paths;
      CHECK(testing::PathPoints(testing::Attr(p.tag, "d")) <= kTimelinePoints + 2);
    }
  }
  CHECK(charts == 4);
  CHECK(paths == 4 * 5);  // pinned, cached, free; queued, running
  CHECK(report.find("<script") == std::string::npos);
  CHECK(report.size() < 400000);
}

TEST_CASE("serve --report FILE.md writes the timeline charts beside it; - is HTML on standard output") {
  testing::TempDir dir;
  const std::string run = "serve workloads/support_chat.json --strategy radix --budget 10% --speedup 100 ";
  REQUIRE(testing::RunKvsim(run + "-q --report " + dir.Path("s.md")).code == 0);
  CHECK(std::filesystem::exists(dir.Path("s-timeline-0.svg")));
  CHECK(std::filesystem::exists(dir.Path("s-hit_rate.svg")));
  CHECK(testing::Slurp(dir.Path("s.md")).find("![radix @ 10% (688.34 MiB)](s-timeline-0.svg)") != std::string::npos);
  const auto out = testing::RunKvsim(run + "--report -", "2>/dev/null");
  CHECK(out.code == 0);
  CHECK(out.out.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(out.out.find("<figure class=\"timeline\">") != std::string::npos);
}

TEST_CASE("a bad --report path is an input error naming the option, and nothing is written") {
  testing::TempDir dir;
  for (const std::string& path : {dir.Path("r.pdf"), dir.Path("r"), dir.Path("missing/r.html"), dir.Path("")}) {
    INFO(path);
    const auto r = testing::RunKvsim("serve workloads/support_chat.json --budget 10% --json " + dir.Path("s.json") +
                                     " --timeline " + dir.Path("t.csv") + " --report " + path);
    CHECK(r.code == 2);
    CHECK(r.out.find("kvsim: error: --report") == 0);
    CHECK(dir.Entries() == 0);
  }
  // A link to the workload is the workload: refused, and the workload left as it was.
  const std::string workload = std::string(KVSIM_SOURCE_DIR) + "/workloads/support_chat.json";
  const std::string before = testing::Slurp(workload);
  std::filesystem::create_symlink(workload, dir.Path("r.html"));
  const auto r = testing::RunKvsim("serve workloads/support_chat.json --budget 10% --report " + dir.Path("r.html"));
  CHECK(r.code == 2);
  CHECK(r.out.find("kvsim: error: --report") == 0);
  CHECK(testing::Slurp(workload) == before);
  CHECK(std::filesystem::is_symlink(dir.Path("r.html")));
}

TEST_CASE("bad serve options are input errors") {
  for (const char* args : {"--gpu h10", "--speedup 0", "--tp 0", "--max-num-seqs 0", "--admission lazy",
                           "--prefill-tps -1", "--decode-tps 0"}) {
    INFO(args);
    const auto r = testing::RunKvsim(std::string("serve workloads/support_chat.json ") + args);
    CHECK(r.code == 2);
    CHECK(r.out.find("kvsim: error: ") == 0);
  }
}

}  // namespace
}  // namespace kvsim
