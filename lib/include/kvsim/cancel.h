// Cooperative cancellation: how a long run stops cleanly on SIGINT.
//
// The CLI's signal handler calls RequestStop() (async-signal-safe: one lock-free atomic store).
// Long loops (the replay, sweep workers, the probe, `kvsim attention`, trace validation, the
// generator) call ThrowIfStopped() between units of work, which throws Interrupted; the CLI
// maps that to exit code 130. Output files are written only after the work is done, through
// OutputFiles::Commit, which also checks before it renames: a stopped run leaves no file behind.
#pragma once

#include <atomic>
#include <stdexcept>

namespace kvsim {

class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted") {}
};

namespace detail {
inline std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);
}  // namespace detail

inline void RequestStop() noexcept { detail::g_stop.store(true, std::memory_order_relaxed); }
inline void ClearStop() noexcept { detail::g_stop.store(false, std::memory_order_relaxed); }
inline bool StopRequested() noexcept { return detail::g_stop.load(std::memory_order_relaxed); }
inline void ThrowIfStopped() {
  if (StopRequested()) throw Interrupted();
}

}  // namespace kvsim
