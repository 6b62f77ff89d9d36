// The spawn baseline (net/spawn_baseline.h): once a client has acknowledged an
// entity's Spawn, the server codes the entity's first blocks as field deltas against
// the state the spawn carried (wire::kSpawnBaseline), and a body that has not moved
// since its spawn is not sent at all until its refresh.
//
// Built from the spawn's bytes on both sides (identical by construction); on the
// receiving side, a hand-played server sends a real client NetManager the cases that
// go wrong (a late block about an earlier spawn of a reused id, sequence wrap, a
// baseline the client does not hold, an authority hand-over); on the sending side, a
// real server NetManager talks to a hand-played client that inspects every block.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>

#include "ferrum/entity.h"
#include "ferrum/host.h"
#include "ferrum/memory_transport.h"
#include "game/cubes_scenario.h"
#include "game/types.h"
#include "net/spawn_baseline.h"
#include "tests/support/cube_fixture.h"
#include "tests/support/hand_server.h"
#include "wire/field_delta.h"
#include "wire/messages.h"

using namespace ferrum;

namespace {

using testing_support::cubePrecision;
using testing_support::cubesHost;
using testing_support::onGrid;
using testing_support::wholeCube;
using testing_support::cubeBlock;

SpawnState spawnAt(Vec3 position, Quat orientation = {}) {
  SpawnState s;
  s.transform.position = position;
  s.transform.orientation = orientation;
  return s;
}

std::vector<uint8_t> spawnBytes(EntityId id, const SpawnState& state, PeerId authority = kServerPeer) {
  return wire::encodeMessage(wire::MessageType::Spawn, wire::Spawn{id, game::kCubeType, authority, state, 1},
                             cubePrecision());
}

/// A block coded against the spawn that `bytes` carried.
wire::StateBlock spawnDelta(EntityId id, const std::vector<uint8_t>& bytes, Vec3 to) {
  SpawnBaseline base;
  EXPECT_TRUE(spawnBaselineOf(bytes, cubePrecision(), base));
  uint32_t bits = 0;
  const std::vector<uint8_t> current = cubeBlock(to, {}, bits);
  const FieldLayout layout = rigidStateLayout(game::cubesQuantization());
  WriteStream w(256);
  EXPECT_TRUE(wire::writeFieldDelta(w, layout, base.payload.data(), base.bits, current.data(), bits));
  wire::StateBlock block{id, {}, static_cast<uint32_t>(w.bits()), wire::kSpawnBaseline};
  block.payload = w.take();
  return block;
}

// ------------------------------------------------------------------ the baseline

TEST(SpawnBaseline, BuiltFromASpawnsBytesItIsTheBlockOfTheBodyThatHasNotMoved) {
  const Quat turned{0.0f, 0.38268343f, 0.0f, 0.92387953f}; // 45 degrees about y
  const SpawnState s = spawnAt({1.25f, 0.2f, -3.7f}, turned);
  SpawnBaseline base;
  ASSERT_TRUE(spawnBaselineOf(spawnBytes(EntityId::make(0, 5), s), cubePrecision(), base));
  uint32_t bits = 0;
  const std::vector<uint8_t> block = cubeBlock(s.transform.position, turned, bits);
  EXPECT_EQ(base.bits, bits);
  EXPECT_EQ(base.payload, block);
}

TEST(SpawnBaseline, VelocitiesAreCopiedAndClearTheRestFlag) {
  static const RigidQuantization withVelocities{}; // velocities, angular ones and the rest flag
  const wire::PrecisionOf precision = [](EntityTypeId) { return &withVelocities; };
  SpawnState s = spawnAt({2, 3, 4});
  s.linearVelocity = {1.5f, 0, -2};
  s.angularVelocity = {0, 0.25f, 0};
  const auto bytes =
      wire::encodeMessage(wire::MessageType::Spawn, wire::Spawn{EntityId::make(0, 9), 3, kServerPeer, s, 1}, precision);
  SpawnBaseline base;
  ASSERT_TRUE(spawnBaselineOf(bytes, precision, base));
  RigidState moving{s.transform.position, s.transform.orientation, s.linearVelocity, s.angularVelocity, false};
  WriteStream w(64);
  serializeRigidState(w, moving, withVelocities);
  EXPECT_EQ(base.bits, w.bits());
  EXPECT_EQ(base.payload, w.take());

  s.linearVelocity = s.angularVelocity = {}; // still: the flag, and no velocities
  const auto still =
      wire::encodeMessage(wire::MessageType::Spawn, wire::Spawn{EntityId::make(0, 9), 3, kServerPeer, s, 1}, precision);
  ASSERT_TRUE(spawnBaselineOf(still, precision, base));
  RigidState resting{s.transform.position, s.transform.orientation, {}, {}, true};
  WriteStream r(64);
  serializeRigidState(r, resting, withVelocities);
  EXPECT_EQ(base.payload, r.take());
}

TEST(SpawnBaseline, NoneForATypeWithoutPrecisionOrAnythingButASpawn) {
  SpawnBaseline base;
  const auto raw = wire::encodeMessage(wire::MessageType::Spawn,
                                       wire::Spawn{EntityId::make(0, 5), 77, kServerPeer, spawnAt({1, 1, 1}), 1});
  EXPECT_FALSE(spawnBaselineOf(raw, cubePrecision(), base)) << "type 77 declares no precision: raw floats";
  const auto leave = wire::encodeMessage(wire::MessageType::Leave, wire::Leave{EntityId::make(0, 5)});
  EXPECT_FALSE(spawnBaselineOf(leave, cubePrecision(), base));
  auto cut = spawnBytes(EntityId::make(0, 5), spawnAt({1, 1, 1}));
  cut.resize(6);
  EXPECT_FALSE(spawnBaselineOf(cut, cubePrecision(), base)) << "truncated";
}

TEST(SpawnBaseline, TheWindowWrapsWithTheSequence) {
  EXPECT_TRUE(inSpawnWindow(3, 65530));
  EXPECT_TRUE(inSpawnWindow(0, 0xFFFF));
  EXPECT_FALSE(inSpawnWindow(65530, 65530)) << "the anchor itself came before the spawn was read";
  EXPECT_FALSE(inSpawnWindow(65529, 65530));
  EXPECT_FALSE(inSpawnWindow(static_cast<uint16_t>(65530 + kSpawnBaselineWindow + 1), 65530));
}

// ------------------------------------------------------- receiving: a real client

/// The server, played by hand; the client is a real NetManager with the cube types.
/// Every message is followed by one client tick.
struct HandServer : testing_support::HandServer {
  HandServer() : testing_support::HandServer(cubesHost(Role::Client)) {}
  /// Spawns `id` at `state`; returns the bytes sent.
  std::vector<uint8_t> spawn(EntityId id, const SpawnState& state) {
    auto bytes = spawnBytes(id, state);
    sendReliable(bytes);
    pump();
    return bytes;
  }
  template <class M>
  void reliable(wire::MessageType type, const M& message) {
    testing_support::HandServer::reliable(type, message);
    pump();
  }
  void state(uint16_t sequence, const std::vector<wire::StateBlock>& blocks) {
    sendState(sequence, blocks);
    pump();
  }
  /// The position the client's copy last decoded, if any.
  std::optional<Vec3> decoded(EntityId id) { return testing_support::decodedCubePosition(*client, id); }
};

const EntityId kX = EntityId::make(0, 7);
const EntityId kY = EntityId::make(0, 8);

TEST(SpawnBaseline, ADeltaAgainstTheSpawnIsRebuiltExactly) {
  HandServer s;
  const auto bytes = s.spawn(kX, spawnAt({1, 0.2f, 1}));
  s.state(0, {spawnDelta(kX, bytes, {1.5f, 0.2f, 0.75f})});
  s.pump();
  ASSERT_TRUE(s.decoded(kX));
  EXPECT_EQ(*s.decoded(kX), onGrid({1.5f, 0.2f, 0.75f}));
  EXPECT_EQ(s.counters().spawnDeltaBlocks, 1u);
  EXPECT_EQ(s.counters().deltaBlocksReceived, 1u);
  EXPECT_EQ(s.counters().baselineMismatches, 0u);
}

// The id comes back with a new Spawn (it left the client's interest, or a despawned
// id was reused): a block about the earlier spawn that arrives late must not be
// rebuilt against the new one, whose baseline is named only by later packets.
TEST(SpawnBaseline, ALateBlockAboutAnEarlierSpawnOfTheIdIsNeverRebuiltAgainstTheNewOne) {
  HandServer s;
  const auto first = s.spawn(kX, spawnAt({1, 0.2f, 1}));
  const wire::StateBlock late = spawnDelta(kX, first, {2, 0.2f, 2}); // sent in packet 9, delayed
  s.state(10, {});
  s.reliable(wire::MessageType::Despawn, wire::Despawn{kX, wire::DespawnReason::Gone});
  ASSERT_EQ(s.client->group().find(kX), nullptr);
  const auto second = s.spawn(kX, spawnAt({-3, 0.2f, 4}));
  s.state(9, {late});
  s.pump();
  EXPECT_EQ(s.counters().baselineMismatches, 1u);
  EXPECT_EQ(s.counters().spawnDeltaBlocks, 0u);
  EXPECT_FALSE(s.decoded(kX)) << "the late block was applied to the new entity";
  EXPECT_NE(std::find(s.lastNeedFull().begin(), s.lastNeedFull().end(), kX), s.lastNeedFull().end());

  // Whole state repairs it; the client stops asking.
  s.state(11, {wholeCube(kX, {-3, 0.2f, 5})});
  s.pump();
  ASSERT_TRUE(s.decoded(kX));
  EXPECT_EQ(*s.decoded(kX), onGrid({-3, 0.2f, 5}));
  s.pump();
  EXPECT_TRUE(s.lastNeedFull().empty());
  (void)second;
}

TEST(SpawnBaseline, TheNewSpawnOfAReusedIdIsTheOneUsed) {
  HandServer s;
  const auto first = s.spawn(kX, spawnAt({1, 0.2f, 1}));
  s.state(10, {});
  s.reliable(wire::MessageType::Leave, wire::Leave{kX});
  const auto second = s.spawn(kX, spawnAt({-3, 0.2f, 4}));
  s.state(11, {spawnDelta(kX, second, {-3.25f, 0.2f, 4.5f})});
  s.pump();
  ASSERT_TRUE(s.decoded(kX));
  EXPECT_EQ(*s.decoded(kX), onGrid({-3.25f, 0.2f, 4.5f}));
  EXPECT_EQ(s.counters().baselineMismatches, 0u);
  (void)first;
}

TEST(SpawnBaseline, NamedAcrossTheSequenceWrapButNotPastItsWindow) {
  HandServer s;
  s.state(65530, {});
  const auto x = s.spawn(kX, spawnAt({1, 0.2f, 1}));
  const auto y = s.spawn(kY, spawnAt({2, 0.2f, 2}));
  s.state(3, {spawnDelta(kX, x, {1, 0.2f, 1.5f})}); // 9 packets later, across the wrap
  s.pump();
  ASSERT_TRUE(s.decoded(kX));
  EXPECT_EQ(*s.decoded(kX), onGrid({1, 0.2f, 1.5f}));
  EXPECT_EQ(s.counters().baselineMismatches, 0u);
  // Packets the window does not cover (the sender never names a spawn there).
  s.state(static_cast<uint16_t>(65530 + kSpawnBaselineWindow + 5), {spawnDelta(kY, y, {2, 0.2f, 2.5f})});
  s.pump();
  EXPECT_EQ(s.counters().baselineMismatches, 1u);
  EXPECT_FALSE(s.decoded(kY));
}

TEST(SpawnBaseline, ForgottenOnAnAuthorityHandOver) {
  HandServer s;
  const auto bytes = s.spawn(kX, spawnAt({1, 0.2f, 1}));
  s.reliable(wire::MessageType::SetAuthority, wire::SetAuthority{kX, 2});
  s.reliable(wire::MessageType::SetAuthority, wire::SetAuthority{kX, kServerPeer});
  s.state(0, {spawnDelta(kX, bytes, {1.5f, 0.2f, 1})});
  s.pump();
  EXPECT_EQ(s.counters().baselineMismatches, 1u);
  EXPECT_FALSE(s.decoded(kX));
}

TEST(SpawnBaseline, GoneOnceADeltaNamesAPacket) {
  HandServer s;
  const auto bytes = s.spawn(kX, spawnAt({1, 0.2f, 1}));
  s.state(0, {wholeCube(kX, {1, 0.2f, 2})});
  // Against packet 0: the sender had that acknowledged, and dropped the spawn baseline.
  uint32_t baseBits = 0, bits = 0;
  const auto base = cubeBlock({1, 0.2f, 2}, {}, baseBits);
  const auto now = cubeBlock({1, 0.2f, 2.5f}, {}, bits);
  WriteStream w(256);
  ASSERT_TRUE(wire::writeFieldDelta(w, rigidStateLayout(game::cubesQuantization()), base.data(), baseBits, now.data(), bits));
  wire::StateBlock againstPacket{kX, {}, static_cast<uint32_t>(w.bits()), 1};
  againstPacket.payload = w.take();
  s.state(1, {againstPacket});
  EXPECT_EQ(s.counters().baselineMismatches, 0u);
  s.state(2, {spawnDelta(kX, bytes, {1, 0.2f, 3})});
  s.pump();
  EXPECT_EQ(s.counters().baselineMismatches, 1u);
  ASSERT_TRUE(s.decoded(kX));
  EXPECT_EQ(*s.decoded(kX), onGrid({1, 0.2f, 2.5f}));
}

// --------------------------------------------------------- sending: a real server

/// A real server running the cube types; the client is played by hand and records
/// every block it is sent.
struct HandClient {
  MemoryNetwork network;
  MemoryTransport& serverEnd = network.endpoint(1);
  MemoryTransport& raw = network.endpoint(2);
  std::unique_ptr<Host> server;
  LinkId link = kNoLink;
  double now = 0;
  uint32_t spawns = 0;
  std::map<EntityId, std::vector<uint8_t>> spawnMessages; ///< newest Spawn per id
  std::vector<std::pair<uint16_t, wire::StateBlock>> blocks; ///< (packet sequence, block)
  bool anyState = false;
  uint16_t newestState = 0;
  uint16_t ownSequence = 0;

