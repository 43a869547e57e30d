// `kvsim serve`'s driver: arrivals into one replica per strategy x budget, steps until every
// request completed, and the row's latency figures (see kvsim/serve.h).
#include "kvsim/serve.h"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "arrivals.h"
#include "kvsim/cancel.h"
#include "kvsim/error.h"
#include "replica.h"

namespace kvsim {

Latency Latency::Of(std::vector<double> v) {
  Latency l;
  if (v.empty()) return l;
  std::sort(v.begin(), v.end());
  double sum = 0;
  for (double x : v) sum += x;
  l.mean = sum / static_cast<double>(v.size());
  const auto rank = [&](double p) {
    const size_t k = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size())));
    return v[std::min(v.size(), std::max<size_t>(k, 1)) - 1];
  };
  l.p50 = rank(0.5);
  l.p90 = rank(0.9);
  l.p99 = rank(0.99);
  l.max = v.back();
  return l;
}

namespace {

// What completed requests add up to.
struct Completions {
  std::vector<double> ttft, wait, tpot, e2e;
  uint64_t output_tokens = 0;
  double first_arrival = std::numeric_limits<double>::infinity(), last_completion = 0;

  void Add(const LiveRequest& r, double done) {
    ttft.push_back(r.first_token - r.arrival);
    wait.push_back(r.admitted - r.arrival);
    e2e.push_back(done - r.arrival);
    if (r.output_len() > 1) tpot.push_back((done - r.first_token) / static_cast<double>(r.output_len() - 1));
    output_tokens += r.output_len();
    first_arrival = std::min(first_arrival, r.arrival);
    last_completion = std::max(last_completion, done);
  }
};

class Simulation {
 public:
  Simulation(const Workload& w, Replica* replica, const ServeOptions& serve, size_t slot)
      : arrivals_(Arrivals::Of(w, serve.speedup)), replica_(replica), serve_(serve), slot_(slot),
        instant_(std::isinf(serve.prefill_tps) && std::isinf(serve.decode_tps)) {}

  ServeFigures Run() {
    std::vector<LiveRequest> done;
    uint64_t steps = 0;
    while (Enqueue()) {
      replica_->Admit(t_);
      if (!replica_->has_running()) {
        if (!replica_->idle()) throw std::logic_error("serve: a queue with nothing running");
        replica_->Settle();
        Observe();
        const auto next = arrivals_->NextTime();
        if (!next) break;
        t_ = std::max(t_, *next);
        continue;
      }
      if ((++steps & 1023) == 0) ThrowIfStopped();
      const double end = replica_->Begin(t_);
      Observe();
      const PoolSample during = replica_->Sample(t_);
      replica_->End(&done);
      ArriveDuring(during, end);
      t_ = end;
      Finish(&done);
      Observe();
    }
    return Figures();
  }

  // Moves due arrivals into the queue; false when nothing is left to serve. At infinite speed a
  // request completes at its arrival, before the next arrival is seen (as in `kvsim run`).
  bool Enqueue() {
    if (instant_) {
      if (!replica_->idle()) return true;
      const auto next = arrivals_->NextTime();
      if (!next) return false;
      t_ = std::max(t_, *next);
      replica_->Enqueue(arrivals_->Pop());
      return true;
    }
    for (auto next = arrivals_->NextTime(); next && *next <= t_; next = arrivals_->NextTime()) {
      replica_->Enqueue(arrivals_->Pop());
    }
    return !replica_->idle() || arrivals_->NextTime().has_value();
  }

  // Requests arriving while a step runs join the queue at their arrival time (seen by the
  // replica when the step ends); the timeline counts them from then.
  void ArriveDuring(PoolSample sample, double end) {
    if (instant_) return;
    for (auto next = arrivals_->NextTime(); next && *next <= end; next = arrivals_->NextTime()) {
      replica_->Enqueue(arrivals_->Pop());
      sample.time = *next;
      ++sample.queued;
      if (serve_.on_event) serve_.on_event(slot_, sample);
    }
  }

  void Finish(std::vector<LiveRequest>* done) {
    for (LiveRequest& r : *done) {
      completions_.Add(r, t_);
      if (serve_.on_complete) {
        serve_.on_complete(slot_, {r.position, r.arrival, r.admitted, r.first_token, t_, r.prompt_len,
                                   r.hit, r.output_len()});
      }
      arrivals_->Completed(r, t_);
    }
    done->clear();
  }

