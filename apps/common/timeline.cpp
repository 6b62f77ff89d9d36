#include "apps/common/timeline.h"

#include <algorithm>
#include <cmath>

#include "game/types.h"

namespace app {

Timeline::Timeline(ferrum::Host& peer) : m_peer(peer) {
  m_arrivals = peer.net().onStateArrived.listen([this](ferrum::PeerId origin, uint32_t tick) {
    if (origin == ferrum::kServerPeer) m_serverTick = std::max(m_serverTick, tick);
  });
}

void Timeline::poll() {
  ferrum::NetManager& net = m_peer.net();
  if (!net.joined()) return;
  const uint32_t second = net.tick() / std::max(1u, static_cast<uint32_t>(net.config().tickHz));
  // The first look only sets the grid: a client's first joined tick is wherever the
  // welcome re-based it, off the grid the server samples on.
  if (!m_started || second == m_lastSecond) {
    m_started = true;
    m_lastSecond = second;
    return;
  }
  m_lastSecond = second;
  const ferrum::NetStats s = net.stats();
  Sample sample{m_peer.uptimeSeconds(), s.tick, s.role == ferrum::Role::Server ? s.tick : m_serverTick,
                s.counters.bytesSent, s.counters.bytesReceived, 0.0f, {}};
  for (const ferrum::PeerStats& p : s.peers)
    if (p.connected) sample.rttMs = std::max(sample.rttMs, p.rttMs);
  m_peer.group().forEach([&](const ferrum::Entity& e) {
    if (e.type() != game::kCrateType) return;
    const ferrum::Vec3 p = e.body().position();
    sample.crates.push_back({e.id().value, p.x, p.y, p.z});
  });
  if (m_samples.size() == kMaxSamples) m_samples.pop_front();
  m_samples.push_back(std::move(sample));
}

nlohmann::json Timeline::toJson() const {
  // Positions to 0.1 mm: far below what the plots resolve, and the JSON stays short.
  auto round = [](float v) { return std::round(static_cast<double>(v) * 1e4) / 1e4; };
  nlohmann::json out = nlohmann::json::array();
  for (const Sample& s : m_samples) {
    nlohmann::json crates = nlohmann::json::array();
    for (const Crate& c : s.crates) crates.push_back({c.id, round(c.x), round(c.y), round(c.z)});
    out.push_back({{"t", std::round(s.t * 1000) / 1000},
                   {"tick", s.tick},
                   {"serverTick", s.serverTick},
                   {"bytesSent", s.bytesSent},
                   {"bytesReceived", s.bytesReceived},
                   {"rttMs", std::round(static_cast<double>(s.rttMs) * 100) / 100},
                   {"crates", crates}});
  }
  return out;
}

} // namespace app