  HandClient() {
    HostDef def = cubesHost(Role::Server);
    def.transport = &serverEnd;
    std::string error;
    server = Host::create(std::move(def), error);
    EXPECT_TRUE(server) << error;
  }
  void join() {
    link = raw.connect("mem", 1, wire::packConnectData(protocolVersion(), game::kCubesGameId));
    const ControllerRegistry& types = server->types();
    const wire::Hello hello{static_cast<uint32_t>(types.size()), types.fingerprint()};
    raw.send(link, Channel::Reliable, wire::encodeMessage(wire::MessageType::Hello, hello));
  }
  void tick(int n = 1) {
    for (int i = 0; i < n; ++i) {
      now += 1.0 / 60;
      server->frame(now);
      TransportEvent e;
      while (raw.service(e, 0)) {
        if (e.type != TransportEvent::Type::Received) continue;
        wire::StatePacket p;
        // Blocks the server sends without a length are the cubes': read by their layout.
        const wire::DelimitLayout cubes = [](const wire::StateHeader&, EntityId) -> const FieldLayout* {
          static const FieldLayout layout = rigidStateLayout(game::cubesQuantization());
          return &layout;
        };
        if (e.channel == Channel::State && wire::readStatePacket(e.payload, p, cubes) == wire::PacketRead::Ok) {
          if (!anyState || wire::sequenceNewer(p.header.sequence, newestState)) newestState = p.header.sequence;
          anyState = true;
          for (const auto& b : p.blocks) blocks.emplace_back(p.header.sequence, b);
        }
        if (e.channel == Channel::Reliable && !e.payload.empty() &&
            (e.payload[0] & 0xF) == static_cast<uint8_t>(wire::MessageType::Spawn)) {
          ++spawns;
          ReadStream in(e.payload);
          uint32_t type = 0, id = 0;
          in.serializeBits(type, 4);
          in.serializeBits(id, 32);
          spawnMessages[EntityId{id}] = e.payload;
        }
      }
    }
  }
  void ackSpawns() {
    raw.send(link, Channel::Reliable, wire::encodeMessage(wire::MessageType::SpawnAck, wire::SpawnAck{spawns}));
  }
  /// A state packet of ours acknowledging the newest of the server's we received.
  void ackState() {
    wire::StateHeader h;
    h.sequence = ownSequence++;
    h.hasAck = anyState;
    h.ack = newestState;
    h.origin = 1;
    WriteStream out(64);
    h.serialize(out);
    wire::writeEnd(out);
    raw.send(link, Channel::State, out.buffer());
  }
  std::vector<wire::StateBlock> about(EntityId id) const {
    std::vector<wire::StateBlock> out;
    for (const auto& [sequence, b] : blocks)
      if (b.id == id) out.push_back(b);
    return out;
  }
  /// The server's own block of `id` now, as serverUpdate packs it.
  std::vector<uint8_t> serverBlock(EntityId id, uint32_t& bits) {
    WriteStream w(256);
    server->group().find(id)->controller().serverUpdate(w);
    bits = static_cast<uint32_t>(w.bits());
    return w.take();
  }
  /// `block` rebuilt against the spawn the client was sent of its entity.
  std::vector<uint8_t> rebuild(const wire::StateBlock& block, uint32_t& bits) {
    SpawnBaseline base;
    EXPECT_TRUE(spawnBaselineOf(spawnMessages.at(block.id), cubePrecision(), base));
    ReadStream in(block.payload.data(), block.bits);
    WriteStream full(256);
    EXPECT_TRUE(wire::readFieldDelta(in, rigidStateLayout(game::cubesQuantization()), base.payload.data(), base.bits, full));
    bits = static_cast<uint32_t>(full.bits());
    return full.take();
  }
  /// Spawns a cube and lets it fall asleep on the floor (bounded).
  EntityId restingCube(Vec3 at) {
    const EntityId id = server->net().spawn(game::kCubeType, spawnAt(at));
    for (int i = 0; i < 900 && !server->group().find(id)->body().atRest(); ++i) tick();
    EXPECT_TRUE(server->group().find(id)->body().atRest());
    return id;
  }
};

TEST(SpawnBaseline, ACubeThatHasNotMovedSinceItsSpawnIsNotSentUntilItsRefresh) {
  HandClient c;
  const EntityId id = c.restingCube({0, 0.5f, 0});
  c.join();
  for (int i = 0; i < 200 && c.spawnMessages.count(id) == 0; ++i) c.tick();
  ASSERT_EQ(c.spawnMessages.count(id), 1u);
  c.ackSpawns();
  auto run = [&](int ticks) { // acknowledging what arrives, as a client does
    for (int i = 0; i < ticks; ++i) {
      c.tick();
      c.ackState();
    }
  };
  run(90); // 1.5 s: before the 2 s refresh
  EXPECT_TRUE(c.about(id).empty()) << "the client holds its spawn's state: nothing to send";

  run(60); // past the refresh: one block, coded against the spawn, that rebuilds the server's
  const auto sent = c.about(id);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].baselineAge, wire::kSpawnBaseline);
  uint32_t bits = 0, expectedBits = 0;
  const auto rebuilt = c.rebuild(sent[0], bits);
  const auto expected = c.serverBlock(id, expectedBits);
  EXPECT_EQ(bits, expectedBits);
  EXPECT_EQ(rebuilt, expected);
  EXPECT_LT(sent[0].bits, expectedBits / 2) << "an unchanged refresh costs a bit per field";
}

