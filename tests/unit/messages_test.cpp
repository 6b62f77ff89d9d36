#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>

#include "ferrum/net_config.h"
#include "wire/exp_golomb.h"
#include "wire/messages.h"

using namespace ferrum;
using namespace ferrum::wire;

namespace {
// A block of `bits` bits: `value` in its first (up to) 32, zeros after.
StateBlock blockOf(uint32_t id, uint32_t bits, uint32_t value) {
  WriteStream w;
  for (uint32_t left = bits; left > 0;) {
    const uint32_t n = std::min<uint32_t>(left, 32);
    uint32_t part = left == bits ? (n < 32 ? value & ((1u << n) - 1) : value) : 0;
    w.serializeBits(part, static_cast<int>(n));
    left -= n;
  }
  EXPECT_TRUE(w.ok()) << "a block of " << bits << " bits";
  StateBlock b;
  b.id = EntityId{id};
  b.bits = bits;
  b.payload = w.take();
  return b;
}

std::vector<uint8_t> packetOf(const StateHeader& h, const std::vector<StateBlock>& blocks, bool chained = false) {
  WriteStream w(1200);
  StateHeader copy = h;
  copy.serialize(w);
  BlockContext context;
  for (const auto& b : blocks) chained ? writeBlock(w, b, context) : writeBlock(w, b);
  writeEnd(w);
  return w.take();
}

// A state packet's header followed by raw framing bits the test spells out.
WriteStream headerOnly() {
  WriteStream w(1200);
  StateHeader h;
  h.serialize(w);
  return w;
}
void put(WriteStream& w, uint32_t value, int bits) { w.serializeBits(value, bits); }
void golomb(WriteStream& w, uint32_t value, uint32_t order) { serializeExpGolomb(w, value, order); }
} // namespace

TEST(StatePacket, RoundTripKeepsHeaderAndBlocks) {
  StateHeader h;
  h.sequence = 65535;
  h.ack = 12;
  h.hasAck = true;
  h.senderTick = 123456;
  h.origin = 4;
  h.originTick = 99;
  const auto bytes = packetOf(h, {blockOf(0x01000001, 13, 0x1ABC), blockOf(0x02000005, 1, 1), blockOf(7, 0, 0)});
  StatePacket p;
  ASSERT_TRUE(readStatePacket(bytes, p));
  EXPECT_EQ(p.header.sequence, 65535);
  EXPECT_EQ(p.header.ack, 12);
  EXPECT_TRUE(p.header.hasAck);
  EXPECT_EQ(p.header.senderTick, 123456u);
  EXPECT_EQ(p.header.origin, 4);
  EXPECT_EQ(p.header.originTick, 99u);
  ASSERT_EQ(p.blocks.size(), 3u);
  EXPECT_EQ(p.blocks[0].id.value, 0x01000001u);
  EXPECT_EQ(p.blocks[0].bits, 13u);
  ReadStream r(p.blocks[0].payload.data(), p.blocks[0].bits);
  uint32_t v = 0;
  ASSERT_TRUE(r.serializeBits(v, 13));
  EXPECT_EQ(v, 0x1ABCu);
  EXPECT_EQ(p.blocks[2].bits, 0u);
}

