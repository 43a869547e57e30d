// `kvsim gen`: a synthetic multi-turn chat workload generator writing kvsim-chat/1.
//
// Sessions arrive as a Poisson process or at a fixed interval; each opens with one of a pool of
// shared system prompts chosen with Zipf popularity, then runs a number of user/assistant turns
// separated by think times. Every length and time comes from a distribution spec:
//   fixed:V   uniform:A..B   lognormal:MEAN,SIGMA   exponential:MEAN   geometric:MEAN
//   csv:PATH:COLUMN   (samples a column of a CSV file, such as the Azure LLM inference traces)
// Everything is drawn from one seeded generator of kvsim's own, so the same options give the
// same bytes on every machine and standard library.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kvsim/rng.h"

namespace kvsim {

class Distribution1D {
 public:
  // Parses a spec; `option` names the flag in error messages. `min` is the smallest value the
  // option means: a fixed value or a uniform range below it is refused, never raised silently
  // (draws of the continuous kinds, and CSV samples, are rounded and raised to `min`). Throws Error.
  static Distribution1D Parse(const std::string& spec, const std::string& option, double min = 0);
  double Sample(Rng& rng) const;
  double Mean() const;
  const std::string& spec() const { return spec_; }

 private:
  enum class Kind { kFixed, kUniform, kLognormal, kExponential, kGeometric, kCsv };
  Kind kind_ = Kind::kFixed;
  double a_ = 0, b_ = 0;
  std::vector<double> samples_;
  std::string spec_;
};

struct GeneratorOptions {
  std::string name = "generated";
  int64_t sessions = 100;                     // 1..10,000,000
  std::string arrival = "poisson:0.2";        // poisson:SESSIONS_PER_S or fixed:SECONDS
  std::string turns = "uniform:1..8";         // user turns per session
  int64_t system_prompts = 4;                 // pool of shared system prompts (0: none)
  std::string system_length = "lognormal:1000,0.5";
  double zipf = 1.0;                          // popularity skew of the system prompts
  std::string user_length = "lognormal:80,0.8";
  std::string assistant_length = "lognormal:250,0.6";
  std::string think_time = "exponential:30";  // seconds before each later user turn
  int64_t seed = 42;                          // >= 0
  std::string command;                        // recorded in the output's "generator" field
};

// Returns the workload as kvsim-chat/1 JSON text. Throws Error on bad options.
std::string GenerateChatWorkload(const GeneratorOptions& options);

}  // namespace kvsim