TEST(SpawnBaseline, AMovedCubesFirstBlockIsADeltaAgainstItsSpawn) {
  HandClient c;
  const EntityId id = c.restingCube({0, 0.5f, 0});
  c.join();
  for (int i = 0; i < 200 && c.spawnMessages.count(id) == 0; ++i) c.tick();
  c.ackSpawns();
  c.tick(2);
  Body& body = c.server->group().find(id)->body();
  body.setTransform({body.position() + Vec3{0.3f, 0, 0}, body.transform().orientation});
  c.tick(3);
  const auto sent = c.about(id);
  ASSERT_FALSE(sent.empty());
  EXPECT_EQ(sent[0].baselineAge, wire::kSpawnBaseline);
  EXPECT_TRUE(sent[0].selfDelimited) << "its spawn acknowledged, the client reads it by its layout";
  EXPECT_EQ(c.server->net().stats().counters.spawnDeltaBlocks, sent.size());
  // What the server packed that tick: the body has not moved since (it was set, and
  // is settling on the floor at most): rebuilt, the block is a pose a step away.
  uint32_t bits = 0;
  const auto rebuilt = c.rebuild(sent[0], bits);
  ReadStream in(rebuilt.data(), bits);
  RigidState r;
  ASSERT_TRUE(serializeRigidState(in, r, game::cubesQuantization()));
  EXPECT_NEAR(r.position.x, 0.3f, 0.01f);
}

