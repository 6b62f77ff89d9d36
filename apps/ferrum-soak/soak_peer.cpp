#include "apps/ferrum-soak/soak_peer.h"

#include <fmt/format.h>

#include "apps/common/peer.h"
#include "game/arena.h"

namespace soak {

std::unique_ptr<SoakPeer> SoakPeer::create(ferrum::Role role, uint16_t port, const ferrum::LinkConditions& link,
                                           uint64_t seed, std::string& error) {
  auto p = std::unique_ptr<SoakPeer>(new SoakPeer());
  game::registerDemoTypes(p->m_registry);
  p->m_group = std::make_unique<ferrum::EntityGroup>(p->m_registry);
  game::buildArena(p->m_group->physics());
  ferrum::EnetConfig enet;
  enet.timeoutMs = 10000; // 250 ms latency and 20 % loss: give ENet room before it gives up
  p->m_enet = role == ferrum::Role::Server ? ferrum::EnetTransport::listen(enet, error)
                                           : ferrum::EnetTransport::client(enet, error);
  if (!p->m_enet) return nullptr;
  p->m_port = p->m_enet->boundPort();
  p->m_link = std::make_unique<ferrum::LinkSimulator>(*p->m_enet, link, link, seed, app::steadySeconds);
  ferrum::NetConfig config;
  config.role = role;
  config.maxClients = 64;
  p->m_net = std::make_unique<ferrum::NetManager>(config, *p->m_link, *p->m_group, p->m_effects);
  if (role == ferrum::Role::Client) {
    p->m_player = std::make_unique<game::LocalPlayer>(*p->m_net, static_cast<uint32_t>(seed));
    if (!p->m_net->connect("127.0.0.1", port)) {
      error = "cannot connect";
      return nullptr;
    }
  }
  return p;
}

SoakPeer::~SoakPeer() {
  m_player.reset();
  m_net.reset();
}

void SoakPeer::observe(double now) {
  if (m_joinedAt < 0 && m_net->joined()) m_joinedAt = now;
  std::set<uint32_t> alive;
  for (ferrum::EntityId id : m_group->ids()) alive.insert(id.value);
  for (uint32_t id : alive) {
    if (m_alive.contains(id)) continue;
    Lifetime& life = m_lifetimes[id];
    if (life.vanished >= 0) m_problems.push_back(fmt::format("entity {:#x} came back after it was removed", id));
    if (life.appeared < 0) life.appeared = now;
  }
  for (uint32_t id : m_alive)
    if (!alive.contains(id)) m_lifetimes[id].vanished = now;
  m_alive = std::move(alive);
  for (const ferrum::Effect& e : m_effects.pending()) {
    if (e.kind != ferrum::EffectKind::Explosion) continue;
    if (++m_explosions[e.source.value] == 2)
      m_problems.push_back(fmt::format("explosion of {:#x} handled twice", e.source.value));
  }
  m_effects.clearPending();
}

} // namespace soak
