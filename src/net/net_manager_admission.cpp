// NetManager, server side: who may hold a client slot, and for how long. A connection
// that never says hello is closed; a kicked client's address waits before it may
// come back.

#include "base/log.h"

#include <cmath>

#include "ferrum/net_manager.h"
#include "net/net_manager_internal.h"

namespace ferrum {

// A slot is taken at the connection and given back only when the link closes: a
// connection that completes ENet's handshake and then stays silent (ENet keeps it
// alive with pings) would hold it for ever. Measured on the frame clock.
void NetManager::closeSilentConnections() {
  if (m_config.role != Role::Server) return;
  for (auto it = m_remotes.begin(); it != m_remotes.end();) {
    Remote& r = *it->second;
    if (r.joined || r.refused) {
      ++it;
      continue;
    }
    // The deadline starts at the first frame that sees the connection: a connection
    // that arrived before any frame() has no frame time to start from.
    if (r.helloDeadline < 0) r.helloDeadline = m_frameTime + m_config.helloTimeoutSeconds;
    if (m_frameTime < r.helloDeadline) {
      ++it;
      continue;
    }
    log::warn("closed a connection that sent no hello within {} s (slot {})", m_config.helloTimeoutSeconds, r.slot);
    ++m_counters.helloTimeouts;
    m_transport.disconnect(r.link, wire::packDisconnect(wire::DisconnectReason::TimedOut));
    it = m_remotes.erase(it); // its slot is free now; the link's own close finds nothing
  }
}

std::string NetManager::coolOffKey(LinkId link) const {
  const RemoteAddress address = m_transport.remoteAddress(link);
  if (address.host.empty()) return {};
  return m_config.coolOffIncludesPort ? address.host + ":" + std::to_string(address.port) : address.host;
}

void NetManager::startCoolOff(const Remote& kicked) {
  if (m_config.role != Role::Server || m_config.kickCoolOffSeconds <= 0) return;
  const std::string key = coolOffKey(kicked.link);
  if (key.empty()) return; // the transport cannot say where it is
  m_coolOffUntil[key] = m_frameTime + m_config.kickCoolOffSeconds;
  log::info("client {} kicked: {} refused for {} s", kicked.slot, key, m_config.kickCoolOffSeconds);
}

double NetManager::coolOffLeft(LinkId link) {
  std::erase_if(m_coolOffUntil, [&](const auto& entry) { return entry.second <= m_frameTime; });
  if (m_coolOffUntil.empty()) return 0;
  auto it = m_coolOffUntil.find(coolOffKey(link));
  return it == m_coolOffUntil.end() ? 0 : it->second - m_frameTime;
}

} // namespace ferrum