// After the client stopped holding an entity (a Leave), a new spawn of it becomes a
// baseline only once the client acknowledged a packet sent after: before that, a late
// block about the old spawn could be taken for one about the new.
TEST(SpawnBaseline, ARespawnAfterALeaveIsABaselineOnlyOnceALaterPacketWasAcknowledged) {
  HandClient c;
  bool relevant = true;
  c.server->net().setRelevance([&](PeerId, const Entity&, bool) { return relevant ? 1.0f : 0.0f; });
  const EntityId id = c.restingCube({0, 0.5f, 0});
  c.join();
  for (int i = 0; i < 200 && c.spawnMessages.count(id) == 0; ++i) c.tick();
  c.ackSpawns();
  c.tick(2);
  auto cycle = [&](bool ackAfterLeave) {
    relevant = false;
    c.tick(12); // evaluated every 10 ticks: it leaves
    c.tick(2);
    if (ackAfterLeave) c.ackState();
    c.tick(2);
    relevant = true;
    const uint32_t before = c.spawns;
    for (int i = 0; i < 40 && c.spawns == before; ++i) c.tick();
    EXPECT_EQ(c.spawns, before + 1) << "spawned again";
    c.ackSpawns();
    c.tick(2);
    c.blocks.clear();
    Body& body = c.server->group().find(id)->body();
    body.setTransform({body.position() + Vec3{0.2f, 0, 0}, body.transform().orientation});
    c.tick(3);
    const auto sent = c.about(id);
    EXPECT_FALSE(sent.empty());
    return sent.empty() ? uint16_t{0xFFFF} : sent[0].baselineAge;
  };
  EXPECT_EQ(cycle(false), 0u) << "nothing acknowledged after the leave: whole";
  EXPECT_EQ(cycle(true), wire::kSpawnBaseline) << "a packet after the leave acknowledged: the spawn stands";
}