// Protocol 10: no ack fields without hasAck, and the sender's own tick as one bit.
TEST(StatePacket, AHeaderWithoutAcksAndWithItsOwnTickIsFiftyNineBits) {
  auto bitsOf = [](StateHeader h) {
    WriteStream w(64);
    h.serialize(w);
    return w.bits();
  };
  StateHeader h;
  h.sequence = 7;
  h.senderTick = h.originTick = 123456;
  h.ack = 5; // ignored without hasAck
  h.ackBits = 0xFFFF;
  EXPECT_EQ(bitsOf(h), 16u + 1 + 32 + 8 + 1 + 1);
  const auto bytes = packetOf(h, {});
  StatePacket p;
  p.header.ack = 9; // a reused header must not keep anything from before
  p.header.ackBits = 3;
  ASSERT_TRUE(readStatePacket(bytes, p));
  EXPECT_FALSE(p.header.hasAck);
  EXPECT_EQ(p.header.ack, 0);
  EXPECT_EQ(p.header.ackBits, 0u);
  EXPECT_EQ(p.header.originTick, 123456u);
  h.hasAck = true;
  h.originTick = 77; // another origin's tick: written whole
  EXPECT_EQ(bitsOf(h), 16u + 1 + 16 + 32 + 32 + 8 + 1 + 32 + 1);
  ASSERT_TRUE(readStatePacket(packetOf(h, {}), p));
  EXPECT_EQ(p.header.ack, 5);
  EXPECT_EQ(p.header.ackBits, 0xFFFFu);
  EXPECT_EQ(p.header.originTick, 77u);
  EXPECT_EQ(p.header.senderTick, 123456u);
}

TEST(StatePacket, ChainedBlocksRoundTripInAnyOrder) {
  std::mt19937 engine(3);
  auto rng = [&] { return static_cast<uint32_t>(engine()); };
  for (int round = 0; round < 500; ++round) {
    std::vector<StateBlock> blocks;
    const uint32_t count = rng() % 12;
    for (uint32_t i = 0; i < count; ++i) {
      const uint32_t slot = rng() % 3 == 0 ? rng() % 255 : 0;
      const uint32_t counter = rng() % 2 ? 1 + rng() % 30 : 1 + rng() % 0xFFFFFF;
      const uint32_t bits = rng() % 3 ? 30 : rng() % 33;
      blocks.push_back(blockOf(EntityId::make(static_cast<PeerId>(slot), counter).value, bits, rng()));
    }
    if (rng() % 2) std::sort(blocks.begin(), blocks.end(), [](auto& a, auto& b) { return a.id < b.id; });
    const auto bytes = packetOf({}, blocks, true);
    StatePacket p;
    ASSERT_TRUE(readStatePacket(bytes, p)) << "round " << round;
    ASSERT_EQ(p.blocks.size(), blocks.size());
    for (size_t i = 0; i < blocks.size(); ++i) {
      EXPECT_EQ(p.blocks[i].id, blocks[i].id);
      EXPECT_EQ(p.blocks[i].bits, blocks[i].bits);
      EXPECT_EQ(p.blocks[i].payload, blocks[i].payload);
    }
  }
}

TEST(StatePacket, MeasureMatchesWhatIsWrittenAndChainedNeverCostsMore) {
  std::mt19937 engine(4);
  auto rng = [&] { return static_cast<uint32_t>(engine()); };
  BlockContext context;
  WriteStream chained(1 << 20), standalone(1 << 20);
  for (int i = 0; i < 5000; ++i) {
    const uint32_t slot = rng() % 4 == 0 ? rng() % 255 : 0;
    const uint32_t counter = rng() % 2 ? context.previous.counter() + 1 + rng() % 40 : 1 + rng() % 0xFFFFFF;
    const StateBlock b = blockOf(EntityId::make(static_cast<PeerId>(slot), counter & 0xFFFFFF).value | 1,
                                 rng() % 2 ? context.previousBits : rng() % 33, rng());
    const size_t c = measureBlock(b, context), s0 = measureBlock(b);
    EXPECT_LE(c, s0);
    size_t before = chained.bits();
    ASSERT_TRUE(writeBlock(chained, b, context));
    EXPECT_EQ(chained.bits() - before, c);
    before = standalone.bits();
    ASSERT_TRUE(writeBlock(standalone, b));
    EXPECT_EQ(standalone.bits() - before, s0);
  }
}

