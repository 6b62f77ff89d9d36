#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "ferrum/bit_stream.h"

using namespace ferrum;

namespace {

struct Sample {
  uint32_t bits5 = 0;
  int32_t ranged = 0;
  uint32_t urange = 0;
  bool flag = false;
  float f = 0;
  uint32_t var = 0;

  template <class S>
  bool serialize(S& s) {
    s.serializeBits(bits5, 5);
    s.serializeInt(ranged, -1000, 1000);
    s.serializeUint(urange, 10, 20);
    s.serializeBool(flag);
    s.serializeFloat(f);
    s.serializeVarUint(var);
    return s.ok();
  }
};

} // namespace

TEST(BitStream, RoundTripOfEveryFieldKind) {
  Sample in{17, -999, 20, true, -3.25f, 300000};
  WriteStream w;
  ASSERT_TRUE(in.serialize(w));
  MeasureStream m;
  in.serialize(m);
  EXPECT_EQ(m.bits(), w.bits()) << "measure and write must agree";

  Sample out;
  ReadStream r(w.buffer().data(), w.bits());
  ASSERT_TRUE(out.serialize(r));
  EXPECT_EQ(out.bits5, 17u);
  EXPECT_EQ(out.ranged, -999);
  EXPECT_EQ(out.urange, 20u);
  EXPECT_TRUE(out.flag);
  EXPECT_EQ(out.f, -3.25f);
  EXPECT_EQ(out.var, 300000u);
  EXPECT_EQ(r.bitsRemaining(), 0u);
}

TEST(BitStream, RandomValuesRoundTripAcrossByteBoundaries) {
  std::mt19937 rng(7);
  std::vector<std::pair<uint32_t, int>> values;
  WriteStream w(1 << 20);
  for (int i = 0; i < 5000; ++i) {
    const int bits = static_cast<int>(rng() % 32) + 1;
    uint32_t v = bits == 32 ? static_cast<uint32_t>(rng()) : static_cast<uint32_t>(rng()) & ((1u << bits) - 1);
    values.emplace_back(v, bits);
    ASSERT_TRUE(w.serializeBits(v, bits));
  }
  ReadStream r(w.buffer().data(), w.bits());
  for (auto [v, bits] : values) {
    uint32_t got = 0;
    ASSERT_TRUE(r.serializeBits(got, bits));
    ASSERT_EQ(got, v);
  }
}

TEST(BitStream, WritePastCapacityFailsAndStaysFailed) {
  WriteStream w(2);
  uint32_t v = 0xFF;
  EXPECT_TRUE(w.serializeBits(v, 8));
  EXPECT_TRUE(w.serializeBits(v, 8));
  EXPECT_FALSE(w.serializeBits(v, 1));
  EXPECT_FALSE(w.ok());
  uint32_t small = 1;
  EXPECT_FALSE(w.serializeBits(small, 1)) << "errors are sticky";
  EXPECT_EQ(w.bytes(), 2u);
}

TEST(BitStream, WritingAValueOutsideItsRangeFails) {
  WriteStream w;
  int32_t v = 11;
  EXPECT_FALSE(w.serializeInt(v, 0, 10));
  WriteStream w2;
  uint32_t tooWide = 0x20;
  EXPECT_FALSE(w2.serializeBits(tooWide, 5));
}

TEST(BitStream, TruncatedInputFailsWithoutReadingPastTheEnd) {
  Sample in{3, 5, 15, false, 1.5f, 70000};
  WriteStream w;
  in.serialize(w);
  for (size_t cut = 0; cut < w.bits(); ++cut) {
    Sample out;
    ReadStream r(w.buffer().data(), cut);
    EXPECT_FALSE(out.serialize(r)) << "cut at bit " << cut;
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.bitsRemaining(), 0u);
  }
}

TEST(BitStream, ReadRejectsOutOfRangeValuesAndNonFiniteFloats) {
  WriteStream w;
  uint32_t raw = 15; // 4 bits hold 15, but the range 0..10 does not
  w.serializeBits(raw, 4);
  ReadStream r(w.buffer().data(), w.bits());
  int32_t v = 0;
  EXPECT_FALSE(r.serializeInt(v, 0, 10));

  for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    uint32_t bitsOfBad = 0;
    std::memcpy(&bitsOfBad, &bad, 4);
    WriteStream wf;
    wf.serializeBits(bitsOfBad, 32);
    ReadStream rf(wf.buffer().data(), wf.bits());
    float f = 1;
    EXPECT_FALSE(rf.serializeFloat(f));
    EXPECT_EQ(f, 0.0f) << "a rejected read leaves a harmless value";
  }
  WriteStream wn;
  float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_FALSE(wn.serializeFloat(nan));
}

TEST(BitStream, VarUintRejectsOverlongEncodings) {
  WriteStream w;
  for (int i = 0; i < 6; ++i) {
    uint32_t group = 0x7F;
    bool more = true;
    w.serializeBits(group, 7);
    w.serializeBool(more);
  }
  ReadStream r(w.buffer().data(), w.bits());
  uint32_t v = 0;
  EXPECT_FALSE(r.serializeVarUint(v));
}

TEST(BitStream, ExtractBitsCopiesAnUnalignedRange) {
  WriteStream w;
  uint32_t a = 5, b = 0xABCDE, c = 3;
  w.serializeBits(a, 3);
  w.serializeBits(b, 20);
  w.serializeBits(c, 2);
  ReadStream r(w.buffer().data(), w.bits());
  uint32_t skip = 0;
  r.serializeBits(skip, 3);
  std::vector<uint8_t> copy;
  ASSERT_TRUE(extractBits(r, 20, copy));
  ReadStream cr(copy.data(), 20);
  uint32_t got = 0;
  ASSERT_TRUE(cr.serializeBits(got, 20));
  EXPECT_EQ(got, 0xABCDEu);
  EXPECT_FALSE(extractBits(r, 100, copy)) << "more bits than remain";
}
