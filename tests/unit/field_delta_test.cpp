// The field-delta codec on its own: exact round trips over gated fields and a free
// tail, deltas smaller than the value where the change is small, and hostile deltas
// refused.

#include <gtest/gtest.h>

#include <random>

#include "ferrum/rigid_state.h"
#include "wire/exp_golomb.h"
#include "wire/field_delta.h"
#include "wire/payload_extent.h"
#include "tests/support/rigid_payload.h"

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
  EXPECT_EQ(same.bits(), 2u + 4 + 1) << "the base code (not predicted), four fields, the tail";
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

namespace {

using testing_support::rigidPayload;

// Round trip of `cur` against `base`; returns the delta's bits (0 if it failed).
size_t roundTrip(const FieldLayout& layout, const std::vector<uint8_t>& base, size_t bb,
                 const std::vector<uint8_t>& cur, size_t cb) {
  WriteStream d;
  if (!wire::writeFieldDelta(d, layout, base.data(), bb, cur.data(), cb)) return 0;
  ReadStream in(d.buffer().data(), d.bits());
  WriteStream full;
  if (!wire::readFieldDelta(in, layout, base.data(), bb, full) || full.bits() != cb) return 0;
  const std::vector<uint8_t> rebuilt = full.take();
  for (size_t i = 0; i < cb; ++i)
    if (((rebuilt[i / 8] ^ cur[i / 8]) >> (i % 8)) & 1) return 0;
  return d.bits();
}

Quat mul(Quat a, Quat b) {
  return {a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y, a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x,
          a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w, a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z};
}

Quat aroundAxis(Vec3 axis, float angle) {
  const float s = std::sin(angle / 2);
  return {axis.x * s, axis.y * s, axis.z * s, std::cos(angle / 2)};
}

} // namespace

TEST(FieldDelta, RigidGroupsRoundTripExactlyAcrossRestAndLargestIndexChanges) {
  RigidQuantization q;
  const FieldLayout layout = rigidStateLayout(q);
  ASSERT_TRUE(wire::fieldLayoutUsable(layout));
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> unit(-1, 1);
  int indexChanges = 0;
  for (int i = 0; i < 3000; ++i) {
    RigidState a, b;
    a.position = {unit(rng) * 60, unit(rng) * 15 + 16, unit(rng) * 60};
    a.orientation = canonicalQuat({unit(rng), unit(rng), unit(rng), unit(rng)});
    a.linearVelocity = {unit(rng) * 40, unit(rng) * 40, unit(rng) * 40};
    a.angularVelocity = {unit(rng) * 30, unit(rng) * 30, unit(rng) * 30};
    a.atRest = rng() % 4 == 0;
    b = a;
    const float step = (rng() % 3 == 0) ? 1.0f : 0.02f; // large and small moves
    b.position = a.position + Vec3{unit(rng), unit(rng), unit(rng)} * step;
    b.orientation = canonicalQuat(mul(a.orientation, aroundAxis(Vec3{0.267261f, 0.534522f, 0.801784f}, unit(rng) * step)));
    b.linearVelocity = a.linearVelocity + Vec3{unit(rng), unit(rng), unit(rng)} * step;
    b.atRest = rng() % 4 == 0;
    size_t bb = 0, cb = 0;
    const auto base = rigidPayload(a, q, bb), cur = rigidPayload(b, q, cb);
    wire::FieldValues va, vb;
    ASSERT_TRUE(wire::splitFields(layout, base.data(), bb, va));
    ASSERT_TRUE(wire::splitFields(layout, cur.data(), cb, vb));
    indexChanges += va.values[3] != vb.values[3];
    ASSERT_GT(roundTrip(layout, base, bb, cur, cb), 0u) << "case " << i;
  }
  EXPECT_GT(indexChanges, 0);
}