TEST(StatePacket, SortedNeighboursCostAFewBitsOfFraming) {
  // 30 of 900 server entities, as the live cube scene sends them.
  std::vector<StateBlock> blocks;
  for (uint32_t i = 0; i < 30; ++i) blocks.push_back(blockOf(EntityId::make(0, 1 + 30 * i).value, 29, i));
  BlockContext context;
  size_t framing = 0;
  for (const auto& b : blocks) {
    framing += measureBlock(b, context) - b.bits;
    context = {b.id, b.bits};
  }
  EXPECT_LE(framing, 30u * 15)
      << "more:1, a gap of 29 (1 + 9 bits), selfDelimited:1 (0), same length:1, whole state:1";
  EXPECT_EQ(measureBlock(blocks[0]) - blocks[0].bits, 44u)
      << "the standalone form: more:1, id code 0 (3), slot and counter 32, selfDelimited:1 (0), length 6 "
         "(Exp-Golomb order 5 of 29), whole state:1";
}

TEST(StatePacket, EveryTruncationIsRejected) {
  for (bool chained : {false, true}) {
    const auto bytes = packetOf({}, {blockOf(0x01000001, 20, 5), blockOf(0x01000002, 20, 6)}, chained);
    for (size_t n = 0; n + 1 < bytes.size(); ++n) {
      StatePacket p;
      EXPECT_FALSE(readStatePacket(std::span(bytes.data(), n), p)) << "length " << n;
    }
  }
}

TEST(StatePacket, RandomBytesNeverCrashAndAreAlmostAlwaysRejected) {
  std::mt19937 rng(11);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> junk(rng() % 200);
    for (auto& b : junk) b = static_cast<uint8_t>(rng());
    StatePacket p;
    accepted += readStatePacket(junk, p);
  }
  EXPECT_LT(accepted, 200);
}

TEST(StatePacket, OversizedBlockLengthIsRejected) {
  WriteStream w = headerOnly();
  put(w, 1, 1);      // more
  golomb(w, 0, kIdGapOrder); // absolute id
  put(w, 0, 8);      // slot 0
  put(w, 4, 24);     // counter 5
  put(w, 0, 1);      // with a length
  golomb(w, kMaxBlockBits + 1, kLengthOrder);
  put(w, 0, 1);      // whole state
  put(w, 0, 1);      // end
  StatePacket p;
  EXPECT_FALSE(readStatePacket(w.buffer(), p));
}

TEST(StatePacket, AGapThatLeavesTheSlotIsRejected) {
  WriteStream w = headerOnly();
  put(w, 1, 1);
  golomb(w, 0, kIdGapOrder);        // absolute id
  put(w, 3, 8);                     // slot 3
  put(w, 0xFFFFFD - 1, 24);         // counter 0xFFFFFD
  put(w, 0, 1);                     // with a length
  golomb(w, 0, kLengthOrder);       // no payload
  put(w, 0, 1);                     // whole state
  put(w, 1, 1);                     // a second block
  golomb(w, 6, kIdGapOrder);        // gap 5
  put(w, 0, 1);                     // with a length
  put(w, 1, 1);                     // same length
  put(w, 0, 1);                     // whole state
  put(w, 0, 1);                     // end
  StatePacket p;
  EXPECT_FALSE(readStatePacket(w.buffer(), p)) << "counter 0xFFFFFD + 1 + 5 is past 2^24 - 1";
}

TEST(StatePacket, AnOverlongGapPrefixIsRejected) {
  WriteStream w = headerOnly();
  put(w, 1, 1);
  put(w, 0, 1);
  for (int i = 0; i < kMaxIdGapPrefix + 1; ++i) put(w, 0, 1);
  put(w, 1, 1);
  for (int i = 0; i < 64; ++i) put(w, 0, 1);
  StatePacket p;
  EXPECT_FALSE(readStatePacket(w.buffer(), p));
}

TEST(StatePacket, GapsCountFromTheNullIdAtTheStartOfAPacket) {
  WriteStream w = headerOnly();
  put(w, 1, 1);
  golomb(w, 1, kIdGapOrder); // gap 0 -> counter 1
  put(w, 0, 1);     // with a length (not self-delimited)
  put(w, 1, 1);     // same length as "before the first block": 0 bits
  put(w, 0, 1);     // whole state
  put(w, 1, 1);
  golomb(w, 4, kIdGapOrder); // gap 3 -> counter 5
  put(w, 0, 1);     // with a length
  put(w, 1, 1);
  put(w, 0, 1);     // whole state
  put(w, 0, 1);
  StatePacket p;
  ASSERT_TRUE(readStatePacket(w.buffer(), p));
  ASSERT_EQ(p.blocks.size(), 2u);
  EXPECT_EQ(p.blocks[0].id, EntityId::make(0, 1));
  EXPECT_EQ(p.blocks[1].id, EntityId::make(0, 5));
  EXPECT_EQ(p.blocks[1].bits, 0u);
}

