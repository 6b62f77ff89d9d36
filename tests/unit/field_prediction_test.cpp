// Predicted field deltas: a block coded against the linear extrapolation of the two
// newest acknowledged blocks of its entity. Exactness of the integer prediction, round
// trips over random triples of blocks, the receiver's lookup of both named blocks
// across the sequence wrap and after they are gone, and a sender and receiver kept
// exact through lost packets and lost and delayed acks.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <random>

#include "ferrum/rigid_state.h"
#include "net/baseline_store.h"
#include "net/delta_sender.h"
#include "wire/exp_golomb.h"
#include "wire/field_delta.h"
#include "wire/messages.h"
#include "wire/payload_extent.h"
#include "tests/support/rigid_payload.h"

using namespace ferrum;

namespace {

using testing_support::rigidPayload;

bool sameBits(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b, size_t bits) {
  for (size_t i = 0; i < bits; ++i)
    if (((a[i / 8] ^ b[i / 8]) >> (i % 8)) & 1) return false;
  return true;
}

RigidState randomState(std::mt19937& rng) {
  std::uniform_real_distribution<float> unit(-1, 1);
  RigidState s;
  s.position = {unit(rng) * 60, unit(rng) * 15 + 16, unit(rng) * 60};
  s.orientation = canonicalQuat({unit(rng), unit(rng), unit(rng), unit(rng)});
  s.linearVelocity = {unit(rng) * 40, unit(rng) * 40, unit(rng) * 40};
  s.angularVelocity = {unit(rng) * 30, unit(rng) * 30, unit(rng) * 30};
  s.atRest = rng() % 4 == 0;
  return s;
}

/// A body moving in a straight line at constant speed, at packet `t`.
RigidState linear(int t) {
  RigidState s;
  s.position = {1.0f + 0.05f * static_cast<float>(t), 2.0f, 3.0f - 0.02f * static_cast<float>(t)};
  s.orientation = canonicalQuat({0.1f, 0.2f, 0.3f, 0.9f});
  return s;
}

/// Delta bits of `cur` against `b1` (predicted with `older` when given); 0 if the
/// round trip is not exact.
size_t roundTrip(const FieldLayout& layout, const std::vector<uint8_t>& b1, size_t b1Bits,
                 const std::vector<uint8_t>& cur, size_t curBits, const wire::FieldPrediction* prediction) {
  WriteStream d;
  if (!wire::writeFieldDelta(d, layout, b1.data(), b1Bits, cur.data(), curBits, prediction)) return 0;
  uint32_t span = 99;
  if (!wire::peekPredictionSpan(d.buffer().data(), d.bits(), span)) return 0;
  if (span != (prediction ? prediction->span : 0u)) return 0;
  ReadStream in(d.buffer().data(), d.bits());
  WriteStream full;
  if (!wire::readFieldDelta(in, layout, b1.data(), b1Bits, full, prediction) || full.bits() != curBits) return 0;
  return sameBits(full.take(), cur, curBits) ? d.bits() : 0;
}

/// A body moving steadily, poses only: B2 at packet 94, B1 at 100 (span 6), the
/// current block in packet 106 (age 6), and the prediction from B2.
struct SteadyTriple {
  RigidQuantization q = [] {
    RigidQuantization r;
    r.velocities = false;
    r.restFlag = false;
    return r;
  }();
  FieldLayout layout = rigidStateLayout(q);
  size_t b2Bits = 0, b1Bits = 0, curBits = 0;
  std::vector<uint8_t> b2 = rigidPayload(linear(94), q, b2Bits), b1 = rigidPayload(linear(100), q, b1Bits),
                       cur = rigidPayload(linear(106), q, curBits);
  wire::FieldPrediction p{b2.data(), b2Bits, 6, 6};
};

} // namespace

TEST(FieldPrediction, ExtrapolatesInIntegersRoundingHalvesAwayFromZeroAndClampsIntoTheField) {
  EXPECT_EQ(wire::predictField(10, 8, 1, 1, 1023), 12u);
  EXPECT_EQ(wire::predictField(10, 8, 1, 6, 1023), 22u);
  EXPECT_EQ(wire::predictField(10, 9, 2, 1, 1023), 11u) << "+0.5 rounds up";
  EXPECT_EQ(wire::predictField(10, 11, 2, 1, 1023), 9u) << "-0.5 rounds down (away from zero)";
  EXPECT_EQ(wire::predictField(10, 9, 3, 1, 1023), 10u) << "+1/3 rounds to 0";
  EXPECT_EQ(wire::predictField(10, 9, 3, 2, 1023), 11u) << "+2/3 rounds to 1";
  EXPECT_EQ(wire::predictField(1000, 900, 1, 3, 1023), 1023u) << "clamped to the field's top";
  EXPECT_EQ(wire::predictField(50, 100, 1, 2, 1023), 0u) << "clamped to 0";
  EXPECT_EQ(wire::predictField(0xFFFFFFFFu, 0, 1, 4095, 0xFFFFFFFFu), 0xFFFFFFFFu) << "no 64-bit overflow";
  EXPECT_EQ(wire::predictField(0, 0xFFFFFFFFu, 1, 4095, 0xFFFFFFFFu), 0u);
  EXPECT_EQ(wire::predictField(7, 7, 5, 4095, 15), 7u) << "at rest stays put";
}