// End to end: a real client over a link that loses and reorders, cubes moving,
// leaving and coming back: every copy ends exactly the server's, with spawn deltas used.
TEST(SpawnBaseline, RealPeersOverALossyLinkEndExact) {
  MemoryNetwork network;
  HostDef sd = cubesHost(Role::Server);
  sd.memoryNetwork = &network;
  sd.memoryPort = 1;
  HostDef cd = cubesHost(Role::Client);
  cd.memoryNetwork = &network;
  cd.memoryPort = 2;
  LinkConditions bad;
  bad.latencyMs = 30;
  bad.jitterMs = 20;
  bad.loss = 0.1f;
  cd.outgoing = bad;
  cd.incoming = bad;
  cd.simulateLink = true;
  double now = 0;
  sd.clock = cd.clock = [&now] { return now; };
  std::string error;
  auto server = Host::create(std::move(sd), error);
  ASSERT_TRUE(server) << error;
  auto client = Host::create(std::move(cd), error);
  ASSERT_TRUE(client) << error;
  std::vector<EntityId> ids;
  for (int i = 0; i < 40; ++i)
    ids.push_back(server->net().spawn(game::kCubeType, spawnAt({static_cast<float>(i % 8) - 4, 0.2f, static_cast<float>(i / 8)})));
  bool hideOdd = false;
  server->net().setRelevance([&](PeerId, const Entity& e, bool) { return hideOdd && (e.id().counter() % 2) ? 0.0f : 1.0f; });
  auto run = [&](int ticks) {
    for (int i = 0; i < ticks; ++i) {
      now += 1.0 / 60;
      server->frame(now);
      client->frame(now);
    }
  };
  ASSERT_TRUE(client->connect("mem", 1));
  run(240);
  for (int round = 0; round < 4; ++round) {
    for (size_t i = round % 3; i < ids.size(); i += 3) { // nudge some
      Body& b = server->group().find(ids[i])->body();
      b.setTransform({b.position() + Vec3{0.05f * static_cast<float>(round + 1), 0, 0}, b.transform().orientation});
    }
    hideOdd = round == 1;
    run(120);
  }
  run(600); // settle, and let every refresh and repair land
  size_t checked = 0;
  for (EntityId id : ids) {
    Entity* copy = client->group().find(id);
    ASSERT_NE(copy, nullptr);
    auto& c = static_cast<game::RigidReplicaController&>(copy->controller());
    uint32_t bits = 0;
    WriteStream w(256);
    server->group().find(id)->controller().serverUpdate(w);
    bits = static_cast<uint32_t>(w.bits());
    ReadStream in(w.buffer().data(), bits);
    RigidState expected;
    ASSERT_TRUE(serializeRigidState(in, expected, game::cubesQuantization()));
    ASSERT_TRUE(c.hasDecoded()) << "entity " << id.value;
    EXPECT_EQ(c.decoded().position, expected.position) << "entity " << id.value;
    ++checked;
  }
  EXPECT_EQ(checked, ids.size());
  const NetCounters cc = client->net().stats().counters;
  EXPECT_GT(cc.spawnDeltaBlocks, 0u);
  EXPECT_EQ(cc.malformedBlocks, 0u);
}

} // namespace