TEST(Messages, SpawnRejectsNullIdsAndNonRotations) {
  Spawn s;
  s.id = EntityId{0x01000002};
  s.type = 2;
  s.authority = 1;
  s.state.transform.position = {1, 2, 3};
  auto bytes = encodeMessage(MessageType::Spawn, s);
  Spawn back;
  ASSERT_TRUE(decodeMessage(bytes, MessageType::Spawn, back));
  EXPECT_EQ(back.id, s.id);
  EXPECT_EQ(back.state.transform.position, s.state.transform.position);

  Spawn bad = s;
  bad.state.transform.orientation = {0, 0, 0, 0};
  bytes = encodeMessage(MessageType::Spawn, bad);
  EXPECT_FALSE(decodeMessage(bytes, MessageType::Spawn, back));
}

// decodeMessage reads a message only as the type it is expected to be, and only whole.
TEST(Messages, DecodeTakesOnlyTheExpectedTypeAndAWholeBody) {
  const Despawn d{EntityId::make(2, 9), DespawnReason::Rejected};
  const std::vector<uint8_t> bytes = encodeMessage(MessageType::Despawn, d);
  Despawn back;
  ASSERT_TRUE(decodeMessage(bytes, MessageType::Despawn, back));
  EXPECT_EQ(back.id, d.id);
  EXPECT_EQ(back.reason, d.reason);
  SetAuthority other;
  EXPECT_FALSE(decodeMessage(bytes, MessageType::SetAuthority, other)) << "another type's bytes";
  for (size_t size = 0; size < bytes.size(); ++size)
    EXPECT_FALSE(decodeMessage(std::span(bytes.data(), size), MessageType::Despawn, back)) << size << " bytes";
  ReadStream in(bytes);
  uint32_t type = 0;
  ASSERT_TRUE(readMessageType(in, type));
  EXPECT_EQ(type, static_cast<uint32_t>(MessageType::Despawn));
  EXPECT_EQ(in.bitsRemaining(), bytes.size() * 8 - kMessageTypeBits);
}

TEST(Messages, ConnectAndDisconnectDataRoundTrip) {
  const uint32_t data = packConnectData(3, 0xBEEF);
  EXPECT_EQ(connectProtocol(data), 3);
  EXPECT_EQ(connectGame(data), 0xBEEF);
  const uint32_t d = packDisconnect(DisconnectReason::ProtocolMismatch, 7);
  EXPECT_EQ(disconnectReason(d), DisconnectReason::ProtocolMismatch);
  EXPECT_EQ(disconnectDetail(d), 7);
}

TEST(Messages, SequenceComparisonWrapsAround) {
  EXPECT_TRUE(sequenceNewer(1, 0));
  EXPECT_TRUE(sequenceNewer(0, 65535));
  EXPECT_FALSE(sequenceNewer(65535, 0));
  EXPECT_FALSE(sequenceNewer(5, 5));
}

TEST(NetConfig, ValidateNamesTheBadField) {
  NetConfig c;
  EXPECT_TRUE(c.validate().empty());
  c.sendHz = 31;
  EXPECT_NE(c.validate().find("sendHz"), std::string::npos);
  c.sendHz = 30;
  c.tickHz = 20;
  EXPECT_NE(c.validate().find("must not exceed tickHz"), std::string::npos);
  c.tickHz = 60;
  c.maxPacketBytes = 10;
  EXPECT_NE(c.validate().find("maxPacketBytes"), std::string::npos);
}

