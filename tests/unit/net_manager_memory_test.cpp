// NetManager over the in-memory transport: the seed's loopback, send rate, client
// authority and forwarding, and rejection of bad input - fast and deterministic.

#include <gtest/gtest.h>

#include "ferrum/memory_transport.h"
#include "ferrum/net_manager.h"
#include "tests/support/probe_controller.h"
#include "wire/messages.h"

using namespace ferrum;
using testing_support::kProbeType;
using testing_support::ProbeController;
using testing_support::probeType;

namespace {

struct MemPeer {
  ControllerRegistry registry;
  std::unique_ptr<EntityGroup> group;
  Effects effects;
  std::unique_ptr<NetManager> net;

  MemPeer(MemoryTransport& t, Role role) {
    registry.add(kProbeType, probeType());
    group = std::make_unique<EntityGroup>(registry);
    NetConfig c;
    c.role = role;
    net = std::make_unique<NetManager>(c, t, *group, effects);
  }
  ProbeController& probe(EntityId id) { return static_cast<ProbeController&>(group->find(id)->controller()); }
};

struct Net {
  MemoryNetwork network;
  MemoryTransport& serverT = network.endpoint(1);
  MemoryTransport& aT = network.endpoint(2);
  MemoryTransport& bT = network.endpoint(3);
  MemPeer server{serverT, Role::Server};
  MemPeer a{aT, Role::Client};
  MemPeer b{bT, Role::Client};
  double now = 0;

  void tick(int n = 1) {
    for (int i = 0; i < n; ++i) {
      now += 1.0 / 60;
      for (MemPeer* p : {&server, &a, &b}) p->net->frame(now);
      for (MemPeer* p : {&server, &a, &b}) p->net->service(0);
    }
  }
  void join() {
    ASSERT_TRUE(a.net->connect("mem", 1));
    ASSERT_TRUE(b.net->connect("mem", 1));
    tick(3);
    ASSERT_TRUE(a.net->joined());
    ASSERT_TRUE(b.net->joined());
  }
};

} // namespace

TEST(NetManagerLoopback, ServerFeedsItsOwnPacketThroughTheClientPathEveryTick) {
  Net n;
  n.join();
  const EntityId id = n.server.net->spawn(kProbeType, {});
  ASSERT_FALSE(id.isNull());
  ProbeController& probe = n.server.probe(id);
  const uint64_t sentBefore = n.server.net->stats().counters.packetsSent;
  for (uint32_t i = 1; i <= 60; ++i) {
    probe.value = i;
    n.tick();
    // The server read back exactly what it packed this tick, through clientUpdate.
    EXPECT_EQ(probe.received, i);
  }
  EXPECT_EQ(probe.packs, 60);
  EXPECT_EQ(probe.withData, 60) << "clientUpdate(&data) every tick on the server";
  EXPECT_EQ(probe.withoutData, 0);
  // ...but only 30 state packets per second leave for each of the two clients.
  EXPECT_EQ(n.server.net->stats().counters.packetsSent - sentBefore, 60u);

  // Over 61 ticks the server sent on every other one (its ticks 4, 6, ..., 64); the
  // client, framed right after the server, applies each block in the same tick and
  // extrapolates on the other 30.
  n.tick();
  ProbeController& remote = n.a.probe(id);
  EXPECT_EQ(remote.packs, 0) << "a client never packs an entity it is not authority for";
  EXPECT_EQ(remote.withData, 31);
  EXPECT_EQ(remote.withoutData, 30) << "ticks without news extrapolate (clientUpdate(nullptr))";
  EXPECT_EQ(remote.received, 60u);
}

TEST(NetManagerAuthority, ClientOwnedEntityRunsOnItsOwnerAndIsForwarded) {
  Net n;
  n.join();
  const EntityId id = n.a.net->spawn(kProbeType, {});
  ASSERT_FALSE(id.isNull());
  EXPECT_EQ(id.creator(), n.a.net->localPeer()) << "spawned in the client's own id range";
  ASSERT_NE(n.a.group->find(id), nullptr) << "exists on the owner at once, no round trip";
  n.a.probe(id).value = 42;
  n.tick(4);
  ASSERT_NE(n.server.group->find(id), nullptr);
  ASSERT_NE(n.b.group->find(id), nullptr);
  EXPECT_EQ(n.a.probe(id).received, 42u) << "the owner's loopback";
  EXPECT_EQ(n.server.probe(id).received, 42u);
  EXPECT_EQ(n.b.probe(id).received, 42u) << "forwarded by the server";
  EXPECT_EQ(n.server.probe(id).packs, 0) << "the server does not simulate a client's entity";
  EXPECT_GT(n.server.net->stats().counters.blocksForwarded, 0u);
}

