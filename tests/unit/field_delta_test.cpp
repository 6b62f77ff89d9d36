// The field-delta codec on its own: exact round trips over gated fields and a free
// tail, deltas smaller than the value where the change is small, and hostile deltas
// refused.

#include <gtest/gtest.h>

#include <random>

#include "ferrum/rigid_state.h"
#include "wire/exp_golomb.h"
#include "wire/field_delta.h"

using namespace ferrum;

namespace {

// [a:12][rest:1][v:10 while rest = 0][w:10 while rest = 0] then the tail.
const FieldLayout kLayout{{{12, -1, 2}, {1, -1, 0}, {10, 1, 2}, {10, 1, 2}}};

std::vector<uint8_t> payload(uint32_t a, bool rest, uint32_t v, uint32_t w, uint32_t tail, int tailBits, size_t& bits) {
  WriteStream out;
  uint32_t r = rest;
  out.serializeBits(a, 12);
  out.serializeBits(r, 1);
  if (!rest) {
    out.serializeBits(v, 10);
    out.serializeBits(w, 10);
  }
  out.serializeBits(tail, tailBits);
  bits = out.bits();
  return out.take();
}

} // namespace

TEST(FieldDelta, RoundTripsExactlyOverGatedFieldsAndTails) {
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    size_t bb = 0, cb = 0;
    const int baseTail = static_cast<int>(rng() % 9), curTail = rng() % 4 ? baseTail : static_cast<int>(rng() % 9);
    const uint32_t a = rng() % 4096;
    const auto base = payload(a, rng() % 2, rng() % 1024, rng() % 1024, rng() % 256, baseTail, bb);
    const uint32_t na = rng() % 2 ? a : static_cast<uint32_t>(std::clamp<int>(static_cast<int>(a) + static_cast<int>(rng() % 21) - 10, 0, 4095));
    const auto cur = payload(na, rng() % 2, rng() % 1024, rng() % 1024, rng() % 256, curTail, cb);
    WriteStream d;
    ASSERT_TRUE(wire::writeFieldDelta(d, kLayout, base.data(), bb, cur.data(), cb));
    ReadStream in(d.buffer().data(), d.bits());
    WriteStream full;
    ASSERT_TRUE(wire::readFieldDelta(in, kLayout, base.data(), bb, full));
    ASSERT_EQ(full.bits(), cb);
    ReadStream x(full.buffer().data(), cb), y(cur.data(), cb);
    for (size_t left = cb; left > 0; --left) {
      uint32_t p = 0, q = 0;
      x.serializeBits(p, 1);
      y.serializeBits(q, 1);
      ASSERT_EQ(p, q) << "case " << i;
    }
  }
}

TEST(FieldDelta, UnchangedCostsABitPerFieldAndSmallChangesLessThanTheValue) {
  size_t bb = 0, cb = 0;
  const auto base = payload(1000, false, 500, 500, 5, 4, bb);
  WriteStream same;
  ASSERT_TRUE(wire::writeFieldDelta(same, kLayout, base.data(), bb, base.data(), bb));
  EXPECT_EQ(same.bits(), 4u + 1) << "four fields, the tail";
  const auto moved = payload(1003, false, 499, 500, 5, 4, cb);
  WriteStream small;
  ASSERT_TRUE(wire::writeFieldDelta(small, kLayout, base.data(), bb, moved.data(), cb));
  EXPECT_LT(small.bits(), 12u + 1 + 10 + 10) << "less than the whole state";
}

TEST(FieldDelta, RefusesDeltasThatLeaveTheFieldOrLeaveBitsOver) {
  size_t bb = 0;
  const auto base = payload(4090, true, 0, 0, 0, 0, bb);
  WriteStream d; // a: +20 from 4090 leaves 12 bits
  uint32_t one = 1, zero = 0, z = 39;
  d.serializeBits(one, 1);
  d.serializeBits(zero, 1);
  wire::serializeExpGolomb(d, z, 2);
  d.serializeBits(zero, 1); // rest unchanged
  d.serializeBits(one, 1);  // same tail
  ReadStream in(d.buffer().data(), d.bits());
  WriteStream full;
  EXPECT_FALSE(wire::readFieldDelta(in, kLayout, base.data(), bb, full));

  WriteStream ok;
  ASSERT_TRUE(wire::writeFieldDelta(ok, kLayout, base.data(), bb, base.data(), bb));
  ReadStream longer(ok.buffer().data(), ok.bits() + 1);
  WriteStream full2;
  EXPECT_FALSE(wire::readFieldDelta(longer, kLayout, base.data(), bb, full2)) << "a bit left over";
}

TEST(FieldDelta, TheRigidStateLayoutMatchesWhatSerializeRigidStateWrites) {
  RigidQuantization q; // the crate's: velocities after the at-rest flag
  const FieldLayout layout = rigidStateLayout(q);
  RigidState moving;
  moving.position = {1, 2, 3};
  moving.orientation = {0, 0, 0, 1};
  moving.linearVelocity = {1, 0, -1};
  RigidState resting = moving;
  resting.atRest = true;
  for (RigidState* s : {&moving, &resting}) {
    WriteStream out;
    serializeRigidState(out, *s, q);
    wire::FieldValues v;
    ASSERT_TRUE(wire::splitFields(layout, out.buffer().data(), out.bits(), v));
    EXPECT_EQ(v.tailStart, out.bits()) << "the layout covers the whole state, nothing left for a tail";
  }
}