TEST(StatePacket, OnlyZeroPaddingMayFollowTheEndMarker) {
  WriteStream w(1200);
  for (uint32_t payloadBits = 1; payloadBits <= 8; ++payloadBits) { // one that leaves padding
    w = WriteStream(1200);
    StateHeader{}.serialize(w);
    writeBlock(w, blockOf(0x01000001, payloadBits, 1));
    writeEnd(w);
    if (w.bits() % 8 != 0) break;
  }
  ASSERT_NE(w.bits() % 8, 0u);
  const std::vector<uint8_t> bytes = w.take();
  StatePacket p;
  ASSERT_TRUE(readStatePacket(bytes, p));
  // The last byte's top bit is padding: set it.
  std::vector<uint8_t> dirty = bytes;
  dirty.back() |= 0x80;
  EXPECT_FALSE(readStatePacket(dirty, p));
}

// A spawn whose state holds a non-finite number cannot be written: the message comes
// out empty (never sent), not cut short at the bad field. Late joiners used to get a
// truncated Spawn ("malformed reliable message") for a body that had turned NaN.
TEST(Messages, ANonFiniteFieldFailsTheWholeMessage) {
  Spawn good{EntityId::make(0, 1), 1, kServerPeer, {}, 10};
  EXPECT_FALSE(encodeMessage(MessageType::Spawn, good).empty());
  for (int field = 0; field < 3; ++field) {
    Spawn bad = good;
    const float nan = std::numeric_limits<float>::quiet_NaN();
    if (field == 0) bad.state.transform.position.y = nan;
    if (field == 1) bad.state.linearVelocity.x = std::numeric_limits<float>::infinity();
    if (field == 2) bad.state.angularVelocity.z = nan;
    EXPECT_TRUE(encodeMessage(MessageType::Spawn, bad).empty()) << "field " << field;
  }
}

// ------------------------------------------------- spawns at a type's precision

namespace {
/// The cube scenario's precision: ±48 / -4..28 / ±48 m at 1/512, 10-bit orientation,
/// no velocities.
RigidQuantization cubePrecision() {
  RigidQuantization q;
  q.positionX = {-48.0f, 48.0f, 1.0f / 512};
  q.positionY = {-4.0f, 28.0f, 1.0f / 512};
  q.positionZ = {-48.0f, 48.0f, 1.0f / 512};
  q.orientationBits = 10;
  q.velocities = false;
  return q;
}

bool readSpawn(const std::vector<uint8_t>& bytes, Spawn& out, const PrecisionOf& of) {
  ReadStream r(bytes);
  uint32_t type = 0;
  return readMessageType(r, type) && type == static_cast<uint32_t>(MessageType::Spawn) && out.serialize(r, of) &&
         r.bitsRemaining() < 8;
}
} // namespace