TEST(FieldPrediction, RandomTriplesRoundTripExactlyAtEverySpanAndAge) {
  RigidQuantization q;
  const FieldLayout layout = rigidStateLayout(q);
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> unit(-1, 1);
  int smaller = 0;
  for (int i = 0; i < 3000; ++i) {
    // B2, B1 and the current state: unrelated, or a body on a noisy path.
    const bool related = rng() % 3 != 0;
    const RigidState s2 = randomState(rng);
    RigidState s1 = related ? s2 : randomState(rng), s0 = related ? s2 : randomState(rng);
    if (related) {
      const Vec3 v{unit(rng), unit(rng), unit(rng)};
      s1.position = s2.position + v * 0.1f;
      s0.position = s2.position + v * 0.3f + Vec3{unit(rng), unit(rng), unit(rng)} * 0.01f;
      s1.atRest = s0.atRest = rng() % 5 == 0;
    }
    size_t b2Bits = 0, b1Bits = 0, curBits = 0;
    const auto b2 = rigidPayload(s2, q, b2Bits), b1 = rigidPayload(s1, q, b1Bits), cur = rigidPayload(s0, q, curBits);
    const wire::FieldPrediction p{b2.data(), b2Bits, 1 + static_cast<uint32_t>(rng() % wire::kMaxPredictionSpan),
                                  1 + static_cast<uint32_t>(rng() % wire::kMaxBaselineAge)};
    const size_t predicted = roundTrip(layout, b1, b1Bits, cur, curBits, &p);
    const size_t plain = roundTrip(layout, b1, b1Bits, cur, curBits, nullptr);
    ASSERT_GT(predicted, 0u) << "case " << i << " span " << p.span << " ahead " << p.ahead;
    ASSERT_GT(plain, 0u) << "case " << i;
    smaller += predicted < plain;
  }
  EXPECT_GT(smaller, 0);
}

// The sender codes a block both ways at once (writeFieldDeltaPair, one split of each
// payload): each of its two codings must be exactly writeFieldDelta's, bit for bit.
TEST(FieldPrediction, BothCodingsAtOnceAreExactlyTheTwoCodingsAlone) {
  RigidQuantization q;
  const FieldLayout layout = rigidStateLayout(q);
  std::mt19937 rng(23);
  for (int i = 0; i < 2000; ++i) {
    size_t b2Bits = 0, b1Bits = 0, curBits = 0;
    const auto b2 = rigidPayload(randomState(rng), q, b2Bits);
    const auto b1 = rigidPayload(randomState(rng), q, b1Bits);
    const auto cur = rigidPayload(randomState(rng), q, curBits);
    const wire::FieldPrediction p{b2.data(), b2Bits, 1 + static_cast<uint32_t>(rng() % wire::kMaxPredictionSpan),
                                  1 + static_cast<uint32_t>(rng() % wire::kMaxBaselineAge)};
    WriteStream plainAlone(wire::kMaxBlockBits / 8), predictedAlone(wire::kMaxBlockBits / 8);
    ASSERT_TRUE(wire::writeFieldDelta(plainAlone, layout, b1.data(), b1Bits, cur.data(), curBits));
    ASSERT_TRUE(wire::writeFieldDelta(predictedAlone, layout, b1.data(), b1Bits, cur.data(), curBits, &p));
    WriteStream plain(wire::kMaxBlockBits / 8), predicted(wire::kMaxBlockBits / 8);
    bool predictedWritten = false;
    ASSERT_TRUE(wire::writeFieldDeltaPair(plain, predicted, predictedWritten, layout, b1.data(), b1Bits, cur.data(),
                                          curBits, p));
    ASSERT_TRUE(predictedWritten) << "case " << i;
    ASSERT_EQ(plain.bits(), plainAlone.bits()) << "case " << i;
    ASSERT_EQ(predicted.bits(), predictedAlone.bits()) << "case " << i;
    ASSERT_TRUE(sameBits(plain.buffer(), plainAlone.buffer(), plain.bits())) << "case " << i;
    ASSERT_TRUE(sameBits(predicted.buffer(), predictedAlone.buffer(), predicted.bits())) << "case " << i;
  }
  // A prediction that cannot be used (span 0) leaves only the plain coding.
  size_t b1Bits = 0, curBits = 0;
  const auto b1 = rigidPayload(randomState(rng), q, b1Bits), cur = rigidPayload(randomState(rng), q, curBits);
  const wire::FieldPrediction unusable{b1.data(), b1Bits, 0, 1};
  WriteStream plain(wire::kMaxBlockBits / 8), predicted(wire::kMaxBlockBits / 8);
  bool predictedWritten = true;
  EXPECT_TRUE(wire::writeFieldDeltaPair(plain, predicted, predictedWritten, layout, b1.data(), b1Bits, cur.data(),
                                        curBits, unusable));
  EXPECT_FALSE(predictedWritten);
  EXPECT_GT(plain.bits(), 0u);
}

