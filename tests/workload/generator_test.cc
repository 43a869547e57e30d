// `kvsim gen`: determinism, the distributions asked for, and bad options.
#include <doctest/doctest.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "kvsim/error.h"
#include "kvsim/generator.h"
#include "kvsim/workload.h"
#include "support/temp_dir.h"

namespace kvsim {
namespace {

TEST_CASE("same seed, same bytes; another seed, other bytes") {
  GeneratorOptions o;
  o.sessions = 50;
  const std::string a = GenerateChatWorkload(o);
  CHECK(a == GenerateChatWorkload(o));
  o.seed = 43;
  CHECK(a != GenerateChatWorkload(o));
}

TEST_CASE("the output is a valid chat workload with the sessions asked for") {
  GeneratorOptions o;
  o.sessions = 40;
  o.turns = "fixed:3";
  auto w = ParseChatWorkload(GenerateChatWorkload(o), "gen.json");
  CHECK(w->info().session_names.size() == 40);
  CHECK(w->info().requests == 120);
}

// Mean of a message field over the generated sessions.
double MeanLength(const std::string& text, const std::string& role, bool skip_first_user = false) {
  const auto doc = nlohmann::json::parse(text);
  double sum = 0, n = 0;
  for (const auto& s : doc["sessions"]) {
    bool first = true;
    for (const auto& m : s["messages"]) {
      if (m["role"] != role) continue;
      if (skip_first_user && first) {
        first = false;
        continue;
      }
      sum += role == "delay" ? m["delay"].get<double>() : m["length"].get<double>();
      ++n;
    }
  }
  return sum / n;
}

TEST_CASE("lengths follow their distributions (means within 5%)") {
  GeneratorOptions o;
  o.sessions = 4000;
  o.turns = "uniform:1..8";
  o.user_length = "lognormal:80,0.8";
  o.assistant_length = "exponential:250";
  const std::string text = GenerateChatWorkload(o);
  CHECK(std::fabs(MeanLength(text, "user") / 80.0 - 1) < 0.05);
  CHECK(std::fabs(MeanLength(text, "assistant") / 250.0 - 1) < 0.05);
  const auto doc = nlohmann::json::parse(text);
  double turns = 0, delays = 0, n_delays = 0;
  for (const auto& s : doc["sessions"]) {
    for (const auto& m : s["messages"]) {
      turns += m["role"] == "user";
      if (m.contains("delay")) {
        delays += m["delay"].get<double>();
        ++n_delays;
      }
    }
  }
  CHECK(std::fabs(turns / 4000.0 / 4.5 - 1) < 0.05);                 // uniform 1..8: 4.5
  CHECK(std::fabs(delays / n_delays / 30.0 - 1) < 0.05);            // exponential:30
  // Poisson arrivals at 0.2/s: the last session starts near 4000 / 0.2 s.
  const double last = doc["sessions"].back()["start"].get<double>();
  CHECK(std::fabs(last / 20000.0 - 1) < 0.05);
}

TEST_CASE("Zipf popularity: prompt 1 is chosen most, in proportion 1/k^s") {
  GeneratorOptions o;
  o.sessions = 6000;
  o.system_prompts = 3;
  o.zipf = 1.0;
  const auto doc = nlohmann::json::parse(GenerateChatWorkload(o));
  double count[3] = {0, 0, 0};
  for (const auto& s : doc["sessions"]) {
    const std::string k = s["messages"][0]["shared"];
    ++count[k.back() - '1'];
  }
  const double h = 1 + 0.5 + 1.0 / 3;  // weights 1, 1/2, 1/3
  CHECK(std::fabs(count[0] / 6000 / (1 / h) - 1) < 0.05);
  CHECK(std::fabs(count[2] / 6000 / (1.0 / 3 / h) - 1) < 0.08);
}

TEST_CASE("CSV columns are sampled: the mean approaches the column's mean") {
  testing::TempDir dir;
  std::string csv = "TIMESTAMP,ContextTokens,GeneratedTokens\n";
  for (int i = 0; i < 100; ++i) csv += "t," + std::to_string(i) + "," + std::to_string(2 * i) + "\n";
  const std::string path = dir.Write("a.csv", csv);
  const auto d = Distribution1D::Parse("csv:" + path + ":GeneratedTokens", "--x");
  CHECK(d.Mean() == doctest::Approx(99.0));
  Rng rng(1);
  double sum = 0;
  for (int i = 0; i < 20000; ++i) sum += d.Sample(rng);
  CHECK(std::fabs(sum / 20000 / 99.0 - 1) < 0.03);
  CHECK_THROWS_WITH_AS(Distribution1D::Parse("csv:" + path + ":Nope", "--user-length"),
                       ("--user-length: '" + path +
                        "' has no column 'Nope' (columns: TIMESTAMP, ContextTokens, GeneratedTokens)")
                           .c_str(),
                       Error);
}

TEST_CASE("bad generator options name the flag") {
  GeneratorOptions o;
  o.turns = "uniform:5..2";
  CHECK_THROWS_WITH_AS(GenerateChatWorkload(o),
                       "--turns 'uniform:5..2': expected uniform:A..B with 1 <= A <= B", Error);
  o = GeneratorOptions();
  o.arrival = "poisson:-1";
  CHECK_THROWS_AS(GenerateChatWorkload(o), Error);
  o = GeneratorOptions();
  o.user_length = "gaussian:3";
  CHECK_THROWS_AS(GenerateChatWorkload(o), Error);
  o = GeneratorOptions();
  o.sessions = 0;
  CHECK_THROWS_AS(GenerateChatWorkload(o), Error);
  o.sessions = -5;
  CHECK_THROWS_WITH_AS(GenerateChatWorkload(o), "--sessions must be in 1..10000000, got -5", Error);
}

TEST_CASE("a fixed value below what the option means is refused, not raised to 1") {
  GeneratorOptions o;
  o.turns = "fixed:0";
  CHECK_THROWS_WITH_AS(GenerateChatWorkload(o), "--turns 'fixed:0': expected fixed:V with V >= 1", Error);
  o = GeneratorOptions();
  o.user_length = "fixed:0";
  CHECK_THROWS_WITH_AS(GenerateChatWorkload(o),
                       "--user-length 'fixed:0': expected fixed:V with V >= 1", Error);
  o = GeneratorOptions();
  o.turns = "uniform:0..3";
  CHECK_THROWS_AS(GenerateChatWorkload(o), Error);
  o = GeneratorOptions();
  o.assistant_length = "fixed:0";  // an empty reply is a valid workload
  o.system_length = "fixed:0";
  o.sessions = 3;
  CHECK_NOTHROW(GenerateChatWorkload(o));
}

}  // namespace
}  // namespace kvsim
