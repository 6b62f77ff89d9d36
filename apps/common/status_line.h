#pragma once
// One live status line per second: tick, clients, entities, kbit/s in and out, RTT.

#include <cstdint>
#include <string>

#include "ferrum/net_stats.h"

namespace app {

class StatusLine {
public:
  /// The line for the second since the previous call.
  std::string next(const ferrum::NetStats& stats, double uptimeSeconds);

private:
  uint64_t m_lastIn = 0;
  uint64_t m_lastOut = 0;
  double m_lastTime = 0;
};

} // namespace app