// Each coding of the pair stands alone: a plain delta that does not fit its stream
// (here a 4-byte one) must not keep the predicted delta, which fits, from being written.
TEST(FieldPrediction, APlainCodingTooLongForItsStreamStillLeavesThePredictedOne) {
  const SteadyTriple t;
  const auto& [q, layout, b2Bits, b1Bits, curBits, b2, b1, cur, p] = t;
  WriteStream plainAlone(wire::kMaxBlockBits / 8), predictedAlone(wire::kMaxBlockBits / 8);
  ASSERT_TRUE(wire::writeFieldDelta(plainAlone, layout, b1.data(), b1Bits, cur.data(), curBits));
  ASSERT_TRUE(wire::writeFieldDelta(predictedAlone, layout, b1.data(), b1Bits, cur.data(), curBits, &p));
  ASSERT_GT(plainAlone.bits(), 32u) << "the plain delta must overflow a 4-byte stream";
  ASSERT_LE(predictedAlone.bits(), 32u) << "and the predicted one fit it";
  WriteStream plain(4), predicted(4);
  bool predictedWritten = false;
  EXPECT_FALSE(wire::writeFieldDeltaPair(plain, predicted, predictedWritten, layout, b1.data(), b1Bits, cur.data(),
                                         curBits, p));
  ASSERT_TRUE(predictedWritten);
  ASSERT_EQ(predicted.bits(), predictedAlone.bits());
  EXPECT_TRUE(sameBits(predicted.buffer(), predictedAlone.buffer(), predicted.bits()));
}

TEST(FieldPrediction, ASteadilyMovingBodyCostsAboutNothingPredictedAndItsWholeDisplacementPlain) {
  const SteadyTriple t;
  const auto& [q, layout, b2Bits, b1Bits, curBits, b2, b1, cur, p] = t;
  const size_t predicted = roundTrip(layout, b1, b1Bits, cur, curBits, &p);
  const size_t plain = roundTrip(layout, b1, b1Bits, cur, curBits, nullptr);
  ASSERT_GT(predicted, 0u);
  ASSERT_GT(plain, 0u);
  // Quantization may leave a step of error; the displacement (0.3 m = 154 steps) is gone.
  EXPECT_LE(predicted, 2 + 5 + 1 + 5 * 3 + 1 + 1) << "base code, position within a 2-bit class, orientation, tail";
  EXPECT_GE(plain, predicted + 10);
}

/// A body turning steadily around z by `rate` radians per packet, at packet `t`.
RigidState turning(int t, float rate, float from) {
  RigidState s;
  s.position = {1.0f, 2.0f, 3.0f};
  const float angle = from + rate * static_cast<float>(t);
  s.orientation = canonicalQuat({0, 0, std::sin(angle / 2), std::cos(angle / 2)});
  return s;
}

// Protocol 11: the orientation is predicted as a turn (B1 turned on as it turned from
// B2), not component by component, and so also when the largest component changed
// between B2 and B1 (protocol 10 then kept B1's components as the base).
TEST(FieldPrediction, ASteadilyTurningBodyIsPredictedAsATurnEvenAcrossALargestIndexChange) {
  RigidQuantization q;
  q.velocities = false;
  q.restFlag = false;
  const FieldLayout layout = rigidStateLayout(q);
  // Around z past 90 degrees: |w| is the largest component before, |z| after.
  const float rate = 0.15f, from = 1.5708f - 0.1f;
  size_t b2Bits = 0, b1Bits = 0, curBits = 0;
  const auto b2 = rigidPayload(turning(0, rate, from), q, b2Bits);
  const auto b1 = rigidPayload(turning(1, rate, from), q, b1Bits);
  const auto cur = rigidPayload(turning(5, rate, from), q, curBits);
  wire::FieldValues v2, v1, v0;
  ASSERT_TRUE(wire::splitFields(layout, b2.data(), b2Bits, v2));
  ASSERT_TRUE(wire::splitFields(layout, b1.data(), b1Bits, v1));
  ASSERT_TRUE(wire::splitFields(layout, cur.data(), curBits, v0));
  ASSERT_NE(v2.values[3], v1.values[3]) << "the largest index changed between B2 and B1";
  ASSERT_EQ(v1.values[3], v0.values[3]);
  const wire::FieldPrediction p{b2.data(), b2Bits, 1, 4};
  const size_t predicted = roundTrip(layout, b1, b1Bits, cur, curBits, &p);
  const size_t plain = roundTrip(layout, b1, b1Bits, cur, curBits, nullptr);
  ASSERT_GT(predicted, 0u);
  ASSERT_GT(plain, 0u);
  // 0.6 rad of turn (about 50 steps in a component) is gone but for rounding: the
  // position unchanged (1 bit), the orientation within a 2-bit class.
  EXPECT_LE(predicted, 1 + 1 + 1 + (1 + 5 + 3 * 2) + 1) << "base, every-group bit, position, orientation, tail";
  EXPECT_GE(plain, predicted + 10);
}

