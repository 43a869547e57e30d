// Open- and closed-loop arrivals (see arrivals.h).
#include "arrivals.h"

#include <algorithm>
#include <queue>
#include <tuple>

namespace kvsim {
namespace {

// A trace: each request at its own time / speedup, streamed one ahead.
class OpenLoop final : public Arrivals {
 public:
  OpenLoop(const Workload& workload, double speedup)
      : stream_(workload.Open()), speedup_(speedup) {
    Advance();
  }
  std::optional<double> NextTime() override {
    return next_ ? std::optional<double>(next_->arrival) : std::nullopt;
  }
  LiveRequest Pop() override {
    LiveRequest r = std::move(*next_);
    Advance();
    return r;
  }
  void Completed(const LiveRequest&, double) override {}

 private:
  void Advance() {
    const Request* r = stream_->Next();
    next_.reset();
    if (r != nullptr) next_ = LiveRequest::From(*r, position_++, r->time / speedup_);
  }
  std::unique_ptr<RequestStream> stream_;
  double speedup_;
  uint64_t position_ = 0;
  std::optional<LiveRequest> next_;
};

// Chat sessions: a session's first request at start / speedup + its delay, each later one its
// delay after the previous one completed.
class ClosedLoop final : public Arrivals {
 public:
  ClosedLoop(const Workload& workload, double speedup) {
    auto stream = workload.Open();
    uint64_t position = 0;
    std::vector<double> first;  // per session: its first request's arrival
    while (const Request* r = stream->Next()) {
      if (r->session >= sessions_.size()) {
        sessions_.resize(r->session + 1);
        first.resize(r->session + 1, -1);
      }
      // The session's start is its first request's time less that request's delay.
      if (first[r->session] < 0) first[r->session] = (r->time - r->delay) / speedup + r->delay;
      sessions_[r->session].push_back(LiveRequest::From(*r, position++, 0));
    }
    for (uint32_t s = 0; s < sessions_.size(); ++s) {
      if (!sessions_[s].empty()) Due(s, 0, first[s]);
    }
  }
  std::optional<double> NextTime() override {
    return due_.empty() ? std::nullopt : std::optional<double>(std::get<0>(due_.top()));
  }
  LiveRequest Pop() override {
    const auto [time, position, session, turn] = due_.top();
    due_.pop();
    LiveRequest r = std::move(sessions_[session][turn]);
    r.arrival = time;
    return r;
  }
  void Completed(const LiveRequest& request, double time) override {
    const auto& turns = sessions_[request.session];
    const size_t next = Index(request) + 1;
    if (next < turns.size()) Due(request.session, next, time + turns[next].delay);
  }

 private:
  using Entry = std::tuple<double, uint64_t, uint32_t, size_t>;  // time, position, session, turn
  void Due(uint32_t session, size_t turn, double time) {
    due_.emplace(time, sessions_[session][turn].position, session, turn);
  }
  size_t Index(const LiveRequest& r) const {
    const auto& turns = sessions_[r.session];
    for (size_t i = 0; i < turns.size(); ++i) {
      if (turns[i].position == r.position) return i;
    }
    return turns.size();
  }
  std::vector<std::vector<LiveRequest>> sessions_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> due_;
};

}  // namespace

std::unique_ptr<Arrivals> Arrivals::Of(const Workload& workload, double speedup) {
  if (workload.info().format == "chat") return std::make_unique<ClosedLoop>(workload, speedup);
  return std::make_unique<OpenLoop>(workload, speedup);
}

}  // namespace kvsim