TEST(FieldDelta, AnUnchangedGroupCostsOneBitAndAMovedOneASharedClass) {
  RigidQuantization q;
  q.velocities = false;
  q.restFlag = false;
  const FieldLayout layout = rigidStateLayout(q); // position group, orientation, nothing else
  RigidState a;
  a.position = {1, 2, 3};
  a.orientation = canonicalQuat(aroundAxis({0, 0, 1}, 0.3f));
  size_t bb = 0, cb = 0;
  const auto base = rigidPayload(a, q, bb);
  EXPECT_EQ(roundTrip(layout, base, bb, base, bb), 2u + 1 + 2 + 1)
      << "the base code (not predicted), not every group changed, two groups unchanged, the tail unchanged";
  RigidState b = a;
  b.position.x += 3.0f / 512; // 3 steps: zigzag 6, a 3-bit class
  const auto cur = rigidPayload(b, q, cb);
  const int classBits = bitsRequired(static_cast<uint64_t>(bitsRequired(static_cast<uint64_t>(q.positionX.maxIndex())) - 1));
  EXPECT_EQ(roundTrip(layout, base, bb, cur, cb), 2 + 1 + size_t(1 + classBits + 3 * 3) + 1 + 1)
      << "base code:2; not every group:1; changed:1, class, three members at 3 bits; orientation unchanged:1; tail:1";
  // Both groups changed: one bit says so, and neither has its changed bit.
  RigidState c = b;
  c.orientation = canonicalQuat(aroundAxis({0, 0, 1}, 0.3f + 0.01f));
  size_t cc = 0;
  const auto both = rigidPayload(c, q, cc);
  wire::FieldValues vb, vc;
  ASSERT_TRUE(wire::splitFields(layout, base.data(), bb, vb));
  ASSERT_TRUE(wire::splitFields(layout, both.data(), cc, vc));
  ASSERT_EQ(vb.values[3], vc.values[3]) << "the same largest index";
  WriteStream delta(64);
  ASSERT_TRUE(wire::writeFieldDelta(delta, layout, base.data(), bb, both.data(), cc));
  ReadStream in(delta.buffer().data(), delta.bits());
  uint32_t code = 0, every = 0;
  ASSERT_TRUE(in.serializeBits(code, 2));
  ASSERT_TRUE(in.serializeBits(every, 1));
  EXPECT_EQ(code, 0u) << "not predicted";
  EXPECT_EQ(every, 1u) << "every group changed";
  EXPECT_EQ(roundTrip(layout, base, bb, both, cc), delta.bits()) << "and it reads back to the same state";
}

TEST(FieldDelta, ALargestIndexChangeReExpressesTheBaselineInsteadOfSendingTheComponentsWhole) {
  RigidQuantization q;
  q.velocities = false;
  q.restFlag = false;
  const FieldLayout layout = rigidStateLayout(q);
  // Around the diagonal where |z| and |w| swap places as the largest component.
  RigidState a, b;
  a.orientation = canonicalQuat(aroundAxis({0, 0, 1}, 1.5707963f - 0.01f));
  b.orientation = canonicalQuat(aroundAxis({0, 0, 1}, 1.5707963f + 0.01f));
  size_t bb = 0, cb = 0;
  const auto base = rigidPayload(a, q, bb), cur = rigidPayload(b, q, cb);
  {
    wire::FieldValues va, vb;
    ASSERT_TRUE(wire::splitFields(layout, base.data(), bb, va));
    ASSERT_TRUE(wire::splitFields(layout, cur.data(), cb, vb));
    ASSERT_NE(va.values[3], vb.values[3]) << "the largest index changed";
  }
  const size_t bits = roundTrip(layout, base, bb, cur, cb);
  ASSERT_GT(bits, 0u);
  // Raw would be changed:1, newIndex:1, step:2, class:4 and 3 x 11 bits, plus 1 + 1.
  EXPECT_LT(bits, 1u + 1 + 2 + 4 + 3 * 6 + 2) << "the re-expressed baseline is a few steps away";
}

