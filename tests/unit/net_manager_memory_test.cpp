// NetManager over the in-memory transport: the seed's loopback, send rate, client
// authority and forwarding, and rejection of bad input - fast and deterministic.

#include <gtest/gtest.h>

#include <map>

#include "ferrum/memory_transport.h"
#include "ferrum/host.h"
#include "ferrum/net_manager.h"
#include "tests/support/probe_controller.h"
#include "wire/messages.h"

using namespace ferrum;
using testing_support::kProbeType;
using testing_support::ProbeController;
using testing_support::probeType;

namespace {

/// A Host with only the probe type, on one in-memory endpoint the test made.
struct MemPeer {
  std::unique_ptr<Host> host;
  EntityGroup* group = nullptr;
  NetManager* net = nullptr;

  MemPeer(Transport& t, Role role) {
    HostDef def;
    def.types.add(kProbeType, probeType());
    def.net.role = role;
    def.transport = &t;
    std::string error;
    host = Host::create(std::move(def), error);
    EXPECT_TRUE(host) << error;
    group = &host->group();
    net = &host->net();
  }
  ProbeController& probe(EntityId id) { return static_cast<ProbeController&>(group->find(id)->controller()); }
};

// What a NetManager client sends first: the type table it registered (here `registry`'s).
void sendHello(MemoryTransport& from, LinkId link, const ControllerRegistry& registry) {
  const wire::Hello hello{static_cast<uint32_t>(registry.size()), registry.fingerprint()};
  from.send(link, Channel::Reliable, wire::encodeMessage(wire::MessageType::Hello, hello));
}

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
  // The clients acknowledge the spawn (SpawnAck) before its state may go to them.
  n.tick(6);
  const int packsBefore = probe.packs, withDataBefore = probe.withData, withoutDataBefore = probe.withoutData;
  const int remoteWithDataBefore = n.a.probe(id).withData, remoteWithoutDataBefore = n.a.probe(id).withoutData;
  const uint64_t sentBefore = n.server.net->stats().counters.packetsSent;
  for (uint32_t i = 1; i <= 60; ++i) {
    probe.value = i;
    n.tick();
    // The server read back exactly what it packed this tick, through clientUpdate.
    EXPECT_EQ(probe.received, i);
  }
  EXPECT_EQ(probe.packs - packsBefore, 60);
  EXPECT_EQ(probe.withData - withDataBefore, 60) << "clientUpdate(&data) every tick on the server";
  EXPECT_EQ(probe.withoutData - withoutDataBefore, 0);
  // ...but only 30 state packets per second leave for each of the two clients.
  EXPECT_EQ(n.server.net->stats().counters.packetsSent - sentBefore, 60u);