// Protocol 11: a predicted delta's first class is coded against a class expected from
// how far ahead of B1 it is (its baseline age); the baseline-free walk needs that age.
TEST(FieldPrediction, APredictedDeltasFirstClassIsCodedAgainstOneExpectedFromItsAge) {
  EXPECT_EQ(wire::firstClassBefore(0, 6), 0u) << "plain: the first class in its own width";
  EXPECT_EQ(wire::firstClassBefore(1, 1), 2u);
  EXPECT_EQ(wire::firstClassBefore(1, 3), 3u);
  EXPECT_EQ(wire::firstClassBefore(3, 6), 6u);
  EXPECT_EQ(wire::firstClassBefore(1, 12), 9u);
  EXPECT_EQ(wire::firstClassBefore(1, 4095), 2u + 11 + 60);
  const SteadyTriple t;
  const auto& [q, layout, b2Bits, b1Bits, curBits, b2, b1, cur, p] = t;
  // Far off the predicted line, so that the delta has a class to code.
  size_t offBits = 0;
  const auto off = rigidPayload(linear(140), q, offBits);
  WriteStream d;
  ASSERT_TRUE(wire::writeFieldDelta(d, layout, b1.data(), b1Bits, off.data(), offBits, &p));
  size_t walked = 0;
  ASSERT_TRUE(wire::payloadExtent(ReadStream(d.buffer().data(), d.bits()), layout, static_cast<uint16_t>(p.ahead),
                                  wire::kMaxBlockBits, walked));
  EXPECT_EQ(walked, d.bits()) << "walked at the delta's own age";
  const bool atAgeOne = wire::payloadExtent(ReadStream(d.buffer().data(), d.bits()), layout, 1, wire::kMaxBlockBits, walked);
  EXPECT_FALSE(atAgeOne && walked == d.bits()) << "another age reads another first class";
  // A first-class code that lands outside 1..widest is refused by codec and walk alike.
  WriteStream bad;
  uint32_t one = 1, huge = 1000;
  bad.serializeBits(one, 1); // predicted, span 1
  bad.serializeBits(one, 1); // every group changed
  wire::serializeExpGolomb(bad, huge, 0);
  uint32_t filler = 0;
  for (int i = 0; i < 4; ++i) bad.serializeBits(filler, 32);
  const wire::FieldPrediction span1{b2.data(), b2Bits, 1, 6};
  ReadStream in(bad.buffer().data(), bad.bits());
  WriteStream full;
  EXPECT_FALSE(wire::readFieldDelta(in, layout, b1.data(), b1Bits, full, &span1));
  EXPECT_FALSE(wire::payloadExtent(ReadStream(bad.buffer().data(), bad.bits()), layout, 6, wire::kMaxBlockBits, walked));
}

TEST(FieldPrediction, APredictedDeltaIsReadOnlyAgainstTheSameNamedOlderBlock) {
  RigidQuantization q;
  const FieldLayout layout = rigidStateLayout(q);
  size_t b2Bits = 0, b1Bits = 0, curBits = 0;
  const auto b2 = rigidPayload(linear(0), q, b2Bits), b1 = rigidPayload(linear(1), q, b1Bits),
             cur = rigidPayload(linear(2), q, curBits);
  const wire::FieldPrediction p{b2.data(), b2Bits, 3, 1};
  WriteStream d;
  ASSERT_TRUE(wire::writeFieldDelta(d, layout, b1.data(), b1Bits, cur.data(), curBits, &p));
  auto read = [&](const wire::FieldPrediction* with) {
    ReadStream in(d.buffer().data(), d.bits());
    WriteStream full;
    return wire::readFieldDelta(in, layout, b1.data(), b1Bits, full, with);
  };
  EXPECT_TRUE(read(&p));
  EXPECT_FALSE(read(nullptr)) << "no older block given";
  const wire::FieldPrediction otherSpan{b2.data(), b2Bits, 2, 1};
  EXPECT_FALSE(read(&otherSpan)) << "the older block of another span";
  const std::vector<uint8_t> garbage(4, 0xFF);
  const wire::FieldPrediction badOlder{garbage.data(), 3, 3, 1};
  EXPECT_FALSE(read(&badOlder)) << "an older block that does not fit the layout";
  // A span past the limit is refused on both sides.
  const wire::FieldPrediction tooFar{b2.data(), b2Bits, wire::kMaxPredictionSpan + 1, 1};
  WriteStream refused;
  EXPECT_FALSE(wire::writeFieldDelta(refused, layout, b1.data(), b1Bits, cur.data(), curBits, &tooFar));
  WriteStream forged; // [01][span - 2 = 63: Exp-Golomb order 0]
  uint32_t zero = 0, one = 1;
  forged.serializeBits(zero, 1);
  forged.serializeBits(one, 1);
  for (int i = 0; i < 6; ++i) forged.serializeBits(zero, 1); // 63 + 1 = 1000000b: six zeros,
  forged.serializeBits(one, 1);                               // the leading one,
  forged.serializeBits(zero, 6);                              // six more bits
  static_assert(wire::kMaxPredictionSpan == 64, "the forged code is span 65");
  uint32_t span = 0;
  EXPECT_FALSE(wire::peekPredictionSpan(forged.buffer().data(), forged.bits(), span));
}