TEST(NetManagerTrust, ForgedUpdateForAnotherClientsEntityIsRejected) {
  Net n;
  n.join();
  const EntityId id = n.a.net->spawn(kProbeType, {});
  n.a.probe(id).value = 7;
  n.tick(4);
  ASSERT_EQ(n.b.probe(id).received, 7u);

  // B claims to be the authority of A's entity: flip it locally so B packs it.
  n.b.group->setAuthority(id, n.b.net->localPeer());
  n.b.probe(id).value = 666;
  n.tick(4);
  EXPECT_EQ(n.server.probe(id).received, 7u) << "the victim's state is unchanged on the server";
  EXPECT_EQ(n.a.probe(id).received, 7u);
  uint64_t rejected = 0;
  for (const auto& p : n.server.net->stats().peers)
    if (p.slot == n.b.net->localPeer()) rejected = p.rejected;
  EXPECT_GT(rejected, 0u);
}

TEST(NetManagerTrust, MalformedStatePacketIsDroppedAndCounted) {
  MemoryNetwork network;
  MemoryTransport& st = network.endpoint(1);
  MemoryTransport& rogue = network.endpoint(2);
  MemPeer server{st, Role::Server};
  const LinkId link = rogue.connect("mem", 1, wire::packConnectData(protocolVersion(), NetConfig{}.gameId));
  server.net->frame(0.1);
  const EntityId id = server.net->spawn(kProbeType, {});
  const std::vector<uint8_t> junk{0xFF, 0x00, 0x13};
  rogue.send(link, Channel::State, junk);
  rogue.send(link, Channel::Reliable, junk);
  server.net->frame(0.2);
  const NetStats s = server.net->stats();
  ASSERT_EQ(s.peers.size(), 1u);
  EXPECT_EQ(s.peers[0].malformed, 2u);
  EXPECT_NE(server.group->find(id), nullptr);
  EXPECT_EQ(server.group->size(), 1u);
}

TEST(NetManagerTrust, ClientMayNotSpawnServerOnlyTypes) {
  // A crate-like server-only type: the client refuses locally, before anything is sent.
  MemoryNetwork network;
  MemoryTransport& st = network.endpoint(1);
  MemoryTransport& ct = network.endpoint(2);
  ControllerRegistry registry;
  EntityType serverOnly = probeType();
  serverOnly.clientMaySpawn = false;
  registry.add(kProbeType, serverOnly);
  EntityGroup sg(registry), cg(registry);
  Effects fx;
  NetConfig sc, cc;
  cc.role = Role::Client;
  NetManager server(sc, st, sg, fx), client(cc, ct, cg, fx);
  ASSERT_TRUE(client.connect("mem", 1));
  for (int i = 1; i < 5; ++i) {
    server.frame(i / 60.0);
    client.frame(i / 60.0);
  }
  ASSERT_TRUE(client.joined());
  EXPECT_TRUE(client.spawn(kProbeType, {}).isNull());
  EXPECT_EQ(cg.size(), 0u);
}

TEST(NetManagerJoin, ClientCannotSpawnBeforeItIsWelcomed) {
  MemoryNetwork network;
  MemoryTransport& ct = network.endpoint(2);
  MemPeer client{ct, Role::Client};
  EXPECT_TRUE(client.net->spawn(kProbeType, {}).isNull());
  EXPECT_FALSE(client.net->connect("mem", 1)) << "nobody listens on endpoint 1";
}

// Found by ferrum-soak: a slot reused by a later client must not hand out the same
// entity ids again, or late packets and events for the old entity hit the new one.
TEST(NetManagerJoin, AReusedSlotContinuesItsPredecessorsIds) {
  MemoryNetwork network;
  MemoryTransport& st = network.endpoint(1);
  MemPeer server{st, Role::Server};
  double now = 0;
  auto run = [&](MemPeer& client) {
    for (int i = 0; i < 3; ++i) {
      now += 1.0 / 60;
      server.net->frame(now);
      client.net->frame(now);
    }
  };
  EntityId first;
  {
    MemoryTransport& at = network.endpoint(2);
    MemPeer a{at, Role::Client};
    ASSERT_TRUE(a.net->connect("mem", 1));
    run(a);
    first = a.net->spawn(kProbeType, {});
    run(a);
    a.net->shutdown();
    run(a);
  }
  MemoryTransport& bt = network.endpoint(3);
  MemPeer b{bt, Role::Client};
  ASSERT_TRUE(b.net->connect("mem", 1));
  run(b);
  ASSERT_EQ(b.net->localPeer(), first.creator()) << "the slot is reused";
  const EntityId second = b.net->spawn(kProbeType, {});
  EXPECT_NE(second, first);
  EXPECT_GT(second.counter(), first.counter());
}
