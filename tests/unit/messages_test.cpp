#include <gtest/gtest.h>

#include <random>

#include "ferrum/net_config.h"
#include "wire/messages.h"

using namespace ferrum;
using namespace ferrum::wire;

namespace {
StateBlock blockOf(uint32_t id, uint32_t bits, uint32_t value) {
  WriteStream w;
  w.serializeBits(value, static_cast<int>(bits));
  StateBlock b;
  b.id = EntityId{id};
  b.bits = bits;
  b.payload = w.take();
  return b;
}

std::vector<uint8_t> packetOf(const StateHeader& h, const std::vector<StateBlock>& blocks) {
  WriteStream w(1200);
  StateHeader copy = h;
  copy.serialize(w);
  for (const auto& b : blocks) writeBlock(w, b);
  writeEnd(w);
  return w.take();
}
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

TEST(StatePacket, EveryTruncationIsRejected) {
  const auto bytes = packetOf({}, {blockOf(0x01000001, 20, 5), blockOf(0x01000002, 20, 6)});
  for (size_t n = 0; n + 1 < bytes.size(); ++n) {
    StatePacket p;
    EXPECT_FALSE(readStatePacket(std::span(bytes.data(), n), p)) << "length " << n;
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
  WriteStream w(1200);
  StateHeader h;
  h.serialize(w);
  bool more = true;
  uint32_t id = 5, bits = kMaxBlockBits + 1;
  w.serializeBool(more);
  w.serializeBits(id, 32);
  w.serializeVarUint(bits);
  StatePacket p;
  EXPECT_FALSE(readStatePacket(w.buffer(), p));
}

TEST(Messages, SpawnRejectsNullIdsAndNonRotations) {
  Spawn s;
  s.id = EntityId{0x01000002};
  s.type = 2;
  s.authority = 1;
  s.state.transform.position = {1, 2, 3};
  auto bytes = encodeMessage(MessageType::Spawn, s);
  ReadStream r(bytes);
  uint32_t type = 0;
  r.serializeBits(type, 4);
  Spawn back;
  ASSERT_TRUE(back.serialize(r));
  EXPECT_EQ(back.id, s.id);
  EXPECT_EQ(back.state.transform.position, s.state.transform.position);

  Spawn bad = s;
  bad.state.transform.orientation = {0, 0, 0, 0};
  bytes = encodeMessage(MessageType::Spawn, bad);
  ReadStream r2(bytes);
  r2.serializeBits(type, 4);
  EXPECT_FALSE(back.serialize(r2));
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
