#include "apps/ferrum-server/server_monitor.h"

namespace app {

ServerMonitor::ServerMonitor(ferrum::Host& peer, double maxGapSeconds)
    : m_peer(peer), m_heartbeat(maxGapSeconds), m_timer(peer.net(), m_heartbeat) {
  publish();
}

void ServerMonitor::poll() {
  if (m_peer.now() - m_lastPublish >= 0.1) publish();
}

void ServerMonitor::publish() {
  ServerSnapshot s;
  s.stats = m_peer.net().stats();
  const double now = m_peer.now();
  // Rates over whole seconds: a scrape between two windows still sees a full second's average.
  const auto& c = s.stats.counters;
  if (m_windowStart < 0) {
    m_windowStart = now;
    m_windowSent = c.bytesSent;
    m_windowReceived = c.bytesReceived;
  } else if (now - m_windowStart >= 1.0) {
    const double span = now - m_windowStart;
    m_sentRate = static_cast<double>(c.bytesSent - m_windowSent) / span;
    m_receivedRate = static_cast<double>(c.bytesReceived - m_windowReceived) / span;
    m_windowStart = now;
    m_windowSent = c.bytesSent;
    m_windowReceived = c.bytesReceived;
  }
  s.sentBytesPerSecond = m_sentRate;
  s.receivedBytesPerSecond = m_receivedRate;
  s.tickCpu = m_timer.histogram();
  s.maxClients = m_peer.net().config().maxClients;
  for (const ferrum::PeerStats& p : s.stats.peers)
    s.clients += p.connected;
  s.tickHz = m_peer.net().config().tickHz;
  s.uptimeSeconds = m_peer.uptimeSeconds();
  s.draining = m_peer.net().draining();
  if (m_agonesCounts) s.agones = m_agonesCounts();
  m_lastPublish = now;
  std::lock_guard lock(m_mutex);
  m_latest = std::move(s);
}

ServerSnapshot ServerMonitor::latest() const {
  std::lock_guard lock(m_mutex);
  return m_latest;
}

} // namespace app