TEST(Messages, ASpawnOfATypeWithAPrecisionCarriesItsStateAtThatPrecision) {
  const RigidQuantization q = cubePrecision();
  const PrecisionOf of = [&q](EntityTypeId type) { return type == 7 ? &q : nullptr; };
  Spawn s{EntityId::make(0, 42), 7, kServerPeer, {}, 1234};
  s.state.transform.position = {3.1234567f, 0.2f, -12.00077f};
  s.state.transform.orientation = canonicalQuat({0.1f, 0.7f, -0.2f, 0.6f});
  s.state.linearVelocity = {1, 2, 3}; // not on the wire for this type: reads as zero
  s.state.variant = 5;
  const std::vector<uint8_t> bytes = encodeMessage(MessageType::Spawn, s, of);
  const std::vector<uint8_t> raw = encodeMessage(MessageType::Spawn, s);
  // type 4 + id 32 + type 16 + authority 8 + position 16+15+16 + orientation 2+30
  // + variant 8 + tick 32 = 179 bits, against 540 in raw floats.
  EXPECT_EQ(bytes.size(), (179u + 7) / 8);
  EXPECT_EQ(raw.size(), (540u - 24 + 7) / 8); // raw floats, variant as var (8 bits)

  Spawn back;
  ASSERT_TRUE(readSpawn(bytes, back, of));
  EXPECT_EQ(back.id, s.id);
  EXPECT_EQ(back.type, 7);
  EXPECT_EQ(back.serverTick, 1234u);
  EXPECT_EQ(back.state.variant, 5u);
  // Exactly where the type's state blocks would put it: on their grid.
  EXPECT_EQ(back.state.transform.position.x, q.positionX.snap(s.state.transform.position.x));
  EXPECT_EQ(back.state.transform.position.y, q.positionY.snap(s.state.transform.position.y));
  EXPECT_EQ(back.state.transform.position.z, q.positionZ.snap(s.state.transform.position.z));
  EXPECT_EQ(back.state.transform.orientation, snapQuat(s.state.transform.orientation, 10));
  EXPECT_EQ(back.state.linearVelocity, Vec3{});
  // Written again it is the same bytes (a relay re-encodes what it read).
  EXPECT_EQ(encodeMessage(MessageType::Spawn, back, of), bytes);
  // A type with velocities on the wire: they come on their grid too (the angular one
  // only when the type sends it).
  RigidQuantization moving = q;
  moving.velocities = true;
  moving.angularVelocities = false;
  const PrecisionOf movingOf = [&moving](EntityTypeId) { return &moving; };
  s.state.linearVelocity = {1.00001f, -2.3333f, 0.5f};
  s.state.angularVelocity = {4, 5, 6};
  Spawn fast;
  ASSERT_TRUE(readSpawn(encodeMessage(MessageType::Spawn, s, movingOf), fast, movingOf));
  EXPECT_EQ(fast.state.linearVelocity.x, moving.linearVelocity.snap(1.00001f));
  EXPECT_EQ(fast.state.linearVelocity.y, moving.linearVelocity.snap(-2.3333f));
  EXPECT_EQ(fast.state.linearVelocity.z, moving.linearVelocity.snap(0.5f));
  EXPECT_EQ(fast.state.angularVelocity, Vec3{});
  // Read without the precision (another type table) it is garbage, not this spawn:
  // the handshake's fingerprint keeps such peers apart.
  Spawn wrong;
  EXPECT_FALSE(readSpawn(bytes, wrong, {}) && wrong.state.transform.position == back.state.transform.position);
}

TEST(Messages, ASpawnPositionOutsideItsTypesRangeFailsTheMessage) {
  const RigidQuantization q = cubePrecision();
  const PrecisionOf of = [&q](EntityTypeId) { return &q; };
  // x takes 16 bits for 0..49152: write an index past it by hand.
  WriteStream w(64);
  uint32_t type = static_cast<uint32_t>(MessageType::Spawn), id = EntityId::make(0, 1).value, t = 7, auth = 0;
  w.serializeBits(type, kMessageTypeBits);
  w.serializeBits(id, 32);
  w.serializeUint(t, 1, 0xFFFF);
  w.serializeUint(auth, 0, kMaxClientPeer);
  uint32_t x = 60000, y = 0, z = 0;
  w.serializeBits(x, 16);
  w.serializeBits(y, 15);
  w.serializeBits(z, 16);
  uint32_t orientation = 0, variant = 0, tick = 0;
  w.serializeBits(orientation, 32);
  w.serializeVarUint(variant);
  w.serializeBits(tick, 32);
  Spawn back;
  EXPECT_FALSE(readSpawn(w.take(), back, of));
}

TEST(Messages, ANonFiniteSpawnStateFailsTheMessageAtAPrecisionToo) {
  const RigidQuantization q = cubePrecision();
  const PrecisionOf of = [&q](EntityTypeId) { return &q; };
  Spawn good{EntityId::make(0, 1), 1, kServerPeer, {}, 10};
  EXPECT_FALSE(encodeMessage(MessageType::Spawn, good, of).empty());
  for (int field = 0; field < 3; ++field) {
    Spawn bad = good;
    const float nan = std::numeric_limits<float>::quiet_NaN();
    // Quantizing would clamp these onto the grid; the message must fail instead.
    if (field == 0) bad.state.transform.position.y = nan;
    if (field == 1) bad.state.linearVelocity.x = std::numeric_limits<float>::infinity(); // not even on the wire
    if (field == 2) bad.state.transform.orientation.w = nan;
    EXPECT_TRUE(encodeMessage(MessageType::Spawn, bad, of).empty()) << "field " << field;
  }
}