TEST(FieldDelta, MalformedGroupAndOrientationCodesAreRefused) {
  RigidQuantization q;
  q.velocities = false;
  q.restFlag = false;
  const FieldLayout layout = rigidStateLayout(q);
  RigidState a;
  a.position = {-63, 2, 3}; // x 512 steps above its minimum
  a.orientation = canonicalQuat(aroundAxis({0, 0, 1}, 0.3f));
  size_t bb = 0;
  const auto base = rigidPayload(a, q, bb);
  const int posBits = bitsRequired(static_cast<uint64_t>(q.positionX.maxIndex()));
  const int classBits = bitsRequired(static_cast<uint64_t>(posBits - 1));
  auto refused = [&](const WriteStream& d) {
    ReadStream in(d.buffer().data(), d.bits());
    WriteStream full;
    return !wire::readFieldDelta(in, layout, base.data(), bb, full);
  };
  uint32_t one = 1, zero = 0;
  { // a class as wide as the widest member (only raw, class 0, may be that wide)
    WriteStream d;
    uint32_t cls = static_cast<uint32_t>(posBits);
    d.serializeBits(one, 1);
    d.serializeBits(cls, classBits);
    for (int i = 0; i < 3; ++i) d.serializeBits(zero, posBits);
    d.serializeBits(zero, 1);
    d.serializeBits(one, 1);
    EXPECT_TRUE(refused(d));
  }
  { // a delta that leaves the field (base x - 2^(class-1) below 0)
    WriteStream d;
    uint32_t cls = static_cast<uint32_t>(posBits - 1), down = (1u << (posBits - 1)) - 1; // odd zigzag: negative
    d.serializeBits(one, 1);
    d.serializeBits(cls, classBits);
    d.serializeBits(down, static_cast<int>(cls));
    d.serializeBits(zero, static_cast<int>(cls));
    d.serializeBits(zero, static_cast<int>(cls));
    d.serializeBits(zero, 1);
    d.serializeBits(one, 1);
    EXPECT_TRUE(refused(d));
  }
  { // a largest-index step of 3 (only 0..2 name another index)
    WriteStream d;
    uint32_t step = 3, cls = 1;
    d.serializeBits(zero, 1); // position unchanged
    d.serializeBits(one, 1);  // orientation changed
    d.serializeBits(one, 1);  // new index
    d.serializeBits(step, 2);
    d.serializeBits(cls, 4);
    for (int i = 0; i < 3; ++i) d.serializeBits(zero, 1);
    d.serializeBits(one, 1);
    EXPECT_TRUE(refused(d));
  }
  { // every cut of a valid delta
    RigidState b = a;
    b.position.y += 0.5f;
    b.orientation = canonicalQuat(aroundAxis({1, 0, 0}, 0.9f));
    size_t cb = 0;
    const auto cur = rigidPayload(b, q, cb);
    WriteStream d;
    ASSERT_TRUE(wire::writeFieldDelta(d, layout, base.data(), bb, cur.data(), cb));
    for (size_t n = 0; n < d.bits(); ++n) {
      ReadStream in(d.buffer().data(), n);
      WriteStream full;
      EXPECT_FALSE(wire::readFieldDelta(in, layout, base.data(), bb, full)) << "cut at " << n;
    }
  }
}

TEST(FieldDelta, LayoutsWithBadGroupsAreNeverDeltaCoded) {
  using F = FieldLayout::Field;
  const std::vector<FieldLayout> bad = {
      FieldLayout{{F{8, -1, 2, 3}, F{8, -1, 2}}},                          // group past the end
      FieldLayout{{F{1, -1, 0}, F{8, -1, 2, 2}, F{8, 0, 2}}},              // members gated differently
      FieldLayout{{F{2, -1, 0, 1, true}, F{9, -1, 2}, F{9}, F{9}}},        // index without its group
      FieldLayout{{F{3, -1, 0, 1, true}, F{9, -1, 2, 3}, F{9}, F{9}}},     // index not 2 bits
      FieldLayout{{F{2, -1, 0, 1, true}, F{9, -1, 2, 3}, F{9}, F{8}}},     // components of unequal width
      FieldLayout{{F{8, -1, 2, 2}, F{1, -1, 0}}},                          // a 1-bit member
  };
  const uint8_t bytes[8] = {};
  for (size_t i = 0; i < bad.size(); ++i) {
    EXPECT_FALSE(wire::fieldLayoutUsable(bad[i])) << i;
    WriteStream d;
    EXPECT_FALSE(wire::writeFieldDelta(d, bad[i], bytes, 64, bytes, 64)) << i;
  }
}

