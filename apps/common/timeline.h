#pragma once
// Per-second samples of one peer's traffic, RTT and crate positions, for the plots in
// ferrum-demo's report. Samples are taken on the tick grid (when tick / tickHz
// changes), not on the wall clock: a client's tick is re-based to the server's at the
// welcome, so every peer samples at (nearly) the same tick numbers and crate
// positions can be compared tick against tick across processes.

#include <cstdint>
#include <deque>
#include <vector>

#include <nlohmann/json.hpp>

#include "ferrum/host.h"

namespace app {

class Timeline {
public:
  /// Listens to `peer.net().onStateArrived` for as long as it lives.
  explicit Timeline(ferrum::Host& peer);
  /// Call every loop turn; takes a sample when a new second of ticks has begun.
  void poll();
  /// The "timeline" array of the stats JSON (fields: see stats_json.h).
  nlohmann::json toJson() const;

  /// An hour of samples; the oldest are dropped past it, so a long-running server
  /// keeps bounded memory (~50 crates x 16 B x 3600 = ~3 MB).
  static constexpr size_t kMaxSamples = 3600;

private:
  struct Crate {
    uint32_t id;
    float x, y, z;
  };
  struct Sample {
    double t;
    uint32_t tick, serverTick;
    uint64_t bytesSent, bytesReceived;
    float rttMs;
    std::vector<Crate> crates;
  };
  ferrum::Host& m_peer;
  ferrum::Subscription m_arrivals;
  std::deque<Sample> m_samples;
  bool m_started = false;
  uint32_t m_lastSecond = 0;
  uint32_t m_serverTick = 0; ///< origin tick of the newest server state packet
};

} // namespace app