  // Over 61 ticks the server sent on every other one; the client, framed right after
  // the server, applies each block in the same tick and extrapolates on the other 30.
  n.tick();
  ProbeController& remote = n.a.probe(id);
  EXPECT_EQ(remote.packs, 0) << "a client never packs an entity it is not authority for";
  EXPECT_EQ(remote.withData - remoteWithDataBefore, 31);
  EXPECT_EQ(remote.withoutData - remoteWithoutDataBefore, 30) << "ticks without news extrapolate (clientUpdate(nullptr))";
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
  n.tick(8); // b acknowledges the spawn (SpawnAck) before the state is forwarded to it
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
  n.tick(8); // b acknowledges the spawn (SpawnAck) before the state is forwarded to it
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
  sendHello(rogue, link, server.host->types());
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

TEST(NetManagerTrust, SpawnsWithIdsNoPacketCanNameAreRefusedAndTheSlotStaysUsable) {
  // A client's spawn with counter 0 (no state block can name it: the server's every
  // state packet would fail to write once it owned one) or the slot's last counter
  // (its next occupant would be welcomed with a counter past the end and could never
  // join) is refused, and the slot's counter does not move.
  MemoryNetwork network;
  MemoryTransport& st = network.endpoint(1);
  MemPeer server{st, Role::Server};
  MemoryTransport& rogue = network.endpoint(2);
  const LinkId link = rogue.connect("mem", 1, wire::packConnectData(protocolVersion(), NetConfig{}.gameId));
  sendHello(rogue, link, server.host->types());
  double now = 0;
  auto run = [&](int ticks, MemPeer* client) {
    for (int i = 0; i < ticks; ++i) {
      now += 1.0 / 60;
      server.net->frame(now);
      if (client) client->net->frame(now);
    }
  };
  run(3, nullptr);
  const PeerId slot = 1; // the first client gets the first slot
  for (uint32_t counter : {0u, kMaxEntityCounter}) {
    wire::Spawn s{EntityId::make(slot, counter), kProbeType, slot, SpawnState{}, 0};
    rogue.send(link, Channel::Reliable, wire::encodeMessage(wire::MessageType::Spawn, s));
  }
  run(3, nullptr);
  EXPECT_EQ(server.group->size(), 0u);
  rogue.disconnect(link, wire::packDisconnect(wire::DisconnectReason::Leaving));
  run(3, nullptr);

  MemoryTransport& next = network.endpoint(3);
  MemPeer honest{next, Role::Client};
  ASSERT_TRUE(honest.net->connect("mem", 1));
  run(5, &honest);
  ASSERT_TRUE(honest.net->joined()) << "the slot's next occupant must still get a usable welcome";
  EXPECT_EQ(honest.net->localPeer(), slot);
  const EntityId id = honest.net->spawn(kProbeType, {});
  ASSERT_FALSE(id.isNull());
  run(5, &honest);
  EXPECT_NE(server.group->find(id), nullptr);
}

TEST(NetManagerAcks, TheServersOwnPacketsAreNumberedApartFromTheOnesItForwards) {
  // Acks cover the newest sequence and the 32 before it. With many clients the server
  // forwards far more packets than it sends of its own; numbered in one series, its
  // own would drop out of that window before the ack came back, and its resting
  // entities would be resent forever. A raw observer checks the two series.
  MemoryNetwork network;
  MemoryTransport& st = network.endpoint(1);
  MemoryTransport& at = network.endpoint(2);
  MemoryTransport& observer = network.endpoint(3);
  MemPeer server{st, Role::Server};
  MemPeer a{at, Role::Client};
  ASSERT_TRUE(a.net->connect("mem", 1));
  const LinkId link = observer.connect("mem", 1, wire::packConnectData(protocolVersion(), NetConfig{}.gameId));
  sendHello(observer, link, server.host->types());
  double now = 0;
  std::map<PeerId, std::vector<uint16_t>> sequences; // by origin
  uint32_t spawns = 0; // the observer acknowledges the spawns it gets, as a client does
  auto tick = [&](int n) {
    for (int i = 0; i < n; ++i) {
      now += 1.0 / 60;
      server.net->frame(now);
      a.net->frame(now);
      TransportEvent e;
      while (observer.service(e, 0)) {
        wire::StatePacket p;
        if (e.link == link && e.type == TransportEvent::Type::Received && e.channel == Channel::State &&
            wire::readStatePacket(e.payload, p))
          sequences[p.header.origin].push_back(p.header.sequence);
        if (e.link == link && e.type == TransportEvent::Type::Received && e.channel == Channel::Reliable &&
            !e.payload.empty() && (e.payload[0] & 0xF) == static_cast<uint8_t>(wire::MessageType::Spawn))
          observer.send(link, Channel::Reliable,
                        wire::encodeMessage(wire::MessageType::SpawnAck, wire::SpawnAck{++spawns}));
      }
    }
  };
  tick(3);
  ASSERT_TRUE(a.net->joined());
  const EntityId mine = server.net->spawn(kProbeType, {});
  const EntityId theirs = a.net->spawn(kProbeType, {});
  for (int i = 0; i < 120; ++i) { // both change every tick: every send carries them
    server.probe(mine).value = static_cast<uint32_t>(i);
    a.probe(theirs).value = static_cast<uint32_t>(i);
    tick(1);
  }
  const PeerId owner = a.net->localPeer();
  ASSERT_GT(sequences[kServerPeer].size(), 20u);
  ASSERT_GT(sequences[owner].size(), 20u) << "a's updates are forwarded to the observer";
  for (PeerId origin : {kServerPeer, owner}) {
    const std::vector<uint16_t>& seq = sequences[origin];
    for (size_t i = 1; i < seq.size(); ++i)
      EXPECT_EQ(static_cast<uint16_t>(seq[i] - seq[i - 1]), 1u) << "origin " << int(origin) << " at " << i;
  }
}

namespace {

/// Passes everything through, except that while `forge` is set it stamps the state
/// packets it sends with an origin tick 2^30 ahead: a client whose clock jumps (or a
/// bit-flipping relay, or a cheat).
class ClockForger final : public Transport {
public:
  explicit ClockForger(Transport& inner) : m_inner(inner) {}
  bool forge = false;