// A change of more than 2^31 in a 32-bit field has no 32-bit zigzag code; the writer
// once wrapped it to a small code and the reader rebuilt another value (found by the
// field-delta fuzz target). (Group members are at most 31 bits: their zigzag fits.)
TEST(FieldDelta, ALargeChangeOfAThirtyTwoBitFieldSurvives) {
  FieldLayout single{{{32, -1, 2}, {32, -1, 2}}};
  single.tail = false;
  const uint32_t pairs[][2] = {{0u, 0x80000001u}, {0xFFFFFFFFu, 0u}, {0u, 0xFFFFFFFFu}, {5u, 0x80000004u}};
  for (const auto& pair : pairs) {
    for (const FieldLayout* layout : {&single}) {
      const size_t n = layout->fields.size();
      WriteStream base, cur;
      for (size_t i = 0; i < n; ++i) {
        uint32_t b = pair[0], c = i == 0 ? pair[1] : pair[0] + 1;
        base.serializeBits(b, 32);
        cur.serializeBits(c, 32);
      }
      WriteStream d;
      ASSERT_TRUE(wire::writeFieldDelta(d, *layout, base.buffer().data(), base.bits(), cur.buffer().data(), cur.bits()));
      ReadStream in(d.buffer().data(), d.bits());
      WriteStream full;
      ASSERT_TRUE(wire::readFieldDelta(in, *layout, base.buffer().data(), base.bits(), full));
      ASSERT_EQ(full.bits(), cur.bits());
      ReadStream x(full.buffer().data(), full.bits()), y(cur.buffer().data(), cur.bits());
      for (size_t i = 0; i < n; ++i) {
        uint32_t p = 0, q = 0;
        x.serializeBits(p, 32);
        y.serializeBits(q, 32);
        EXPECT_EQ(p, q) << std::hex << pair[0] << " -> " << pair[1] << ", field " << i << ", fields " << n;
      }
    }
  }
}

// Protocol 10: a delta's first class is written in C bits, every later one against the
// class before it (zigzag, Exp-Golomb order 0). The same class again costs one bit; a
// later class that lands outside 1..widest (widest standing for raw) is refused by the
// codec and by the baseline-free walk alike.
TEST(FieldDelta, ALaterClassIsCodedAgainstThePreviousOneAndRefusedOutsideItsRange) {
  RigidQuantization q;
  q.velocities = false;
  q.restFlag = false;
  const FieldLayout layout = rigidStateLayout(q); // position group, orientation, tail
  RigidState a;
  a.position = {1, 2, 3};
  a.orientation = canonicalQuat(aroundAxis({0, 0, 1}, 0.3f));
  size_t bb = 0;
  const auto base = rigidPayload(a, q, bb);
  const int posBits = bitsRequired(static_cast<uint64_t>(q.positionX.maxIndex()));
  const int classBits = bitsRequired(static_cast<uint64_t>(posBits - 1));
  // Both groups changed with class 2: position's class in C bits, orientation's as
  // "same as before" (zigzag 0: one bit).
  auto delta = [&](uint32_t orientationClassCode) {
    uint32_t zero = 0, one = 1;
    WriteStream d;
    d.serializeBits(zero, 2); // base code 00: plain
    d.serializeBits(one, 1);  // every group changed: no changed bits
    uint32_t cls = 2, step = 2; // +1 step on x: zigzag 2
    d.serializeBits(cls, classBits);
    d.serializeBits(step, 2);
    d.serializeBits(zero, 2);
    d.serializeBits(zero, 2);
    d.serializeBits(zero, 1); // orientation: same index
    wire::serializeExpGolomb(d, orientationClassCode, 0);
    d.serializeBits(step, 2);
    d.serializeBits(zero, 2);
    d.serializeBits(zero, 2);
    d.serializeBits(one, 1); // tail unchanged
    return d;
  };
  auto readable = [&](const WriteStream& d) {
    ReadStream in(d.buffer().data(), d.bits());
    WriteStream full;
    const bool read = wire::readFieldDelta(in, layout, base.data(), bb, full);
    size_t walked = 0;
    const bool walkedOk = wire::payloadExtent(ReadStream(d.buffer().data(), d.bits()), layout, 1, d.bits(), walked);
    EXPECT_EQ(read, walkedOk && walked == d.bits()) << "the walk and the codec agree";
    return read;
  };
  const WriteStream same = delta(0);
  EXPECT_TRUE(readable(same));
  EXPECT_EQ(same.bits(), 2u + 1 + (classBits + 6) + (1 + 1 + 6) + 1);
  {
    // The writer codes exactly this for the state it stands for.
    ReadStream in(same.buffer().data(), same.bits());
    WriteStream full;
    ASSERT_TRUE(wire::readFieldDelta(in, layout, base.data(), bb, full));
    WriteStream again;
    ASSERT_TRUE(wire::writeFieldDelta(again, layout, base.data(), bb, full.buffer().data(), full.bits()));
    EXPECT_EQ(again.bits(), same.bits());
  }
  EXPECT_FALSE(readable(delta(3))) << "class 0 (2 - 2) is not a class: raw is written as the widest";
  const uint32_t aboveWidest = 2 * static_cast<uint32_t>(q.orientationBits - 2 + 1); // symbol widest + 1
  EXPECT_FALSE(readable(delta(aboveWidest)));
  EXPECT_FALSE(readable(delta(1000)));
}
