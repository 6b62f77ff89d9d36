#include "apps/ferrum-soak/soak_peer.h"

#include <fmt/format.h>


namespace soak {

std::unique_ptr<SoakPeer> SoakPeer::create(ferrum::Role role, uint16_t port, const ferrum::LinkConditions& link,
                                           uint64_t seed, std::string& error) {
  auto p = std::unique_ptr<SoakPeer>(new SoakPeer());
  ferrum::HostDef def = game::demoHostDef();
  def.net.role = role;
  def.net.maxClients = 64;
  def.enet.timeoutMs = 10000; // 250 ms latency and 20 % loss: give ENet room before it gives up
  def.outgoing = link;
  def.incoming = link;
  def.linkSeed = seed;
  p->m_host = ferrum::Host::create(std::move(def), error);
  if (!p->m_host) return nullptr;
  if (role == ferrum::Role::Client) {
    p->m_player = std::make_unique<game::LocalPlayer>(p->m_host->net(), static_cast<uint32_t>(seed));
    if (!p->m_host->connect("127.0.0.1", port)) {
      error = "cannot connect";
      return nullptr;
    }
  }
  return p;
}

void SoakPeer::observe(double now) {
  if (m_joinedAt < 0 && m_host->joined()) m_joinedAt = now;
  std::set<uint32_t> alive;
  for (ferrum::EntityId id : m_host->group().ids()) alive.insert(id.value);
  for (uint32_t id : alive) {
    if (m_alive.contains(id)) continue;
    Lifetime& life = m_lifetimes[id];
    if (life.vanished >= 0) m_problems.push_back(fmt::format("entity {:#x} came back after it was removed", id));
    if (life.appeared < 0) life.appeared = now;
  }
  for (uint32_t id : m_alive)
    if (!alive.contains(id)) m_lifetimes[id].vanished = now;
  m_alive = std::move(alive);
  for (const ferrum::Effect& e : m_host->effects().pending()) {
    if (e.kind != ferrum::EffectKind::Explosion) continue;
    if (++m_explosions[e.source.value] == 2)
      m_problems.push_back(fmt::format("explosion of {:#x} handled twice", e.source.value));
  }
  m_host->effects().clearPending();
}

} // namespace soak
