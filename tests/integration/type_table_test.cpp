// The registered type table is part of the handshake, over real loopback ENet: a
// client whose types differ from the server's is refused at connect, and its reason
// names the difference; one with the same table joins. Built from NetManager and
// EnetTransport alone, with probe types (no game).

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "ferrum/clock.h"
#include "ferrum/enet_transport.h"
#include "ferrum/net_manager.h"
#include "tests/support/probe_controller.h"

using namespace ferrum;
using testing_support::probeType;

namespace {

EntityType named(const std::string& name, bool clientMaySpawn = false) {
  EntityType t = probeType();
  t.name = name;
  t.clientMaySpawn = clientMaySpawn;
  return t;
}

// The demo's table in miniature: 1 crate, 2 player, 3 grenade.
void registerArena(ControllerRegistry& registry) {
  registry.add(1, named("crate"));
  registry.add(2, named("player", true));
  EntityType grenade = named("grenade", true);
  grenade.onOwnerLeave = OwnerLeavePolicy::HandToServer;
  registry.add(3, grenade);
}

struct Peer {
  ControllerRegistry registry;
  std::unique_ptr<EntityGroup> group;
  Effects effects;
  std::unique_ptr<EnetTransport> transport;
  std::unique_ptr<NetManager> net;

  // A server on an ephemeral loopback port, or a client connecting to `serverPort`.
  bool start(Role role, uint16_t serverPort = 0, int maxClients = 1) {
    group = std::make_unique<EntityGroup>(registry);
    std::string error;
    transport = role == Role::Server ? EnetTransport::listen(EnetConfig{}, error) : EnetTransport::client({}, error);
    if (!transport) return false;
    NetConfig config;
    config.role = role;
    config.maxClients = maxClients;
    net = std::make_unique<NetManager>(config, *transport, *group, effects);
    return role == Role::Server || net->connect("127.0.0.1", serverPort);
  }
};

// Runs both peers' frames until `done`, for at most `seconds` of wall time.
template <class Done>
bool runUntil(Peer& server, Peer& client, Done done, double seconds = 5.0) {
  const double start = steadySeconds();
  while (steadySeconds() - start < seconds) {
    const double now = steadySeconds();
    server.net->frame(now);
    client.net->frame(now);
    if (done()) return true;
    server.net->service(1);
    client.net->service(1);
  }
  return done();
}

} // namespace

TEST(TypeTable, AClientWithTheSameTypesJoins) {
  Peer server, client;
  registerArena(server.registry);
  registerArena(client.registry);
  ASSERT_TRUE(server.start(Role::Server));
  ASSERT_TRUE(client.start(Role::Client, server.transport->boundPort()));
  EXPECT_EQ(client.registry.fingerprint(), server.registry.fingerprint());
  ASSERT_TRUE(runUntil(server, client, [&] { return client.net->joined() || client.net->disconnected(); }));
  EXPECT_TRUE(client.net->joined()) << client.net->disconnectReason();
  EXPECT_EQ(server.net->stats().counters.clientsJoined, 1u);
  EXPECT_EQ(server.net->stats().counters.connectionsRefused, 0u);
}

TEST(TypeTable, AClientWithOtherTypesIsRefusedAndToldWhatDiffers) {
  Peer server, client;
  registerArena(server.registry);
  client.registry.add(1, named("crate"));
  client.registry.add(2, named("player", false)); // clients may not spawn it, here
  client.registry.add(3, named("rocket", true));  // another type under the grenade's id
  client.registry.add(7, named("mine", true));    // one the server does not have
  ASSERT_TRUE(server.start(Role::Server));
  ASSERT_TRUE(client.start(Role::Client, server.transport->boundPort()));
  ASSERT_TRUE(runUntil(server, client, [&] { return client.net->joined() || client.net->disconnected(); }));
  EXPECT_FALSE(client.net->joined());
  ASSERT_TRUE(client.net->disconnected());
  const std::string& why = client.net->disconnectReason();
  for (const char* part : {"type table differs", "type 3 is 'grenade' on the server, 'rocket' here",
                           "type 2 'player': clients may spawn it on the server, may not here",
                           "type 7 'mine' only here", "the server has 1 crate, 2 player, 3 grenade"})
    EXPECT_NE(why.find(part), std::string::npos) << "missing \"" << part << "\" in: " << why;
  const NetStats stats = server.net->stats();
  EXPECT_EQ(stats.counters.connectionsRefused, 1u);
  EXPECT_EQ(stats.counters.clientsJoined, 0u);
  EXPECT_TRUE(stats.peers.empty()) << "a refused client never counts as a peer";
  // The refused link closes on the server too: its only slot is free again for a
  // client with the right table.
  Peer good;
  registerArena(good.registry);
  ASSERT_TRUE(good.start(Role::Client, server.transport->boundPort()));
  ASSERT_TRUE(runUntil(server, good, [&] { return good.net->joined() || good.net->disconnected(); }));
  EXPECT_TRUE(good.net->joined()) << good.net->disconnectReason();
  EXPECT_EQ(good.net->localPeer(), 1);
}

TEST(TypeTable, TheFingerprintCoversIdsNamesAndTheRulesEveryPeerEnforces) {
  ControllerRegistry base;
  registerArena(base);
  auto variant = [](auto change) {
    ControllerRegistry r;
    registerArena(r);
    ControllerRegistry changed;
    for (EntityTypeId id : r.ids()) {
      EntityType t = *r.find(id);
      change(id, t);
      changed.add(id, t);
    }
    return changed.fingerprint();
  };
  EXPECT_EQ(variant([](EntityTypeId, EntityType&) {}), base.fingerprint());
  EXPECT_NE(variant([](EntityTypeId id, EntityType& t) { if (id == 1) t.name = "box"; }), base.fingerprint());
  EXPECT_NE(variant([](EntityTypeId id, EntityType& t) { if (id == 1) t.clientMaySpawn = true; }), base.fingerprint());
  EXPECT_NE(variant([](EntityTypeId id, EntityType& t) {
              if (id == 3) t.onOwnerLeave = OwnerLeavePolicy::Despawn;
            }),
            base.fingerprint());
  // Each peer's own presentation and send choices are not part of it.
  EXPECT_EQ(variant([](EntityTypeId, EntityType& t) {
              t.viewMode = ViewMode::Extrapolate;
              t.priority = 3;
            }),
            base.fingerprint());
  ControllerRegistry fewer;
  fewer.add(1, named("crate"));
  EXPECT_NE(fewer.fingerprint(), base.fingerprint());
}