TEST(TypeTable, APrecisionIsPartOfTheFingerprint) {
  const RigidQuantization q = cubePrecision();
  RigidQuantization finer = q;
  finer.orientationBits = 11;
  TypeEntry e{3, "cube", false, 0, 0};
  const uint64_t none = typeTableFingerprint({e});
  e.precision = precisionDigest(&q);
  const uint64_t cubes = typeTableFingerprint({e});
  e.precision = precisionDigest(&finer);
  EXPECT_NE(none, cubes);
  EXPECT_NE(typeTableFingerprint({e}), cubes);
  EXPECT_EQ(precisionDigest(nullptr), 0u);
  EXPECT_NE(precisionDigest(&q), 0u);
  RigidQuantization same = q;
  same.quantizeAuthority = true; // the authority's own business, not the wire's
  EXPECT_EQ(precisionDigest(&same), precisionDigest(&q));
  // And the TypeTable message carries it.
  TypeTable table{{e}};
  const std::vector<uint8_t> bytes = encodeMessage(MessageType::TypeTable, table);
  TypeTable back;
  ASSERT_TRUE(decodeMessage(bytes, MessageType::TypeTable, back));
  ASSERT_EQ(back.entries.size(), 1u);
  EXPECT_EQ(back.entries[0], e);
}

TEST(TypeTable, AClaimedCountCostsOnlyTheEntriesThatArrive) {
  // A table that claims the most entries a message may name but carries one: the read
  // fails at the missing second entry, having held no more than it read (it used to
  // allocate all the claimed entries before reading the first).
  const TypeEntry e{7, "crate", true, 1, 0};
  WriteStream w;
  uint32_t type = static_cast<uint32_t>(MessageType::TypeTable), count = kMaxTypeEntries;
  w.serializeBits(type, kMessageTypeBits);
  w.serializeUint(count, 0, kMaxTypeEntries);
  TypeEntry copy = e;
  ASSERT_TRUE(copy.serialize(w));
  const std::vector<uint8_t> bytes = w.take();
  ReadStream r(bytes);
  readMessageType(r, type);
  TypeTable back;
  EXPECT_FALSE(back.serialize(r));
  ASSERT_EQ(back.entries.size(), 1u);
  EXPECT_EQ(back.entries[0], e);
  EXPECT_LT(back.entries.capacity(), 16u);
  // A table read again starts empty, and one that is whole still round-trips.
  TypeTable whole{{e, TypeEntry{9, "player", false, 2, 5}}};
  const std::vector<uint8_t> full = encodeMessage(MessageType::TypeTable, whole);
  ASSERT_TRUE(decodeMessage(full, MessageType::TypeTable, back));
  EXPECT_EQ(back.entries, whole.entries);
}