TEST(FieldPrediction, TheReceiverRebuildsAcrossTheSequenceWrapAndRefusesWhenANamedBlockIsGone) {
  RigidQuantization q;
  const FieldLayout layout = rigidStateLayout(q);
  const EntityId id{7};
  size_t b2Bits = 0, b1Bits = 0, curBits = 0;
  const auto b2 = rigidPayload(linear(0), q, b2Bits), b1 = rigidPayload(linear(2), q, b1Bits),
             cur = rigidPayload(linear(5), q, curBits);
  // B2 in packet 65534, B1 in 0 (span 2 across the wrap), the delta in packet 3 (age 3).
  const wire::FieldPrediction p{b2.data(), b2Bits, 2, 3};
  WriteStream d;
  ASSERT_TRUE(wire::writeFieldDelta(d, layout, b1.data(), b1Bits, cur.data(), curBits, &p));
  const auto deltaBits = static_cast<uint32_t>(d.bits());
  const std::vector<uint8_t> delta = d.take();

  auto fresh = [&] {
    BaselineStore store;
    store.store(id, 65533, static_cast<uint32_t>(b2Bits), b2); // older than B2: dropped after
    store.store(id, 65534, static_cast<uint32_t>(b2Bits), b2);
    store.store(id, 0, static_cast<uint32_t>(b1Bits), b1);
    return store;
  };
  BaselineStore store = fresh();
  WriteStream full;
  ASSERT_TRUE(store.rebuild(id, 3, 3, layout, delta.data(), deltaBits, full));
  ASSERT_EQ(full.bits(), curBits);
  EXPECT_TRUE(sameBits(full.take(), cur, curBits));
  EXPECT_NE(store.find(id, 65534), nullptr) << "B2 is kept: a later delta may name it again";
  EXPECT_NE(store.find(id, 0), nullptr);
  EXPECT_EQ(store.find(id, 65533), nullptr) << "older than B2: never named again";

  // B2 gone (evicted, or never received): refused, and nothing dropped.
  BaselineStore noOlder;
  noOlder.store(id, 0, static_cast<uint32_t>(b1Bits), b1);
  WriteStream none;
  EXPECT_FALSE(noOlder.rebuild(id, 3, 3, layout, delta.data(), deltaBits, none));
  EXPECT_NE(noOlder.find(id, 0), nullptr);
  // B1 gone: refused.
  BaselineStore noNewer = fresh();
  noNewer.forget(id);
  noNewer.store(id, 65534, static_cast<uint32_t>(b2Bits), b2);
  EXPECT_FALSE(noNewer.rebuild(id, 3, 3, layout, delta.data(), deltaBits, none));
  // The same payload named from another packet (another age) finds no B1 and is refused.
  BaselineStore moved = fresh();
  EXPECT_FALSE(moved.rebuild(id, 4, 3, layout, delta.data(), deltaBits, none));
  // A predicted delta never names the spawn baseline: it has no older block.
  BaselineStore spawn;
  spawn.storeSpawn(id, 0xFFFF, static_cast<uint32_t>(b1Bits), b1);
  EXPECT_FALSE(spawn.rebuild(id, 3, wire::kSpawnBaseline, layout, delta.data(), deltaBits, none));
}

