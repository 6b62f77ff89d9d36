// Self-delimited state blocks: a field delta (or the whole state of a layout without
// a tail) goes on the wire without its length when the receiver provably holds the
// entity; the reader walks the payload by the entity's layout. These tests hold the
// framing to its bounds, check the walk against the codec bit for bit, and run a real
// client NetManager through the cases a receiver cannot read (an entity it does not
// hold, a late packet from before its spawn, a copy it dropped), which must drop the
// packet whole, unacknowledged and counted, and converge; and a real server through
// the sender's rule (only after SpawnAck; never again after the receiver asks).

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <random>

#include "ferrum/entity.h"
#include "ferrum/host.h"
#include "ferrum/memory_transport.h"
#include "ferrum/rigid_state.h"
#include "game/cubes_scenario.h"
#include "game/types.h"
#include "net/spawn_baseline.h"
#include "wire/field_delta.h"
#include "wire/messages.h"
#include "wire/payload_extent.h"
#include "tests/support/cube_fixture.h"
#include "tests/support/hand_server.h"

using namespace ferrum;

namespace {

struct Rng {
  explicit Rng(uint32_t seed) : engine(seed) {}
  uint32_t next() { return static_cast<uint32_t>(engine()); }
  std::mt19937 engine;
};

const FieldLayout& cubeLayout() {
  static const FieldLayout layout = rigidStateLayout(game::cubesQuantization());
  return layout;
}

/// A layout with a gate, a lone field, a 32-bit field and no tail: whole state is
/// self-delimiting too.
FieldLayout tailless() {
  FieldLayout l = rigidStateLayout(RigidQuantization{});
  l.fields.push_back({32, -1, 4, 1, false});
  l.fields.push_back({7, -1, 1, 1, false});
  l.tail = false;
  return l;
}

/// A payload of `layout`: each present field random, or near `base`'s when given.
std::vector<uint8_t> randomPayload(const FieldLayout& layout, Rng& rng, uint32_t& bits,
                                   const std::vector<uint32_t>* base = nullptr, std::vector<uint32_t>* values = nullptr) {
  WriteStream w(wire::kMaxBlockBits / 8);
  std::vector<uint32_t> v(layout.fields.size(), 0);
  for (size_t i = 0; i < layout.fields.size(); ++i) {
    const FieldLayout::Field& f = layout.fields[i];
    if (f.presentIfZero >= 0 && static_cast<size_t>(f.presentIfZero) < i && v[static_cast<size_t>(f.presentIfZero)] != 0)
      continue;
    const uint32_t mask = f.bits >= 32 ? 0xFFFFFFFFu : (1u << f.bits) - 1;
    if (base && rng.next() % 4 != 0) {
      const int64_t moved = int64_t{(*base)[i]} + static_cast<int64_t>(rng.next() % 41) - 20;
      v[i] = static_cast<uint32_t>(std::clamp<int64_t>(moved, 0, mask));
      if (f.bits == 1) v[i] = (*base)[i];
    } else {
      v[i] = rng.next() & mask;
    }
    if (f.largestIndex) v[i] &= 3;
    w.serializeBits(v[i], f.bits);
  }
  if (layout.tail) {
    const uint32_t tailBits = rng.next() % 3 == 0 ? rng.next() % 40 : 0;
    for (uint32_t b = 0; b < tailBits; ++b) {
      uint32_t bit = rng.next() & 1;
      w.serializeBits(bit, 1);
    }
  }
  bits = static_cast<uint32_t>(w.bits());
  if (values) *values = v;
  return w.take();
}

TEST(SelfDelimited, TheWalkEndsExactlyWhereTheCodecsDeltaEnds) {
  Rng rng(7);
  RigidQuantization still = game::cubesQuantization();
  still.velocities = false;
  RigidQuantization noRest{};
  noRest.restFlag = false;
  const std::vector<FieldLayout> layouts = {cubeLayout(), rigidStateLayout(RigidQuantization{}),
                                            rigidStateLayout(still), rigidStateLayout(noRest), tailless()};
  int deltas = 0;
  for (const FieldLayout& layout : layouts) {
    ASSERT_TRUE(wire::deltaSelfDelimiting(layout));
    for (int i = 0; i < 400; ++i) {
      uint32_t baseBits = 0, curBits = 0;
      std::vector<uint32_t> baseValues;
      const auto base = randomPayload(layout, rng, baseBits, nullptr, &baseValues);
      const auto cur = randomPayload(layout, rng, curBits, i % 2 ? &baseValues : nullptr);
      // Every third delta predicted from an older block (any base code: span 1 is its
      // own short code, 2..64 carry an Exp-Golomb span).
      uint32_t olderBits = 0;
      const auto older = randomPayload(layout, rng, olderBits, &baseValues);
      const wire::FieldPrediction prediction{older.data(), olderBits, 1 + rng.next() % wire::kMaxPredictionSpan,
                                             1 + rng.next() % 12};
      WriteStream delta(wire::kMaxBlockBits / 8);
      ASSERT_TRUE(wire::writeFieldDelta(delta, layout, base.data(), baseBits, cur.data(), curBits,
                                        i % 3 == 0 ? &prediction : nullptr));
      // Followed by other bits, as in a packet: the walk must stop at the delta's end.
      const size_t deltaBits = delta.bits();
      uint32_t junk = rng.next();
      delta.serializeBits(junk, 32);
      const std::vector<uint8_t> bytes = delta.take();
      size_t walked = 0;
      // The walk needs the block's age (a predicted delta's first class depends on it),
      // which is the prediction's `ahead`; a plain delta walks alike at any age.
      const auto age = static_cast<uint16_t>(prediction.ahead);
      ASSERT_TRUE(wire::payloadExtent(ReadStream(bytes.data(), deltaBits + 32), layout, age, wire::kMaxBlockBits, walked));
      ASSERT_EQ(walked, deltaBits);
      ++deltas;
      if (!layout.tail) {
        std::vector<uint8_t> whole = cur;
        whole.resize(whole.size() + 4, 0xA5);
        ASSERT_TRUE(wire::payloadExtent(ReadStream(whole.data(), whole.size() * 8), layout, 0, wire::kMaxBlockBits, walked));
        ASSERT_EQ(walked, curBits);
      }
    }
  }
  EXPECT_EQ(deltas, 2000);
}

TEST(SelfDelimited, LayoutsThatCannotBeWalkedAreRefused) {
  EXPECT_FALSE(wire::wholeSelfDelimiting(cubeLayout())) << "a tail has no length of its own";
  EXPECT_TRUE(wire::wholeSelfDelimiting(tailless()));
  FieldLayout gatedOnWide = tailless();
  gatedOnWide.fields.push_back({5, static_cast<int16_t>(gatedOnWide.fields.size() - 1), 1, 1, false});
  EXPECT_FALSE(wire::deltaSelfDelimiting(gatedOnWide)) << "an unchanged 7-bit gate comes from the baseline";
  EXPECT_FALSE(wire::deltaSelfDelimiting(FieldLayout{}));
  std::vector<uint8_t> bytes(64, 0xFF);
  size_t bits = 0;
  EXPECT_FALSE(wire::payloadExtent(ReadStream(bytes.data(), 512), cubeLayout(), 0, wire::kMaxBlockBits, bits));
  EXPECT_FALSE(wire::payloadExtent(ReadStream(bytes.data(), 512), gatedOnWide, 1, wire::kMaxBlockBits, bits));
  // Ones all the way: a class past the widest member, or the bits run out.
  EXPECT_FALSE(wire::payloadExtent(ReadStream(bytes.data(), 512), cubeLayout(), 1, wire::kMaxBlockBits, bits));
  EXPECT_FALSE(wire::payloadExtent(ReadStream(bytes.data(), 3), cubeLayout(), 1, wire::kMaxBlockBits, bits));
}

/// A delta block of a cube from `at` to `to` (positions in grid steps), self-delimited or not.
wire::StateBlock cubeDelta(EntityId id, uint16_t age, Vec3 at, Vec3 to, bool delimited) {
  const RigidQuantization& q = game::cubesQuantization();
  auto block = [&](Vec3 p, uint32_t& bits) {
    WriteStream w(64);
    RigidState r{p, {}, {}, {}, true};
    serializeRigidState(w, r, q);
    bits = static_cast<uint32_t>(w.bits());
    return w.take();
  };
  uint32_t baseBits = 0, bits = 0;
  const auto base = block(at, baseBits);
  const auto cur = block(to, bits);
  WriteStream w(256);
  EXPECT_TRUE(wire::writeFieldDelta(w, cubeLayout(), base.data(), baseBits, cur.data(), bits));
  wire::StateBlock b{id, {}, static_cast<uint32_t>(w.bits()), age};
  b.payload = w.take();
  b.selfDelimited = delimited;
  return b;
}

wire::StateBlock raw(EntityId id, uint32_t bits, uint8_t fill) {
  wire::StateBlock b{id, std::vector<uint8_t>((bits + 7) / 8, fill), bits, 0};
  if (bits % 8) b.payload.back() &= static_cast<uint8_t>((1u << (bits % 8)) - 1);
  return b;
}

std::vector<uint8_t> packet(const std::vector<wire::StateBlock>& blocks, uint16_t sequence = 5) {
  wire::StateHeader h;
  h.sequence = sequence;
  WriteStream out(4096);
  h.serialize(out);
  wire::BlockContext context;
  for (const auto& b : blocks) {
    const size_t before = out.bits();
    const size_t measured = wire::measureBlock(b, context);
    EXPECT_TRUE(wire::writeBlock(out, b, context));
    EXPECT_EQ(out.bits() - before, measured);
  }
  wire::writeEnd(out);
  return out.take();
}

const wire::DelimitLayout cubesOnly = [](const wire::StateHeader&, EntityId id) -> const FieldLayout* {
  return id.creator() == 0 && id.counter() < 100 ? &cubeLayout() : nullptr;
};

TEST(SelfDelimited, MixedBlocksReadBackAndDelimitedOnesCostNoLength) {
  const EntityId a = EntityId::make(0, 3), b = EntityId::make(0, 9), c = EntityId::make(0, 30), d = EntityId::make(2, 4);
  const std::vector<wire::StateBlock> blocks = {
      cubeDelta(a, 3, {1, 0.2f, 1}, {1.5f, 0.2f, 1}, true), cubeDelta(b, 3, {1, 0.2f, 1}, {1, 0.7f, 1}, true),
      raw(c, 77, 0x5A), cubeDelta(EntityId::make(0, 31), wire::kSpawnBaseline, {0, 1, 0}, {4, 1, 0}, true),
      raw(d, 13, 0xFF)};
  wire::StatePacket p;
  ASSERT_EQ(wire::readStatePacket(packet(blocks), p, cubesOnly), wire::PacketRead::Ok);
  ASSERT_EQ(p.blocks.size(), blocks.size());
  for (size_t i = 0; i < blocks.size(); ++i) {
    EXPECT_EQ(p.blocks[i].id, blocks[i].id);
    EXPECT_EQ(p.blocks[i].bits, blocks[i].bits);
    EXPECT_EQ(p.blocks[i].payload, blocks[i].payload);
    EXPECT_EQ(p.blocks[i].baselineAge, blocks[i].baselineAge);
    EXPECT_EQ(p.blocks[i].selfDelimited, blocks[i].selfDelimited);
  }
  // The saving: the same block after the same one costs its length code less one flag bit.
  wire::StateBlock withLength = blocks[1];
  withLength.selfDelimited = false;
  const wire::BlockContext after = wire::contextAfter(blocks[0]);
  EXPECT_LT(wire::measureBlock(blocks[1], after), wire::measureBlock(withLength, after));
}

TEST(SelfDelimited, AnEntityTheReaderCannotDelimitMakesThePacketUnreadable) {
  const EntityId known = EntityId::make(0, 3), unknown = EntityId::make(0, 200);
  const auto bytes = packet({cubeDelta(known, 1, {1, 0.2f, 1}, {2, 0.2f, 1}, true),
                             cubeDelta(unknown, 1, {1, 0.2f, 1}, {2, 0.2f, 1}, true), raw(EntityId::make(0, 201), 9, 1)});
  wire::StatePacket p;
  EXPECT_EQ(wire::readStatePacket(bytes, p, cubesOnly), wire::PacketRead::Unreadable);
  EXPECT_EQ(p.unreadable, unknown);
  EXPECT_FALSE(wire::readStatePacket(bytes, p)) << "no lookup: no self-delimited block can be read";
  // A layout whose whole state has a tail cannot delimit a whole block.
  wire::StateBlock whole = raw(known, 40, 3);
  whole.selfDelimited = true;
  EXPECT_EQ(wire::readStatePacket(packet({whole}), p, cubesOnly), wire::PacketRead::Unreadable);
}

TEST(SelfDelimited, OnlyTheHeadersOwnSectionMayCarryThem) {
  wire::StateHeader h;
  WriteStream out(512);
  h.serialize(out);
  wire::BlockContext first;
  wire::writeBlock(out, raw(EntityId::make(0, 2), 8, 1), first);
  wire::writeEnd(out);
  wire::writeSectionStart(out, 1, 2, 1);
  wire::BlockContext second;
  wire::writeBlock(out, cubeDelta(EntityId::make(0, 3), 1, {1, 0.2f, 1}, {2, 0.2f, 1}, true), second);
  wire::writeEnd(out);
  wire::StatePacket p;
  EXPECT_EQ(wire::readStatePacket(out.take(), p, cubesOnly), wire::PacketRead::Malformed);
}

TEST(SelfDelimited, NoPrefixOfAPacketReadsAsAWholeOne) {
  const auto bytes = packet({cubeDelta(EntityId::make(0, 3), 2, {1, 0.2f, 1}, {1.5f, 0.9f, 1}, true),
                             cubeDelta(EntityId::make(0, 5), 2, {1, 0.2f, 1}, {1, 0.2f, 3}, true)});
  wire::StatePacket p;
  ASSERT_EQ(wire::readStatePacket(bytes, p, cubesOnly), wire::PacketRead::Ok);
  for (size_t n = 0; n < bytes.size(); ++n)
    EXPECT_NE(wire::readStatePacket(std::span(bytes.data(), n), p, cubesOnly), wire::PacketRead::Ok) << n;
}

// ------------------------------------------------------------- the receiver's table

TEST(SelfDelimited, AnchorsSayWhichPacketsMayNameAHeldEntity) {
  DelimitAnchors anchors;
  const EntityId x = EntityId::make(0, 7);
  EXPECT_EQ(anchors.check(x, 0), DelimitAnchors::Verdict::Unknown);
  anchors.held(x); // read before any packet: every packet is after it
  EXPECT_EQ(anchors.check(x, 40000), DelimitAnchors::Verdict::Readable);
  for (uint16_t s = 0; s <= 10; ++s) anchors.onPacket(s);
  anchors.gone(x);
  EXPECT_EQ(anchors.check(x, 11), DelimitAnchors::Verdict::Late) << "a packet about the copy dropped";
  anchors.held(x); // spawned again, anchored at packet 10
  EXPECT_EQ(anchors.check(x, 10), DelimitAnchors::Verdict::Late);
  EXPECT_EQ(anchors.check(x, 9), DelimitAnchors::Verdict::Late);
  EXPECT_EQ(anchors.check(x, 11), DelimitAnchors::Verdict::Readable);
  // Far past the 16-bit wrap, several times: the anchor never expires or aliases.
  uint16_t s = 10;
  for (int i = 0; i < 3 * 65536; ++i) anchors.onPacket(++s);
  EXPECT_EQ(anchors.check(x, static_cast<uint16_t>(s + 1)), DelimitAnchors::Verdict::Readable);
  EXPECT_EQ(anchors.check(x, static_cast<uint16_t>(s - 100)), DelimitAnchors::Verdict::Readable);
  const EntityId y = EntityId::make(0, 8);
  anchors.held(y);
  EXPECT_EQ(anchors.check(y, s), DelimitAnchors::Verdict::Late);
  EXPECT_EQ(anchors.check(y, static_cast<uint16_t>(s + 1)), DelimitAnchors::Verdict::Readable);
  anchors.gone(y);
  anchors.expire();
  EXPECT_EQ(anchors.check(y, static_cast<uint16_t>(s + 1)), DelimitAnchors::Verdict::Late) << "gone just now";
}

// ------------------------------------------------------- receiving: a real client

using testing_support::cubePrecision;
using testing_support::cubesHost;
using testing_support::onGrid;
using testing_support::wholeCube;

SpawnState spawnAt(Vec3 position, uint32_t variant = 0) {
  SpawnState s;
  s.transform.position = position;
  s.variant = variant;
  return s;
}

/// The server, played by hand; the client is a real NetManager with the cube types.
/// Every message is followed by two client ticks: the client answers (acks, asks for
/// whole state) on its next send.
struct HandServer : testing_support::HandServer {
  HandServer() : testing_support::HandServer(cubesHost(Role::Client)) {}
  void pump() { testing_support::HandServer::pump(2); }
  void spawn(EntityId id, Vec3 at) {
    sendReliable(wire::encodeMessage(wire::MessageType::Spawn,
                                     wire::Spawn{id, game::kCubeType, kServerPeer, spawnAt(at), 1}, cubePrecision()));
    pump();
  }
  void despawn(EntityId id) {
    reliable(wire::MessageType::Despawn, wire::Despawn{id});
    pump();
  }
  void state(uint16_t sequence, const std::vector<wire::StateBlock>& blocks) {
    sendState(sequence, blocks);
    pump();
  }
  std::optional<Vec3> decoded(EntityId id) { return testing_support::decodedCubePosition(*client, id); }
  uint64_t unreadable() { return client->net().stats().peers.at(0).unreadable; }
};

const EntityId kX = EntityId::make(0, 7), kY = EntityId::make(0, 8), kZ = EntityId::make(0, 9);

TEST(SelfDelimited, AClientReadsThemForEntitiesItHolds) {
  HandServer s;
  s.spawn(kX, {1, 0.2f, 1});
  s.state(0, {wholeCube(kX, {1, 0.2f, 2})});
  s.state(1, {cubeDelta(kX, 1, {1, 0.2f, 2}, {1, 0.2f, 2.5f}, true)});
  ASSERT_TRUE(s.decoded(kX));
  EXPECT_EQ(*s.decoded(kX), onGrid({1, 0.2f, 2.5f}));
  EXPECT_TRUE(s.acked(1));
  EXPECT_EQ(s.unreadable(), 0u);
  EXPECT_EQ(s.counters().unreadablePackets, 0u);
  EXPECT_EQ(s.counters().baselineMismatches, 0u);
}

// The sender took the client for holding an entity it does not hold: the packet is
// dropped whole (nothing before the block applied either), unacknowledged, counted,
// and the entity is asked for whole state, which the sender sends with a length.
TEST(SelfDelimited, AnEntityTheClientDoesNotHoldDropsThePacketAndIsAskedForWhole) {
  HandServer s;
  s.spawn(kX, {1, 0.2f, 1});
  s.state(0, {wholeCube(kX, {1, 0.2f, 2})});
  s.state(1, {wholeCube(kX, {1, 0.2f, 3}), cubeDelta(kZ, 1, {0, 0.2f, 0}, {0, 0.2f, 1}, true)});
  EXPECT_EQ(*s.decoded(kX), onGrid({1, 0.2f, 2})) << "a block before the unreadable one was applied";
  EXPECT_FALSE(s.acked(1));
  EXPECT_TRUE(s.acked(0));
  EXPECT_EQ(s.unreadable(), 1u);
  EXPECT_EQ(s.counters().unreadablePackets, 1u);
  EXPECT_TRUE(s.asksWhole(kZ));
  // Repaired: the same news with a length (whole state), the packet is read again.
  s.state(2, {wholeCube(kX, {1, 0.2f, 3}), wholeCube(kZ, {0, 0.2f, 1})});
  EXPECT_EQ(*s.decoded(kX), onGrid({1, 0.2f, 3}));
  EXPECT_TRUE(s.acked(2));
  EXPECT_FALSE(s.asksWhole(kZ));
  EXPECT_EQ(s.unreadable(), 1u);
}

// A packet sent before the client read the spawn (a late one), or about a copy it has
// since dropped, is never read by the held entity's layout, and asks nothing.
TEST(SelfDelimited, APacketFromBeforeTheSpawnOrAboutADroppedCopyIsLate) {
  HandServer s;
  s.state(10, {});
  s.spawn(kX, {1, 0.2f, 1}); // anchored at packet 10
  s.state(9, {cubeDelta(kX, 1, {1, 0.2f, 1}, {2, 0.2f, 1}, true)});
  EXPECT_FALSE(s.acked(9));
  EXPECT_EQ(s.unreadable(), 1u);
  EXPECT_FALSE(s.asksWhole(kX));
  EXPECT_FALSE(s.decoded(kX));
  s.state(11, {cubeDelta(kX, wire::kSpawnBaseline, {1, 0.2f, 1}, {1.5f, 0.2f, 1}, true)});
  ASSERT_TRUE(s.decoded(kX));
  EXPECT_EQ(*s.decoded(kX), onGrid({1.5f, 0.2f, 1}));
  EXPECT_TRUE(s.acked(11));

  s.despawn(kX);
  s.state(12, {cubeDelta(kX, 1, {1.5f, 0.2f, 1}, {2, 0.2f, 1}, true)}); // sent before the despawn
  EXPECT_FALSE(s.acked(12));
  EXPECT_EQ(s.unreadable(), 2u);
  EXPECT_FALSE(s.asksWhole(kX));

  // Spawned again (the id comes back, as after a Leave): only packets after are read by it.
  s.spawn(kX, {-3, 0.2f, 4}); // anchored at 11, the newest packet read
  s.state(11, {cubeDelta(kX, 1, {1.5f, 0.2f, 1}, {2, 0.2f, 1}, true)}); // a replay
  EXPECT_EQ(s.unreadable(), 3u);
  s.state(13, {cubeDelta(kX, wire::kSpawnBaseline, {-3, 0.2f, 4}, {-3, 0.2f, 4.5f}, true)});
  ASSERT_TRUE(s.decoded(kX));
  EXPECT_EQ(*s.decoded(kX), onGrid({-3, 0.2f, 4.5f}));
  EXPECT_EQ(s.counters().baselineMismatches, 0u);
}

// A server never writes them to clients' entities' owners' packets... a client never
// writes them at all: one from a client is malformed and a violation.

// End to end: the server took the client for holding an entity it does not hold (it
// acknowledged the spawn, but its own factory refused it, so it has no layout to read
// by): the packets it cannot read are dropped, the entity is asked for whole, the
// server stops leaving out its length, and everything else keeps flowing, exact.
TEST(SelfDelimited, RealPeersConvergeWhenTheClientCannotReadAnEntity) {
  MemoryNetwork network;
  HostDef sd = cubesHost(Role::Server);
  sd.memoryNetwork = &network;
  sd.memoryPort = 1;
  HostDef cd;
  cd.net.role = Role::Client;
  cd.net.gameId = game::kCubesGameId;
  cd.buildWorld = game::buildCubesFloor;
  ControllerRegistry scratch;
  game::registerCubesTypes(scratch);
  EntityType cube = *scratch.find(game::kCubeType);
  const auto build = cube.build;
  cube.build = [build](const SpawnState& s) { return s.variant == 7 ? EntityParts{} : build(s); };
  ASSERT_TRUE(cd.types.add(game::kCubeType, cube));
  ASSERT_TRUE(cd.types.add(game::kRollerType, *scratch.find(game::kRollerType)));
  cd.memoryNetwork = &network;
  cd.memoryPort = 2;
  double now = 0;
  sd.clock = cd.clock = [&now] { return now; };
  std::string error;
  auto server = Host::create(std::move(sd), error);
  ASSERT_TRUE(server) << error;
  auto client = Host::create(std::move(cd), error);
  ASSERT_TRUE(client) << error;
  std::vector<EntityId> ids;
  for (uint32_t i = 0; i < 12; ++i)
    ids.push_back(server->net().spawn(game::kCubeType, spawnAt({static_cast<float>(i % 4) * 2 - 3, 0.2f,
                                                                static_cast<float>(i / 4) * 2}, i == 3 ? 7 : 0)));
  const EntityId refused = ids[3];
  auto run = [&](int ticks) {
    for (int i = 0; i < ticks; ++i) {
      now += 1.0 / 60;
      server->frame(now);
      client->frame(now);
    }
  };
  auto nudge = [&](float dx) {
    for (EntityId id : ids) {
      Body& b = server->group().find(id)->body();
      b.setTransform({b.position() + Vec3{dx, 0, 0}, b.transform().orientation});
    }
  };
  ASSERT_TRUE(client->connect("mem", 1));
  run(240);
  ASSERT_EQ(client->group().find(refused), nullptr);
  ASSERT_EQ(client->group().size(), ids.size() - 1);
  for (int round = 0; round < 3; ++round) {
    nudge(0.1f);
    run(90);
  }
  const NetCounters hit = client->net().stats().counters;
  EXPECT_GE(hit.unreadablePackets, 1u) << "the case under test did not happen";
  EXPECT_GT(hit.deltaBlocksReceived, 0u);
  for (int round = 0; round < 4; ++round) {
    nudge(-0.1f);
    run(90);
  }
  run(300);
  const NetCounters later = client->net().stats().counters;
  EXPECT_EQ(later.unreadablePackets, hit.unreadablePackets) << "still unreadable: not converged";
  EXPECT_GT(later.deltaBlocksReceived, hit.deltaBlocksReceived);
  for (EntityId id : ids) {
    if (id == refused) continue;
    auto& copy = static_cast<game::RigidReplicaController&>(client->group().find(id)->controller());
    WriteStream w(256);
    server->group().find(id)->controller().serverUpdate(w);
    ReadStream in(w.buffer().data(), w.bits());
    RigidState expected;
    ASSERT_TRUE(serializeRigidState(in, expected, game::cubesQuantization()));
    ASSERT_TRUE(copy.hasDecoded()) << "entity " << id.value;
    EXPECT_EQ(copy.decoded().position, expected.position) << "entity " << id.value;
  }
}

} // namespace