TEST(StatePacket, BaselineAgesAndLengthsRoundTripThroughEveryCodingForm) {
  // Deltas after deltas (same age: one bit), other ages, whole blocks, slot changes
  // (absolute form: no "same age" bit), lengths up and down.
  std::mt19937 rng21(21);
  auto engine = [&] { return static_cast<uint32_t>(rng21()); };
  std::vector<StateBlock> blocks;
  uint32_t counter = 1;
  PeerId slot = 0;
  for (int i = 0; i < 150; ++i) {
    if (engine() % 17 == 0) {
      slot = static_cast<PeerId>(slot + 1);
      counter = 1;
    }
    counter += 1 + engine() % 30;
    StateBlock b = blockOf(EntityId::make(slot, counter).value, 1 + engine() % 32, engine());
    const uint32_t pick = engine() % 4;
    b.baselineAge = pick == 0 ? 0 : pick == 1 ? static_cast<uint16_t>(1 + engine() % kMaxBaselineAge) : 6;
    blocks.push_back(b);
  }
  const auto bytes = packetOf({}, blocks, true);
  StatePacket p;
  ASSERT_TRUE(readStatePacket(bytes, p));
  ASSERT_EQ(p.blocks.size(), blocks.size());
  for (size_t i = 0; i < blocks.size(); ++i) {
    EXPECT_EQ(p.blocks[i].id, blocks[i].id) << i;
    EXPECT_EQ(p.blocks[i].bits, blocks[i].bits) << i;
    EXPECT_EQ(p.blocks[i].baselineAge, blocks[i].baselineAge) << i;
    EXPECT_EQ(p.blocks[i].payload, blocks[i].payload) << i;
  }
  // And every cut of it is refused.
  for (size_t n = bytes.size() - 1; n + 40 > bytes.size() && n > 0; --n)
    EXPECT_FALSE(readStatePacket(std::span(bytes.data(), n), p)) << "length " << n;
}

TEST(StatePacket, ASelfDelimitedDeltaAfterADeltaOfTheSameAgeCostsOneBitAfterItsId) {
  StateBlock first = blockOf(EntityId::make(0, 10).value, 40, 1), second = blockOf(EntityId::make(0, 11).value, 40, 2);
  first.baselineAge = second.baselineAge = 6;
  const BlockContext after = contextAfter(first);
  StateBlock whole = second;
  whole.baselineAge = 0;
  // more:1, id code 1 (3 bits), then "like the previous":1 = 1 and nothing more.
  EXPECT_EQ(measureBlock(second, after, true) - second.bits, 1u + 3 + 1) << "self-delimited, same age";
  // Otherwise like:1 = 0, selfDelimited:1, same length:1, delta:1, then the age when a delta.
  const size_t ageCode = wire::expGolombBits(6 - 1, kAgeOrder);
  EXPECT_EQ(measureBlock(second, after) - second.bits, 1u + 3 + 1 + 1 + 1 + 1 + ageCode) << "with its length";
  EXPECT_EQ(measureBlock(whole, after) - whole.bits, 1u + 3 + 1 + 1 + 1 + 1) << "whole";
  // Written exactly as measured.
  for (const bool delimited : {true, false}) {
    WriteStream out;
    BlockContext context = after;
    ASSERT_TRUE(writeBlock(out, second, context, delimited));
    ASSERT_TRUE(writeEnd(out));
    EXPECT_EQ(out.bits(), measureBlock(second, after, delimited) + 1);
  }
}

// encodeMessageInto reuses the caller's vector (the fuzz target's fixed-point check
// keeps one across inputs): whatever it held before, longer or shorter, the result is
// encodeMessage's bytes, and a message that cannot be written leaves it empty.
TEST(Messages, EncodingIntoAUsedVectorGivesEncodeMessagesBytes) {
  TypeTable table;
  for (uint16_t id = 1; id <= 20; ++id) table.entries.push_back({id, "a type with a long name", true, 0, 7});
  const Spawn spawn{EntityId::make(0, 1), 1, kServerPeer, {}, 10};
  std::vector<uint8_t> out;
  encodeMessageInto(out, MessageType::TypeTable, table);
  EXPECT_EQ(out, encodeMessage(MessageType::TypeTable, table));
  encodeMessageInto(out, MessageType::Spawn, spawn); // shorter than what the vector held
  EXPECT_EQ(out, encodeMessage(MessageType::Spawn, spawn));
  encodeMessageInto(out, MessageType::TypeTable, table); // longer again
  EXPECT_EQ(out, encodeMessage(MessageType::TypeTable, table));
  Spawn bad = spawn;
  bad.state.linearVelocity.x = std::numeric_limits<float>::infinity();
  encodeMessageInto(out, MessageType::Spawn, bad);
  EXPECT_TRUE(out.empty());
  encodeMessageInto(out, MessageType::Spawn, spawn);
  EXPECT_EQ(out, encodeMessage(MessageType::Spawn, spawn));
}
