// Workload statistics (see kvsim/stats.h).
#include "kvsim/stats.h"

#include <algorithm>
#include <cmath>

#include "kvsim/cancel.h"
#include "kvsim/replay.h"

namespace kvsim {

Distribution Distribution::Of(std::vector<uint64_t> v) {
  Distribution d;
  d.count = v.size();
  if (v.empty()) return d;
  std::sort(v.begin(), v.end());
  double sum = 0;
  for (uint64_t x : v) sum += static_cast<double>(x);
  d.mean = sum / static_cast<double>(v.size());
  auto rank = [&](double p) {
    const size_t k = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size())));
    return v[std::clamp<size_t>(k, 1, v.size()) - 1];
  };
  d.min = v.front();
  d.p50 = rank(0.50);
  d.p90 = rank(0.90);
  d.p99 = rank(0.99);
  d.max = v.back();
  return d;
}

WorkloadStats ComputeStats(const Workload& workload, bool cache_output) {
  WorkloadStats s;
  const WorkloadInfo& info = workload.info();
  s.requests = info.requests;
  s.sessions = info.session_names.size();
  s.prompt_tokens = info.prompt_tokens;
  s.output_tokens = info.output_tokens;
  std::vector<uint64_t> prompts, outputs, turns(info.session_names.size(), 0);
  double first = 0, last = 0;
  auto stream = workload.Open();
  while (const Request* r = stream->Next()) {
    if ((prompts.size() & 255) == 0) ThrowIfStopped();
    if (prompts.empty()) first = r->time;
    last = r->time;
    prompts.push_back(r->prompt_len);
    outputs.push_back(r->tokens.size() - r->prompt_len);
    if (!turns.empty()) ++turns[r->session];
  }
  s.duration_s = last - first;
  s.prompt_len = Distribution::Of(std::move(prompts));
  s.output_len = Distribution::Of(std::move(outputs));
  s.turns_per_session = Distribution::Of(std::move(turns));

  RunOptions options;
  options.model = ModelProfiles().front();
  options.cache_output = cache_output;
  const RunResult run =
      Replay(workload, {Strategy::Radix()}, {BudgetSpec::Unbounded()}, options);
  s.working_set_tokens = run.working_set_tokens;
  s.max_hit_tokens = run.rows[0].hit_tokens;
  s.max_token_hit_rate = s.prompt_tokens == 0 ? 0.0
                                              : static_cast<double>(s.max_hit_tokens) /
                                                    static_cast<double>(s.prompt_tokens);
  return s;
}

nlohmann::ordered_json StatsToJson(const WorkloadStats& s) {
  auto dist = [](const Distribution& d) {
    return nlohmann::ordered_json{{"count", d.count}, {"mean", d.mean}, {"min", d.min},
                                  {"p50", d.p50},     {"p90", d.p90},   {"p99", d.p99},
                                  {"max", d.max}};
  };
  return {{"requests", s.requests},
          {"sessions", s.sessions},
          {"prompt_tokens", s.prompt_tokens},
          {"output_tokens", s.output_tokens},
          {"duration_s", s.duration_s},
          {"prompt_length", dist(s.prompt_len)},
          {"output_length", dist(s.output_len)},
          {"turns_per_session", dist(s.turns_per_session)},
          {"working_set_tokens", s.working_set_tokens},
          {"max_hit_tokens", s.max_hit_tokens},
          {"max_token_hit_rate", s.max_token_hit_rate}};
}

}  // namespace kvsim