  bool service(TransportEvent& event, uint32_t timeoutMs) override { return m_inner.service(event, timeoutMs); }
  void send(LinkId link, Channel channel, std::span<const uint8_t> bytes) override {
    wire::StatePacket packet;
    if (!forge || channel != Channel::State || !wire::readStatePacket(bytes, packet)) {
      m_inner.send(link, channel, bytes);
      return;
    }
    packet.header.originTick += 1u << 30;
    WriteStream out(bytes.size() + 64);
    packet.header.serialize(out);
    for (const wire::StateBlock& block : packet.blocks) wire::writeBlock(out, block);
    wire::writeEnd(out);
    const std::vector<uint8_t> forged = out.take();
    m_inner.send(link, channel, forged);
  }
  LinkId connect(const std::string& host, uint16_t port, uint32_t data) override {
    return m_inner.connect(host, port, data);
  }
  void disconnect(LinkId link, uint32_t reason) override { m_inner.disconnect(link, reason); }
  void disconnectWhenSent(LinkId link, uint32_t reason) override { m_inner.disconnectWhenSent(link, reason); }
  void flush() override { m_inner.flush(); }
  LinkStats stats(LinkId link) const override { return m_inner.stats(link); }

private:
  Transport& m_inner;
};

} // namespace

// One packet stamped far in the future must not become the entity's clock: it used to
// be stored as the newest origin tick, after which every honest block was "stale" and
// the owner's entity froze for everyone for the rest of the match.
TEST(NetManagerTrust, AnOriginTickFromTheFutureIsRefusedAndNeverFreezesTheEntity) {
  MemoryNetwork network;
  MemoryTransport& serverT = network.endpoint(1);
  ClockForger forger(network.endpoint(2));
  MemPeer server{serverT, Role::Server};
  MemPeer a{forger, Role::Client};
  double now = 0;
  auto tick = [&](int n) {
    for (int i = 0; i < n; ++i) {
      now += 1.0 / 60;
      for (MemPeer* p : {&server, &a}) p->net->frame(now);
      for (MemPeer* p : {&server, &a}) p->net->service(0);
    }
  };
  ASSERT_TRUE(a.net->connect("mem", 1));
  tick(3);
  ASSERT_TRUE(a.net->joined());
  const EntityId id = a.net->spawn(kProbeType, {});
  a.probe(id).value = 1;
  tick(4);
  ASSERT_EQ(server.probe(id).received, 1u);

  forger.forge = true;
  a.probe(id).value = 2;
  tick(4);
  forger.forge = false;
  EXPECT_EQ(server.probe(id).received, 1u) << "the forged blocks were not applied";
  uint64_t rejected = 0;
  for (const auto& p : server.net->stats().peers)
    if (p.slot == a.net->localPeer()) rejected = p.rejected;
  EXPECT_GT(rejected, 0u) << "counted as rejected";

  a.probe(id).value = 3;
  tick(4);
  EXPECT_EQ(server.probe(id).received, 3u) << "honest blocks after it still count";
}

// An overloaded server drops the backlog of ticks it cannot run (maxCatchUpTicks), so
// its tick count falls behind time; a client counts its ticks on its own steady clock
// from the welcome. The referee's "stamped far ahead of the server's clock" check used
// to compare against the count, so after a few stalls every honest client's state was
// refused, counted as violations and (with enough entities) the client kicked.
TEST(NetManagerTrust, AnOverloadedServerThatDropsTicksStillTrustsAnHonestClientsClock) {
  MemoryNetwork network;
  MemoryTransport& serverT = network.endpoint(1);
  MemoryTransport& clientT = network.endpoint(2);
  MemPeer server{serverT, Role::Server};
  MemPeer a{clientT, Role::Client};
  double now = 0;
  // One step of the shared clock: the client runs every tick; the server only when
  // it is not stalled (an overloaded frame that took that long).
  auto step = [&](bool serverRuns) {
    now += 1.0 / 60;
    a.net->frame(now);
    if (serverRuns) server.net->frame(now);
    a.net->service(0);
    if (serverRuns) server.net->service(0);
  };
  ASSERT_TRUE(a.net->connect("mem", 1));
  for (int i = 0; i < 3; ++i) step(true);
  ASSERT_TRUE(a.net->joined());
  const EntityId id = a.net->spawn(kProbeType, {});
  ASSERT_FALSE(id.isNull());
  uint32_t value = 1;
  a.probe(id).value = value;
  for (int i = 0; i < 6; ++i) step(true);
  ASSERT_EQ(server.probe(id).received, 1u);

  // 20 stalls of half a second: each drops about 30 - maxCatchUpTicks ticks, well
  // over kMaxOriginLeadTicks in all. The client's entity keeps moving throughout.
  const int ticksPerStall = 30;
  ASSERT_GT(ticksPerStall, server.net->config().maxCatchUpTicks);
  const uint32_t serverTickBefore = server.net->tick();
  uint32_t clientTicks = 0;
  for (int stall = 0; stall < 20 && !a.net->disconnected(); ++stall) {
    for (int i = 0; i < ticksPerStall && !a.net->disconnected(); ++i) {
      a.probe(id).value = ++value;
      step(i == ticksPerStall - 1);
      ++clientTicks;
    }
    for (int i = 0; i < 6 && !a.net->disconnected(); ++i) {
      a.probe(id).value = ++value;
      step(true);
      ++clientTicks;
    }
  }
  ASSERT_FALSE(a.net->disconnected()) << "an honest client is never kicked";
  // The stalls really dropped ticks: the server ran far fewer than the client did.
  ASSERT_GT(clientTicks - (server.net->tick() - serverTickBefore), 300u);

  ASSERT_NE(server.group->find(id), nullptr);
  const uint32_t before = server.probe(id).received;
  for (int i = 0; i < 10 && !a.net->disconnected(); ++i) {
    a.probe(id).value = ++value;
    step(true);
  }
  ASSERT_FALSE(a.net->disconnected()) << "an honest client is never kicked";
  EXPECT_TRUE(a.net->joined());
  uint64_t rejected = 0, clamped = 0;
  bool found = false;
  for (const auto& p : server.net->stats().peers)
    if (p.slot == a.net->localPeer()) {
      found = p.connected;
      rejected = p.rejected;
      clamped = p.clamped;
    }
  EXPECT_TRUE(found) << "still connected on the server";
  EXPECT_EQ(rejected, 0u) << "none of its honest state was refused";
  EXPECT_EQ(clamped, 0u);
  ASSERT_NE(server.group->find(id), nullptr);
  EXPECT_GT(server.probe(id).received, before) << "the server still accepts its state";
  EXPECT_GE(server.probe(id).received + 10, value) << "and is close to the owner's newest";
}