// The sender names B1 and B2 only while the receiver holds both: over lossy packets,
// lost and delayed acks and the sequence wrap, every delta is rebuilt, exactly.
namespace {

/// How the link between a DeltaSender and its receiver misbehaves.
struct Link {
  uint32_t ackDelay = 1;    ///< ticks an ack takes
  uint32_t maxReorder = 0;  ///< a state packet takes 0..maxReorder ticks, so later ones may overtake it
  uint32_t lossOneIn = 5;   ///< one state packet in this many is lost (0: none)
  bool optimistic = false;  ///< DeltaSender::setOptimistic
  uint32_t pauseEvery = 0;  ///< every this many ticks the sender hears a needFull of an entity it never sent
};

struct LinkOutcome {
  size_t deltas = 0;     ///< delta blocks rebuilt
  size_t predicted = 0;  ///< of them predicted
  size_t mismatches = 0; ///< deltas whose named blocks the receiver did not hold
  size_t late = 0;       ///< deltas dropped as late (a newer block of the entity was taken in)
  size_t deltaBits = 0;  ///< payload bits of the deltas rebuilt
  uint64_t optimistic = 0; ///< deltas sent against an unacknowledged block (DeltaSender::optimisticDeltas)
};

/// A sender and a receiver over `link` for 1500 ticks: a fifth of the state packets
/// and a quarter of the acks lost, 12 bodies moving in straight lines with a hit now
/// and then, sequences across the wrap. The receiver does what NetManager does
/// (net_manager_receive.cpp): a block of a packet older than one already taken in for
/// that entity is late, neither applied nor kept; every other delta is rebuilt against
/// exactly the blocks it names (a failure is a mismatch), checked bit for bit against
/// what the sender packed, and kept.
LinkOutcome runLink(uint32_t seed, Link link) {
  RigidQuantization q;
  q.velocities = false;
  const FieldLayout layout = rigidStateLayout(q);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> unit(-1, 1);
  DeltaSender sender(0, DeltaSender::Framing::Chained);
  sender.setOptimistic(link.optimistic);
  BaselineStore store;
  std::vector<EntityId> needFull; // what the receiver asks for whole (in every ack until it comes)
  ReceiveHistory history;
  constexpr int kBodies = 12;
  std::vector<RigidState> bodies(kBodies);
  std::vector<Vec3> velocity(kBodies);
  for (int b = 0; b < kBodies; ++b) {
    bodies[static_cast<size_t>(b)] = linear(b);
    velocity[static_cast<size_t>(b)] = Vec3{unit(rng), 0, unit(rng)} * 0.03f;
  }
  struct InFlight {
    uint32_t due = 0;
    uint16_t sequence = 0;
    std::vector<wire::StateBlock> wire; ///< as sent
    std::vector<wire::StateBlock> raw;  ///< what the sender packed, to check against
  };
  std::vector<InFlight> packets;
  struct Ack {
    uint32_t due = 0;
    uint16_t ack = 0;
    uint32_t bits = 0;
    std::vector<EntityId> needFull;
  };
  std::deque<Ack> acks;
  LinkOutcome out;
  uint16_t sequence = 65000;
  for (uint32_t tick = 0; tick < 1500; ++tick, ++sequence) {
    std::vector<wire::StateBlock> blocks;
    for (int b = 0; b < kBodies; ++b) {
      const auto i = static_cast<size_t>(b);
      if (rng() % 50 == 0) velocity[i] = Vec3{unit(rng), unit(rng) * 0.2f, unit(rng)} * 0.03f; // a hit
      if (b % 4 != 3) bodies[i].position = bodies[i].position + velocity[i]; // every 4th rests
      size_t bits = 0;
      wire::StateBlock block;
      block.id = EntityId{static_cast<uint32_t>(b + 1)};
      block.payload = rigidPayload(bodies[i], q, bits);
      block.bits = static_cast<uint32_t>(bits);
      blocks.push_back(std::move(block));
    }
    const auto chosen = sender.select(blocks, [](EntityId) { return 1.0f; }, 100000, tick, sequence,
                                      [&](EntityId) { return &layout; });
    sender.recordSent(sequence, chosen, tick);
    if (link.pauseEvery && tick % link.pauseEvery == 0) sender.onNeedFull(EntityId{999});
    if (link.lossOneIn == 0 || rng() % link.lossOneIn != 0) { // a fifth of the packets lost (by default)
      InFlight p{tick + (link.maxReorder ? static_cast<uint32_t>(rng() % (link.maxReorder + 1)) : 0), sequence, {}, {}};
      for (const wire::StateBlock* w : chosen) {
        p.wire.push_back(*w);
        p.raw.push_back(blocks[w->id.value - 1]);
      }
      packets.push_back(std::move(p));
    }
    bool received = false;
    for (auto it = packets.begin(); it != packets.end();) {
      if (it->due > tick) {
        ++it;
        continue;
      }
      received = true;
      history.onReceived(it->sequence);
      for (size_t k = 0; k < it->wire.size(); ++k) {
        const wire::StateBlock& w = it->wire[k];
        const wire::StateBlock& raw = it->raw[k];
        if (store.hasNewer(w.id, it->sequence)) { // late: neither applied nor kept
          out.late += w.baselineAge != 0;
          continue;
        }
        std::vector<uint8_t> whole = w.payload;
        uint32_t wholeBits = w.bits;
        if (w.baselineAge != 0) {
          ++out.deltas;
          uint32_t span = 0;
          EXPECT_TRUE(wire::peekPredictionSpan(w.payload.data(), w.bits, span));
          out.predicted += span != 0;
          WriteStream full;
          if (!store.rebuild(w.id, it->sequence, w.baselineAge, layout, w.payload.data(), w.bits, full)) {
            ++out.mismatches;
            store.forget(w.id);
            if (std::find(needFull.begin(), needFull.end(), w.id) == needFull.end()) needFull.push_back(w.id);
            continue;
          }
          out.deltaBits += w.bits;
          wholeBits = static_cast<uint32_t>(full.bits());
          whole = full.take();
        }
        EXPECT_EQ(wholeBits, raw.bits);
        EXPECT_TRUE(sameBits(whole, raw.payload, raw.bits)) << "seed " << seed << " tick " << tick;
        store.store(w.id, it->sequence, wholeBits, whole);
        if (w.baselineAge == 0) std::erase(needFull, w.id);
      }
      it = packets.erase(it);
    }
    if (received && rng() % 4 != 0) // a quarter of the acks lost
      acks.push_back({tick + link.ackDelay, history.newest(), history.bits(), needFull});
    while (!acks.empty() && acks.front().due <= tick) {
      for (EntityId id : acks.front().needFull) sender.onNeedFull(id);
      sender.onAck(acks.front().ack, acks.front().bits);
      acks.pop_front();
    }
  }
  out.optimistic = sender.optimisticDeltas();
  return out;
}

} // namespace

