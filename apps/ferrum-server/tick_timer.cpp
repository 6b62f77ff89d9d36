#include "apps/ferrum-server/tick_timer.h"

#include <time.h>

#include "ferrum/host.h"

namespace app {

void TickHistogram::add(double seconds) {
  size_t bucket = 0;
  while (bucket < kBounds.size() && seconds > kBounds[bucket])
    ++bucket;
  ++counts[bucket];
  sumSeconds += seconds;
  ++count;
}

double LoopHeartbeat::age(double now) const {
  const double last = m_last.load(std::memory_order_relaxed);
  return last < 0 ? -1.0 : now - last;
}

bool LoopHeartbeat::onTime(double now) const {
  const double a = age(now);
  return a >= 0 && a <= m_maxGap;
}

double threadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

TickTimer::TickTimer(ferrum::NetManager& net, LoopHeartbeat& heartbeat) {
  m_start = net.onTick.listen([this](uint32_t) { m_cpuAtStart = threadCpuSeconds(); });
  m_end = net.onTickEnd.listen([this, &heartbeat](uint32_t) {
    m_histogram.add(threadCpuSeconds() - m_cpuAtStart);
    heartbeat.beat(ferrum::steadySeconds());
  });
}

} // namespace app
