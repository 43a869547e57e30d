// kvsim serve against queueing theory: one server (--max-num-seqs 1), Poisson arrivals, prompts
// of unique tokens (no hits) and one output token, so a request's service time is exactly
// prompt tokens / prefill rate. Each wait must equal Lindley's recursion on the same arrivals;
// the mean wait must be within 3% of Pollaczek-Khinchine; and the simulator's own occupancy
// timeline must satisfy Little's law.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>

#include "kvsim/serve.h"

namespace kvsim {
namespace {

constexpr double kRate = 100;  // prompt tokens/s: a prompt of n tokens is served in n / 100 s

struct Queue {
  std::unique_ptr<Workload> workload;
  std::vector<double> arrival, service;
};

// `n` Poisson arrivals at rate `lambda`; prompt lengths from `length` (>= 1), fresh tokens.
template <class Length>
Queue PoissonQueue(size_t n, double lambda, uint64_t seed, Length length) {
  std::mt19937_64 rng(seed);
  std::exponential_distribution<double> gap(lambda);
  std::vector<OwnedRequest> requests;
  Queue q;
  double t = 0;
  Token next = 0;
  for (size_t i = 0; i < n; ++i) {
    t += gap(rng);
    OwnedRequest r;
    r.time = t;
    const uint64_t len = length(rng);
    for (uint64_t k = 0; k < len; ++k) r.prompt.push_back(next++);
    r.output = {next++};
    requests.push_back(std::move(r));
    q.arrival.push_back(t);
    q.service.push_back(static_cast<double>(len) / kRate);
  }
  q.workload = MakeWorkload(std::move(requests), "poisson");
  return q;
}

struct Measured {
  std::vector<double> wait;  // by position
  double area = 0;           // integral of requests in system over time
  double sojourn = 0;        // sum of e2e
  double span = 0;           // first arrival to last completion
};

Measured Serve1(const Queue& q) {
  RunOptions o;
  o.model = FindModel("llama-3-8b");
  ServeOptions s;
  s.max_num_seqs = 1;
  s.max_batched_tokens = 1 << 20;
  s.prefill_tps = kRate;
  s.decode_tps = std::numeric_limits<double>::infinity();
  Measured m;
  m.wait.resize(q.arrival.size());
  double last_time = 0, last_n = 0, first = -1, end = 0;
  s.on_event = [&](size_t, const PoolSample& p) {
    CHECK(p.time >= last_time);  // time never goes backwards
    m.area += last_n * (p.time - last_time);
    last_time = p.time;
    last_n = static_cast<double>(p.queued + p.running);
  };
  s.on_complete = [&](size_t, const RequestTiming& t) {
    m.wait[t.position] = t.admitted - t.arrival;
    m.sojourn += t.completed - t.arrival;
    if (first < 0) first = t.arrival;
    end = t.completed;
  };
  const RunResult r = Serve(*q.workload, ParseStrategyList({"radix"}), ParseBudgetList({"5000tok"}), o, s);
  CHECK(r.rows[0].hit_tokens == 0);
  m.span = end - first;
  return m;
}

// W_{n+1} = max(0, W_n + S_n - A_{n+1}), A the interarrival time.
std::vector<double> Lindley(const Queue& q) {
  std::vector<double> w(q.arrival.size(), 0);
  for (size_t i = 1; i < w.size(); ++i) {
    w[i] = std::max(0.0, w[i - 1] + q.service[i - 1] - (q.arrival[i] - q.arrival[i - 1]));
  }
  return w;
}

double Mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

void CheckQueue(const Queue& q, double expected_wait) {
  const Measured m = Serve1(q);
  const std::vector<double> lindley = Lindley(q);
  size_t off = 0;
  for (size_t i = 0; i < lindley.size(); ++i) off += std::fabs(m.wait[i] - lindley[i]) > 1e-9 * (1 + q.arrival[i]);
  CHECK(off == 0);
  const double mean = Mean(m.wait);
  MESSAGE("mean wait " << mean << " s, Pollaczek-Khinchine " << expected_wait << " s");
  CHECK(std::fabs(mean - expected_wait) <= 0.03 * expected_wait);
  // Little's law: time-average in system = arrival rate x mean time in system.
  const double n = static_cast<double>(q.arrival.size());
  const double in_system = m.area / m.span, little = (n / m.span) * (m.sojourn / n);
  MESSAGE("mean in system " << in_system << ", lambda x W " << little);
  CHECK(std::fabs(in_system - little) <= 0.01 * little);
}

TEST_CASE("M/D/1: Lindley per request, Pollaczek-Khinchine on the mean, Little's law") {
  for (double rho : {0.5, 0.8}) {
    INFO("rho " << rho);
    const double mu = kRate / 10, lambda = rho * mu;  // 10-token prompts: service 0.1 s
    const Queue q = PoissonQueue(100000, lambda, 7, [](std::mt19937_64&) { return uint64_t{10}; });
    CheckQueue(q, rho / (2 * mu * (1 - rho)));
  }
}

TEST_CASE("M/G/1 with exponential-like prompt lengths: Pollaczek-Khinchine lambda E[S^2] / 2(1-rho)") {
  // Geometric lengths (the discrete exponential) with mean 20 tokens; the formula takes the
  // service distribution's own moments.
  const double p = 1.0 / 20, lambda = 0.7 * kRate / 20;
  const Queue q = PoissonQueue(100000, lambda, 11, [p](std::mt19937_64& rng) {
    return uint64_t{1} + std::geometric_distribution<uint64_t>(p)(rng);
  });
  const double mean_len = 1 / p, second_len = (2 - p) / (p * p);  // E[L], E[L^2] of 1 + Geom(p)
  const double es = mean_len / kRate, es2 = second_len / (kRate * kRate), rho = lambda * es;
  CheckQueue(q, lambda * es2 / (2 * (1 - rho)));
}

}  // namespace
}  // namespace kvsim