TEST(FieldPrediction, SenderAndReceiverStayExactThroughLossDelayAndTheWrap) {
  for (const uint32_t seed : {1u, 2u, 3u}) {
    const LinkOutcome out = runLink(seed, Link{1 + seed * 2, 0});
    EXPECT_EQ(out.mismatches, 0u) << "seed " << seed;
    EXPECT_GT(out.deltas, 1000u) << "seed " << seed;
    EXPECT_GT(out.predicted, out.deltas / 4) << "seed " << seed << ": prediction is used";
  }
}

// Packets that overtake each other: the receiver takes a late packet's blocks in
// neither as state nor as baselines, yet acknowledges the packet. The sender must not
// name such a block as B2 of a prediction (it learns of the late packet's ack together
// with, or after, the newer one's), or every such delta is a mismatch repaired whole.
TEST(FieldPrediction, ReorderedPacketsNeverLeaveTheSenderNamingABlockTheReceiverDroppedAsLate) {
  for (const uint32_t seed : {1u, 2u, 3u}) {
    const LinkOutcome out = runLink(seed, Link{1 + seed, 3});
    EXPECT_GT(out.late, 0u) << "seed " << seed << ": packets did overtake each other";
    EXPECT_EQ(out.mismatches, 0u) << "seed " << seed;
    EXPECT_GT(out.deltas, 1000u) << "seed " << seed;
    EXPECT_GT(out.predicted, out.deltas / 5) << "seed " << seed << ": prediction is still used";
  }
}

// Optimistic baselines (DeltaSender::setOptimistic): with acks 12 ticks late and no
// packet lost, each delta is coded against the block sent just before it, every one is
// rebuilt exactly, and the deltas cost much less than against acknowledged blocks.
TEST(FieldPrediction, OptimisticDeltasSpanOneSendAndEveryOneIsRebuiltExactly) {
  for (const uint32_t seed : {1u, 2u, 3u}) {
    const LinkOutcome acked = runLink(seed, Link{12, 0, 0, false, 0});
    const LinkOutcome optimistic = runLink(seed, Link{12, 0, 0, true, 0});
    EXPECT_EQ(acked.mismatches, 0u) << "seed " << seed;
    EXPECT_EQ(optimistic.mismatches, 0u) << "seed " << seed;
    EXPECT_EQ(acked.optimistic, 0u) << "seed " << seed;
    EXPECT_GT(optimistic.optimistic, optimistic.deltas / 2) << "seed " << seed;
    EXPECT_GT(optimistic.deltas, 1000u) << "seed " << seed;
    std::printf("seed %u: %zu delta bits optimistic, %zu against acknowledged blocks\n", seed, optimistic.deltaBits,
                acked.deltaBits);
    EXPECT_LT(optimistic.deltaBits * 10, acked.deltaBits * 7) << "seed " << seed << ": " << optimistic.deltaBits
                                                              << " bits against " << acked.deltaBits;
  }
}

// While optimistic coding pauses (a needFull), the sender codes against acknowledged
// blocks again; an optimistic delta rebuilt since may have let the receiver drop the
// acknowledged one, so it must not be named: every pause would end in mismatches.
TEST(FieldPrediction, AfterAPauseTheSenderNeverNamesABlockAnOptimisticDeltaLetTheReceiverDrop) {
  for (const uint32_t seed : {1u, 2u, 3u}) {
    const LinkOutcome out = runLink(seed, Link{8, 0, 0, true, 150});
    EXPECT_EQ(out.mismatches, 0u) << "seed " << seed;
    EXPECT_GT(out.optimistic, 0u) << "seed " << seed;
    EXPECT_GT(out.deltas, 1000u) << "seed " << seed;
  }
}

