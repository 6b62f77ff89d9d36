#pragma once
// Measures the owner -> server -> other client delay of client-owned state across
// processes on one machine: the owner stamps each state packet it sends (by its
// tick), observers stamp each forwarded packet when it arrives (by origin and tick),
// all on CLOCK_MONOTONIC, which every process on the machine shares. ferrum-demo
// joins the stamps from the --stats-json files.

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "ferrum/net_manager.h"

namespace app {

class LatencyProbe {
public:
  /// Listens to `net`'s onStateSent / onStateArrived for as long as it lives.
  explicit LatencyProbe(ferrum::NetManager& net);
  /// {"sent": [[tick, seconds]...], "arrived": [[origin, tick, seconds]...]}
  nlohmann::json toJson() const;

  /// Delays in ms for every (owner send, observer arrival) pair of the same origin and
  /// tick, over the documents of all peers (each with its "self" and "latencyProbe").
  static std::vector<double> delaysMs(const std::vector<nlohmann::json>& peerDocs);

private:
  static constexpr size_t kMaxSamples = 20000; // ~11 min of sends at 30 Hz: bounded memory

  struct Sent {
    uint32_t tick;
    double seconds;
  };
  struct Arrived {
    ferrum::PeerId origin;
    uint32_t tick;
    double seconds;
  };
  ferrum::Subscription m_sends, m_arrivals;
  std::vector<Sent> m_sent;
  std::vector<Arrived> m_arrived;
};

} // namespace app
