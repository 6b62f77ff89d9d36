#include "tests/support/test_peer.h"

#include <gtest/gtest.h>

namespace testing_support {

namespace {
double wallSeconds() { return ferrum::steadySeconds(); }

std::unique_ptr<TestPeer> hostPeer(ferrum::NetConfig config) {
  ferrum::HostDef def = game::demoHostDef();
  def.net = config;
  return TestPeer::fromDef(std::move(def));
}
} // namespace

std::unique_ptr<TestPeer> TestPeer::fromDef(ferrum::HostDef def) {
  std::string error;
  auto peer = std::make_unique<TestPeer>();
  peer->host = ferrum::Host::create(std::move(def), error);
  if (!peer->host) {
    ADD_FAILURE() << "cannot build a test peer: " << error;
    return nullptr;
  }
  peer->net = &peer->host->net();
  peer->group = &peer->host->group();
  peer->effects = &peer->host->effects();
  peer->port = peer->host->port();
  return peer;
}

std::unique_ptr<TestPeer> TestPeer::enetServer(ferrum::NetConfig config) {
  config.role = ferrum::Role::Server;
  return hostPeer(config);
}

std::unique_ptr<TestPeer> TestPeer::enetClient(uint16_t port, bool withPlayer, ferrum::NetConfig config) {
  config.role = ferrum::Role::Client;
  auto peer = hostPeer(config);
  if (!peer) return nullptr;
  if (withPlayer) peer->player = std::make_unique<game::LocalPlayer>(*peer->net, std::nullopt);
  if (!peer->host->connect("127.0.0.1", port)) return nullptr;
  return peer;
}

game::PlayerController* TestPeer::playerController() {
  if (!player) return nullptr;
  ferrum::Entity* e = group->find(player->id());
  return e ? static_cast<game::PlayerController*>(&e->controller()) : nullptr;
}

namespace {
double g_simTime = 1000.0; // shared by every pump so peers' clocks never run backwards
}

bool pumpUntil(const std::vector<TestPeer*>& peers, const std::function<bool()>& done, int maxTicks,
               double maxWallSeconds) {
  const double start = wallSeconds();
  const double dt = 1.0 / 60;
  for (int i = 0; i < maxTicks && wallSeconds() - start < maxWallSeconds; ++i) {
    if (done()) return true;
    g_simTime += dt;
    for (TestPeer* p : peers) p->net->frame(g_simTime);
    // Let packets cross the sockets: a short bounded wait per peer, returning early
    // as soon as something arrives.
    for (TestPeer* p : peers) p->net->service(1);
  }
  return done();
}

ferrum::PeerStats statsOf(const ferrum::NetStats& stats, ferrum::PeerId slot) {
  for (const auto& p : stats.peers)
    if (p.slot == slot) return p;
  return {};
}

size_t countType(const ferrum::EntityGroup& group, ferrum::EntityTypeId type) {
  size_t n = 0;
  group.forEach([&](const ferrum::Entity& e) { n += e.type() == type; });
  return n;
}

void pumpTicks(const std::vector<TestPeer*>& peers, int ticks) {
  int n = 0;
  pumpUntil(peers, [&] { return n++ >= ticks; }, ticks + 1, 120);
}

TwoPlayerMatch::TwoPlayerMatch(ferrum::NetConfig serverConfig) {
  server = TestPeer::enetServer(serverConfig);
  a = TestPeer::enetClient(server->port, true);
  b = TestPeer::enetClient(server->port, true);
  all = {server.get(), a.get(), b.get()};
}

bool TwoPlayerMatch::ready() {
  return pumpUntil(all, [&] {
    return !a->player->id().isNull() && !b->player->id().isNull() && server->group->size() == 2 &&
           a->group->size() == 2 && b->group->size() == 2;
  }, 600);
}

} // namespace testing_support