  // Records the pool and the queue, when the pool is settled (within an instant it may hold
  // cache that admitted requests have claimed and eviction has not yet chosen).
  void Observe() {
    if (!replica_->settled()) return;
    const PoolSample s = replica_->Sample(t_);
    peak_pinned_ = std::max(peak_pinned_, s.pinned_tokens);
    peak_cached_ = std::max(peak_cached_, s.cached_tokens);
    if (serve_.on_event) serve_.on_event(slot_, s);
  }

  ServeFigures Figures() const {
    const Completions& c = completions_;
    ServeFigures f;
    f.ttft = Latency::Of(c.ttft);
    f.queue_wait = Latency::Of(c.wait);
    f.tpot = Latency::Of(c.tpot);
    f.e2e = Latency::Of(c.e2e);
    f.duration_s = c.e2e.empty() ? 0 : c.last_completion - c.first_arrival;
    if (f.duration_s > 0) {
      f.requests_per_s = static_cast<double>(c.e2e.size()) / f.duration_s;
      f.output_tokens_per_s = static_cast<double>(c.output_tokens) / f.duration_s;
    }
    f.rejected_requests = replica_->rejected();
    f.preempted_requests = replica_->preempted();
    f.peak_pinned_tokens = peak_pinned_;
    f.peak_cached_tokens = peak_cached_;
    f.requests_per_replica = {c.e2e.size()};
    return f;
  }

  std::unique_ptr<Arrivals> arrivals_;
  Replica* replica_;
  const ServeOptions& serve_;
  size_t slot_;
  bool instant_;
  double t_ = 0;
  uint64_t peak_pinned_ = 0, peak_cached_ = 0;
  Completions completions_;
};

void CheckServeOptions(const ServeOptions& s, const ModelProfile& m) {
  if (s.max_num_seqs < 1) throw Error("--max-num-seqs must be at least 1");
  if (s.max_batched_tokens < 1) throw Error("--max-batched-tokens must be at least 1");
  if (!(s.speedup > 0) || std::isinf(s.speedup)) throw Error("--speedup must be a positive number");
  const bool exact = s.prefill_tps > 0 && s.decode_tps > 0;
  if (!exact && (m.parameters <= 0 || m.attention_heads == 0)) {
    throw Error("model '" + m.name + "' has no parameter count or attention heads for the step-time "
                "model; give --prefill-tps and --decode-tps");
  }
  if (!exact && s.gpu.bf16_flops <= 0) throw Error("--gpu: no GPU profile given");
}

}  // namespace

RunResult Serve(const Workload& workload, const std::vector<Strategy>& strategies,
                const std::vector<BudgetSpec>& budgets, const RunOptions& run,
                const ServeOptions& serve) {
  CheckServeOptions(serve, run.model);
  // The same points replayed without time: the hit rate an idle cache of this budget gets.
  RunResult pooled = Replay(workload, strategies, budgets, run);
  CodecSet own(run.model.head_dim, run.seed);
  CodecSet& codecs = run.codecs != nullptr ? *run.codecs : own;
  RunResult out;
  out.working_set_tokens = pooled.working_set_tokens;
  const uint64_t fp16 = run.model.fp16_bytes_per_token();
  for (size_t s = 0; s < strategies.size(); ++s) {
    for (size_t b = 0; b < budgets.size(); ++b) {
      const size_t slot = s * budgets.size() + b;
      const TokenCost cost = codecs.Cost(strategies[s].codec, strategies[s].codec_options, run.model);
      const Budget budget = ResolveBudget(budgets[b], pooled.working_set_tokens, fp16);
      Replica replica(strategies[s], budget, cost, run, serve, IndexContext{&workload, run.cache_output});
      ServeFigures figures = Simulation(workload, &replica, serve, slot).Run();
      figures.gpu = serve.prefill_tps > 0 && serve.decode_tps > 0 ? "exact" : serve.gpu.name;
      const RowResult& idle = pooled.rows[slot];
      figures.pooled_token_hit_rate =
          idle.prompt_tokens == 0 ? 0 : static_cast<double>(idle.hit_tokens) / static_cast<double>(idle.prompt_tokens);
      out.rows.push_back(replica.Finish());
      out.rows.back().budget_spec = budgets[b];
      out.rows.back().point = slot;
      out.rows.back().serve = std::move(figures);
    }
  }
  return out;
}

}  // namespace kvsim
