#include "apps/ferrum-server/agones_session.h"

#include <spdlog/spdlog.h>

namespace app {

namespace {
std::string playerId(ferrum::PeerId slot) {
  return "slot-" + std::to_string(slot);
}
} // namespace

AgonesSession::AgonesSession(AgonesClient& client, ferrum::Host& peer, const AgonesOptions& options,
                             const LoopHeartbeat& heartbeat)
    : m_client(client), m_peer(peer), m_options(options), m_heartbeat(heartbeat) {
  spdlog::info("Agones SDK sidecar at {}: Ready, then Health every {} s", client.address(), options.healthSeconds);
  m_client.ready();
  if (m_options.playerTracking) m_client.setPlayerCapacity(peer.net().config().maxClients);
  // A slot is free again only after its player left, so "slot-N" names one player at a time.
  m_joined = peer.net().onPeerJoined.listen([this](ferrum::PeerId slot) {
    ++m_players;
    if (m_options.playerTracking) m_client.playerConnect(playerId(slot));
  });
  m_left = peer.net().onPeerLeft.listen([this](ferrum::PeerId slot) {
    --m_players;
    if (m_options.playerTracking) m_client.playerDisconnect(playerId(slot));
  });
  m_nextHealth = m_peer.now() + m_options.healthSeconds;
  sendPlayers();
}

void AgonesSession::poll() {
  const double now = m_peer.now();
  if (now >= m_nextHealth) {
    m_nextHealth = now + m_options.healthSeconds;
    if (!m_client.readyAcknowledged())
      m_client.ready();
    else if (m_heartbeat.onTime(ferrum::steadySeconds()))
      m_client.health();
  }
  sendPlayers();
}

void AgonesSession::sendPlayers() {
  if (m_players == m_labelledPlayers) return;
  m_labelledPlayers = m_players;
  m_client.setLabel("players", std::to_string(m_players));
}

void AgonesSession::matchEnded() {
  m_client.shutdown();
  if (!m_client.flush(5.0)) spdlog::warn("Agones sidecar at {}: Shutdown not confirmed within 5 s", m_client.address());
}

} // namespace app
