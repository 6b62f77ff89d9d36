#pragma once
// What the HTTP side door may know about the running match. The game loop owns the
// Host and is the only thread that touches it; it publishes a copy of the figures
// (a snapshot) a few times a second, and the HTTP threads read only that copy and the
// loop's heartbeat. No lock is ever held across a tick.

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>

#include "apps/ferrum-server/tick_timer.h"
#include "ferrum/host.h"

namespace app {

/// Calls to the Agones sidecar so far (see agones_client.h).
struct AgonesCounts {
  uint64_t ok = 0;
  uint64_t failed = 0;  ///< no answer, or not 2xx
  uint64_t skipped = 0; ///< Health calls dropped because the loop was not on time
};

struct ServerSnapshot {
  ferrum::NetStats stats;
  TickHistogram tickCpu;
  int maxClients = 0;
  size_t clients = 0; ///< connected and joined now
  double tickHz = 0;
  double uptimeSeconds = 0;
  double sentBytesPerSecond = 0; ///< application payload, over the newest whole second
  double receivedBytesPerSecond = 0;
  bool draining = false;
  std::optional<AgonesCounts> agones; ///< set when the server talks to an Agones sidecar
};

class ServerMonitor {
public:
  /// Times `peer`'s ticks from now on; `maxGapSeconds`: see LoopHeartbeat.
  ServerMonitor(ferrum::Host& peer, double maxGapSeconds);

  // Game-loop thread.
  /// Every loop turn: publishes a new snapshot if the newest is 100 ms old or more.
  void poll();
  /// Publishes one now (at the end of the match, so a last scrape sees the final figures).
  void publish();
  /// Where poll() reads the Agones call counts from (may be unset).
  void setAgonesCounts(std::function<AgonesCounts()> counts) { m_agonesCounts = std::move(counts); }

  // Any thread.
  ServerSnapshot latest() const;
  const LoopHeartbeat& heartbeat() const { return m_heartbeat; }

private:
  ferrum::Host& m_peer;
  LoopHeartbeat m_heartbeat;
  TickTimer m_timer;
  std::function<AgonesCounts()> m_agonesCounts;
  double m_lastPublish = -1;
  // Byte rates: totals at the start of the current one-second window.
  double m_windowStart = -1;
  uint64_t m_windowSent = 0, m_windowReceived = 0;
  double m_sentRate = 0, m_receivedRate = 0;

  mutable std::mutex m_mutex;
  ServerSnapshot m_latest; ///< guarded by m_mutex
};

} // namespace app
