#pragma once
// Turns NetStats' running totals into rates: samples every 0.2 s, keeps the last 10 s
// for the overlay's graphs, and reports the last second's figures.

#include <deque>
#include <vector>

#include "ferrum/net_stats.h"

namespace viewer {

struct NetSample {
  float kbitDown = 0, kbitUp = 0;     ///< application payload, kbit/s
  float packetsDown = 0, packetsUp = 0; ///< per second
  float rttMs = 0;
};

class NetHistory {
public:
  static constexpr double kSampleSeconds = 0.2;
  static constexpr double kWindowSeconds = 10.0;

  /// Call every frame; takes a sample when one is due.
  void update(const ferrum::NetStats& stats, double nowSeconds);
  /// Averages over the last second.
  NetSample lastSecond() const;
  /// Oldest first, for ImGui::PlotLines.
  std::vector<float> series(float NetSample::*field) const;
  /// Average bytes per packet over the last second (down, up).
  float bytesPerPacketDown() const;
  float bytesPerPacketUp() const;

private:
  struct Totals {
    double time = 0;
    uint64_t bytesIn = 0, bytesOut = 0, packetsIn = 0, packetsOut = 0;
  };
  Totals m_last;
  bool m_started = false;
  std::deque<NetSample> m_samples;
  std::deque<Totals> m_totals; ///< one per sample, for per-second packet sizes
};

/// Mean RTT over the connected peers (a client has one: the server).
float meanRttMs(const ferrum::NetStats& stats);

} // namespace viewer