// Over a lossy link an optimistic delta may name a block that never arrived: it is a
// mismatch, repaired whole (needFull); a delta is never rebuilt against anything but
// the very blocks it names (runLink checks every one bit for bit).
TEST(FieldPrediction, OptimisticDeltasOverALossyLinkAreRepairedAndNeverRebuiltWrong) {
  for (const uint32_t seed : {1u, 2u, 3u}) {
    const LinkOutcome out = runLink(seed, Link{6, 0, 20, true, 0});
    EXPECT_GT(out.mismatches, 0u) << "seed " << seed << ": a lost baseline costs a repair";
    EXPECT_GT(out.optimistic, 0u) << "seed " << seed;
    EXPECT_GT(out.deltas, 1000u) << "seed " << seed;
  }
}

// The spawn baseline is gone from the receiver once a delta against a packet reached
// it. An optimistic delta names a packet before any is acknowledged; if optimistic
// coding then pauses, the next block must not fall back to the spawn.
TEST(FieldPrediction, AfterAnOptimisticDeltaThePausedSenderNeverNamesTheSpawnBaseline) {
  RigidQuantization q;
  q.velocities = false;
  const FieldLayout layout = rigidStateLayout(q);
  DeltaSender sender(0, DeltaSender::Framing::Chained);
  sender.setOptimistic(true);
  const EntityId id{1};
  auto blockAt = [&](int t) {
    size_t bits = 0;
    wire::StateBlock b;
    b.id = id;
    b.payload = rigidPayload(linear(t), q, bits);
    b.bits = static_cast<uint32_t>(bits);
    return std::vector<wire::StateBlock>{b};
  };
  size_t spawnBits = 0;
  DeltaSender::SpawnBaselineRef spawn{0, rigidPayload(linear(0), q, spawnBits)};
  spawn.bits = static_cast<uint32_t>(spawnBits);
  sender.setSpawnBaseline(id, spawn, 0xFFFF, 0, 0);
  auto send = [&](uint16_t sequence) {
    const auto blocks = blockAt(sequence + 1);
    const auto chosen = sender.select(blocks, [](EntityId) { return 1.0f; }, 100000, sequence, sequence,
                                      [&](EntityId) { return &layout; });
    EXPECT_EQ(chosen.size(), 1u);
    const uint16_t age = chosen.empty() ? 0 : chosen[0]->baselineAge;
    sender.recordSent(sequence, chosen, sequence);
    return age;
  };
  EXPECT_EQ(send(0), wire::kSpawnBaseline) << "nothing sent before: coded against the spawn";
  EXPECT_EQ(send(1), 1) << "against packet 0, not yet acknowledged";
  sender.onNeedFull(EntityId{999}); // another entity's repair pauses optimistic coding
  EXPECT_EQ(send(2), 0) << "no acknowledged block, and the receiver dropped the spawn's: whole";
}

// A needFull pauses optimistic coding; the rest of the same loss's needFulls do not
// stretch the pause, the next loss doubles it, and sends without loss halve it again.
TEST(FieldPrediction, OptimisticPausesGrowWithEachLossAndShrinkWithoutOne) {
  DeltaSender sender(0, DeltaSender::Framing::Chained);
  sender.setOptimistic(true);
  auto sendEmpty = [&, sequence = uint16_t{0}]() mutable { sender.recordSent(sequence++, {}, 0); };
  auto pausedFor = [&] {
    uint64_t n = 0;
    while (sender.optimisticPaused() && n < 100000) {
      sendEmpty();
      ++n;
    }
    return n;
  };
  EXPECT_FALSE(sender.optimisticPaused());
  sender.onNeedFull(EntityId{1});
  sendEmpty();
  sender.onNeedFull(EntityId{2}); // the same loss's other entity
  EXPECT_EQ(pausedFor() + 1, DeltaSender::kOptimisticPause);
  sender.onNeedFull(EntityId{3}); // the next loss
  EXPECT_EQ(pausedFor(), 2 * DeltaSender::kOptimisticPause);
  for (uint64_t i = 0; i < DeltaSender::kOptimisticCleanSends; ++i) sendEmpty(); // no loss for a while
  sender.onNeedFull(EntityId{4});
  EXPECT_EQ(pausedFor(), 2 * DeltaSender::kOptimisticPause) << "4x, halved once";
  DeltaSender plain(0, DeltaSender::Framing::Chained);
  plain.onNeedFull(EntityId{1});
  EXPECT_FALSE(plain.optimisticPaused()) << "without the option nothing pauses";
}
