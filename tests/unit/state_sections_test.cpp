// Forwarded state packets with several owners' sections (protocol 7): they read back
// exactly, a packet without sections is a plain one, and a damaged section fails the
// whole packet.

#include <gtest/gtest.h>

#include "wire/messages.h"

using namespace ferrum;

namespace {

wire::StateBlock block(PeerId slot, uint32_t counter, uint32_t value) {
  WriteStream out(8);
  out.serializeBits(value, 32);
  wire::StateBlock b;
  b.id = EntityId::make(slot, counter);
  b.bits = 32;
  b.payload = out.take();
  return b;
}

std::vector<uint8_t> twoOriginPacket() {
  wire::StateHeader h;
  h.sequence = 7;
  h.senderTick = 100;
  h.origin = 3;
  h.originTick = 99;
  WriteStream out(1200);
  h.serialize(out);
  wire::BlockContext first;
  wire::writeBlock(out, block(3, 1, 11), first);
  wire::writeEnd(out);
  wire::writeSectionStart(out, 101, 5, 98);
  wire::BlockContext second;
  wire::writeBlock(out, block(5, 1, 22), second);
  wire::writeBlock(out, block(5, 2, 33), second);
  wire::writeEnd(out);
  return out.take();
}

} // namespace

TEST(StateSections, SeveralOriginsReadBackExactly) {
  wire::StatePacket p;
  ASSERT_TRUE(wire::readStatePacket(twoOriginPacket(), p));
  EXPECT_EQ(p.header.origin, 3);
  EXPECT_EQ(p.header.originTick, 99u);
  ASSERT_EQ(p.blocks.size(), 1u);
  EXPECT_EQ(p.blocks[0].id, EntityId::make(3, 1));
  ASSERT_EQ(p.sections.size(), 1u);
  const wire::StateSection& s = p.sections[0];
  EXPECT_EQ(s.origin, 5);
  EXPECT_EQ(s.senderTick, 101u);
  EXPECT_EQ(s.originTick, 98u);
  ASSERT_EQ(s.blocks.size(), 2u);
  EXPECT_EQ(s.blocks[1].id, EntityId::make(5, 2));
  ReadStream in(s.blocks[1].payload.data(), s.blocks[1].bits);
  uint32_t v = 0;
  ASSERT_TRUE(in.serializeBits(v, 32));
  EXPECT_EQ(v, 33u);
}

TEST(StateSections, APacketWithoutSectionsHasNone) {
  wire::StateHeader h;
  WriteStream out(64);
  h.serialize(out);
  wire::BlockContext c;
  wire::writeBlock(out, block(0, 1, 5), c);
  wire::writeEnd(out);
  wire::StatePacket p;
  ASSERT_TRUE(wire::readStatePacket(out.take(), p));
  EXPECT_TRUE(p.sections.empty());
  EXPECT_EQ(p.blocks.size(), 1u);
}

TEST(StateSections, ATruncatedSectionFailsThePacket) {
  std::vector<uint8_t> bytes = twoOriginPacket();
  for (size_t cut = 1; cut < 8; ++cut) {
    std::vector<uint8_t> shorter(bytes.begin(), bytes.end() - static_cast<std::ptrdiff_t>(cut));
    wire::StatePacket p;
    EXPECT_FALSE(wire::readStatePacket(shorter, p)) << "cut " << cut;
  }
}

TEST(StateSections, ASectionNamingNoClientIsMalformed) {
  wire::StateHeader h;
  h.origin = 3;
  WriteStream out(64);
  h.serialize(out);
  wire::writeEnd(out);
  // A section's origin is ranged 1..254 (8 bits of origin - 1; the server, 0, cannot
  // be named): the raw 254 would be origin 255, out of range.
  bool section = true;
  uint32_t tick = 1, origin = 254;
  out.serializeBool(section);
  out.serializeBits(tick, 32);
  out.serializeBits(origin, 8);
  out.serializeBits(tick, 32);
  wire::writeEnd(out);
  wire::StatePacket p;
  EXPECT_FALSE(wire::readStatePacket(out.take(), p));
}
