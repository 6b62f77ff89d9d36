#pragma once
// The server's own timing: how much CPU each tick costs (a histogram for /metrics) and
// when the newest tick ended (a heartbeat that /healthz and the Agones Health calls
// read from other threads: a loop that stops ticking stops looking healthy).

#include <array>
#include <atomic>
#include <cstdint>

#include "ferrum/net_manager.h"

namespace app {

/// Tick CPU times in Prometheus buckets (upper bounds, seconds). Plain value: copied
/// into each metrics snapshot.
struct TickHistogram {
  static constexpr std::array<double, 12> kBounds = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                                     0.005,   0.01,   0.0166,  0.025,  0.05,  0.1};
  std::array<uint64_t, kBounds.size() + 1> counts{}; ///< per bucket, not cumulative; the last: above every bound
  double sumSeconds = 0;
  uint64_t count = 0;
  void add(double seconds);
};

/// The steady-clock time the newest tick ended, shared across threads.
class LoopHeartbeat {
public:
  /// `maxGapSeconds`: longer than this without a finished tick and the loop is not on time.
  explicit LoopHeartbeat(double maxGapSeconds) : m_maxGap(maxGapSeconds) {}
  void beat(double now) { m_last.store(now, std::memory_order_relaxed); }
  /// Seconds since the newest tick ended; negative before the first one.
  double age(double now) const;
  bool onTime(double now) const;
  double maxGap() const { return m_maxGap; }

private:
  std::atomic<double> m_last{-1.0};
  const double m_maxGap;
};

/// Times every tick of `net` (thread CPU time from onTick to onTickEnd, so a loaded
/// machine's preemption does not count) and beats `heartbeat` at every tick end.
class TickTimer {
public:
  TickTimer(ferrum::NetManager& net, LoopHeartbeat& heartbeat);
  const TickHistogram& histogram() const { return m_histogram; }

private:
  TickHistogram m_histogram;
  double m_cpuAtStart = 0;
  ferrum::Subscription m_start, m_end;
};

/// CPU seconds this thread has run (CLOCK_THREAD_CPUTIME_ID).
double threadCpuSeconds();

} // namespace app
