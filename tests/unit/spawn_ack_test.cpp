// A server sends state about an entity to a client only once the client has
// acknowledged its spawn (SpawnAck): driven by hand over the in-memory transport, so
// the client side does exactly what the test says.

#include <gtest/gtest.h>

#include "ferrum/host.h"
#include "ferrum/memory_transport.h"
#include "tests/support/probe_controller.h"
#include "wire/messages.h"

using namespace ferrum;
using testing_support::kProbeType;
using testing_support::ProbeController;
using testing_support::probeType;

namespace {

struct HandClient {
  MemoryNetwork network;
  MemoryTransport& serverEnd = network.endpoint(1);
  MemoryTransport& raw = network.endpoint(2);
  std::unique_ptr<Host> server;
  LinkId link = kNoLink;
  uint32_t spawnsSeen = 0;
  size_t blocksAbout = 0; ///< state blocks naming `watched`
  EntityId watched;
  double now = 0;

  HandClient() {
    HostDef def;
    def.types.add(kProbeType, probeType());
    def.net.role = Role::Server;
    def.transport = &serverEnd;
    std::string error;
    server = Host::create(std::move(def), error);
    EXPECT_TRUE(server) << error;
    link = raw.connect("mem", 1, wire::packConnectData(protocolVersion(), NetConfig{}.gameId));
    const ControllerRegistry& types = server->types();
    const wire::Hello hello{static_cast<uint32_t>(types.size()), types.fingerprint()};
    raw.send(link, Channel::Reliable, wire::encodeMessage(wire::MessageType::Hello, hello));
  }
  void tick(int n) {
    for (int i = 0; i < n; ++i) {
      now += 1.0 / 60;
      server->frame(now);
      TransportEvent e;
      while (raw.service(e, 0)) {
        if (e.type != TransportEvent::Type::Received) continue;
        wire::StatePacket p;
        if (e.channel == Channel::State && wire::readStatePacket(e.payload, p))
          for (const auto& b : p.blocks) blocksAbout += b.id == watched;
        if (e.channel == Channel::Reliable && !e.payload.empty() &&
            (e.payload[0] & 0xF) == static_cast<uint8_t>(wire::MessageType::Spawn))
          ++spawnsSeen;
      }
    }
  }
};

} // namespace

TEST(SpawnAck, NoStateAboutAnEntityBeforeTheClientAcknowledgesItsSpawn) {
  HandClient c;
  c.tick(3);
  c.watched = c.server->net().spawn(kProbeType, {});
  ASSERT_FALSE(c.watched.isNull());
  for (int i = 0; i < 30; ++i) {
    static_cast<ProbeController&>(c.server->group().find(c.watched)->controller()).value = static_cast<uint32_t>(i);
    c.tick(1);
  }
  ASSERT_EQ(c.spawnsSeen, 1u);
  EXPECT_EQ(c.blocksAbout, 0u) << "state went out before the spawn was acknowledged";

  c.raw.send(c.link, Channel::Reliable, wire::encodeMessage(wire::MessageType::SpawnAck, wire::SpawnAck{1}));
  static_cast<ProbeController&>(c.server->group().find(c.watched)->controller()).value = 99;
  c.tick(6);
  EXPECT_GT(c.blocksAbout, 0u) << "acknowledged, the entity's state flows";
}

TEST(SpawnAck, AnAckBeyondTheSpawnsSentIsRefusedAndCounted) {
  HandClient c;
  c.tick(3);
  c.watched = c.server->net().spawn(kProbeType, {});
  c.tick(2);
  c.raw.send(c.link, Channel::Reliable, wire::encodeMessage(wire::MessageType::SpawnAck, wire::SpawnAck{5}));
  c.tick(6);
  const NetStats s = c.server->net().stats();
  ASSERT_EQ(s.peers.size(), 1u);
  EXPECT_EQ(s.peers[0].rejected, 1u);
  EXPECT_EQ(c.blocksAbout, 0u) << "a bogus ack confirms nothing";
}
