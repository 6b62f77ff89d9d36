#include "apps/common/status_line.h"

#include <fmt/format.h>

#include <algorithm>

namespace app {

std::string StatusLine::next(const ferrum::NetStats& stats, double uptimeSeconds) {
  const uint64_t in = stats.counters.bytesReceived, out = stats.counters.bytesSent;
  float rttMax = 0, rttSum = 0;
  size_t peers = 0;
  for (const auto& p : stats.peers) {
    if (!p.connected) continue;
    ++peers;
    rttSum += p.rttMs;
    rttMax = std::max(rttMax, p.rttMs);
  }
  const double dt = std::max(1e-3, uptimeSeconds - m_lastTime);
  const double kbpsIn = static_cast<double>(in - m_lastIn) * 8 / 1000 / dt;
  const double kbpsOut = static_cast<double>(out - m_lastOut) * 8 / 1000 / dt;
  m_lastIn = in;
  m_lastOut = out;
  m_lastTime = uptimeSeconds;
  return fmt::format("[{}] {:5.1f}s tick {:6} | {} {} | entities {:3} | in {:7.1f} kbit/s | out {:7.1f} kbit/s | "
                     "rtt avg {:.1f} ms max {:.1f} ms",
                     ferrum::roleName(stats.role), uptimeSeconds, stats.tick, peers,
                     stats.role == ferrum::Role::Server ? "clients" : "link", stats.liveEntities, kbpsIn, kbpsOut,
                     peers ? rttSum / static_cast<float>(peers) : 0.0f, rttMax);
}

} // namespace app
