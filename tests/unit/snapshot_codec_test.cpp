#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "ferrum/snapshot_codec.h"

using namespace ferrum;
using namespace ferrum::snapshot;

namespace {

/// A world of `n` objects doing a bounded random walk, with some flying and
/// spinning hard enough to cross "largest component" boundaries.
class RandomWorld {
public:
  RandomWorld(size_t n, unsigned seed) : m_rng(seed), m_states(n) {
    std::uniform_int_distribution<int32_t> xy(-20000, 20000), z(0, 2000);
    for (CubeState& s : m_states) {
      s = quantizeCube({{0, 0, 0}, randomQuat()}, false);
      s.x = xy(m_rng);
      s.y = xy(m_rng);
      s.z = z(m_rng);
    }
  }
  const std::vector<CubeState>& step(double movingShare) {
    std::uniform_real_distribution<double> u(0, 1);
    std::uniform_int_distribution<int32_t> small(-40, 40), big(-3000, 3000);
    for (CubeState& s : m_states) {
      if (u(m_rng) >= movingShare) continue;
      const bool far = u(m_rng) < 0.1;
      s.x = std::clamp(s.x + (far ? big(m_rng) : small(m_rng)), kPosXYMin, kPosXYMax);
      s.y = std::clamp(s.y + (far ? big(m_rng) : small(m_rng)), kPosXYMin, kPosXYMax);
      s.z = std::clamp(s.z + (far ? big(m_rng) : small(m_rng)), kPosZMin, kPosZMax);
      const Transform t = dequantizeCube(s);
      Quat q = t.orientation;
      if (far) q = randomQuat();
      else q = {q.x + 0.05f * float(small(m_rng)) / 40, q.y, q.z + 0.05f * float(small(m_rng)) / 40, q.w};
      const bool interacting = u(m_rng) < 0.2 ? !s.interacting : s.interacting;
      const CubeState o = quantizeCube({{}, q}, interacting);
      s.largest = o.largest;
      s.a = o.a;
      s.b = o.b;
      s.c = o.c;
      s.interacting = o.interacting;
    }
    return m_states;
  }

private:
  Quat randomQuat() {
    std::normal_distribution<float> d;
    return {d(m_rng), d(m_rng), d(m_rng), d(m_rng)};
  }
  std::mt19937 m_rng;
  std::vector<CubeState> m_states;
};

bool sameSnapshot(const Snapshot& a, const Snapshot& b) { return a.objects == b.objects && a.known == b.known; }

} // namespace

TEST(SnapshotCodec, QuantizeIsStableOnTheGrid) {
  RandomWorld world(300, 1);
  for (const CubeState& s : world.step(1.0)) {
    EXPECT_TRUE(isValid(s));
    EXPECT_EQ(quantizeCube(dequantizeCube(s), s.interacting), s);
  }
}

TEST(SnapshotCodec, RoundTripIsExactWithDelayedAcks) {
  SnapshotConfig config;
  config.maxPacketBytes = 60000; // everything fits: exactness of the delta paths alone
  SnapshotSender sender(config);
  SnapshotReceiver receiver(config);
  RandomWorld world(400, 2);
  std::vector<uint16_t> pending;
  for (int frame = 0; frame < 120; ++frame) {
    const std::vector<CubeState>& states = world.step(0.15);
    EncodeInfo info;
    const std::vector<uint8_t> bytes = sender.encode(states, &info);
    ASSERT_FALSE(bytes.empty());
    const DecodeResult r = receiver.decode(bytes);
    ASSERT_EQ(r.status, DecodeStatus::Ok) << "frame " << frame;
    ASSERT_TRUE(sameSnapshot(*r.snapshot, *sender.sentSnapshot(info.sequence)));
    EXPECT_EQ(r.snapshot->objects, states) << "frame " << frame;
    EXPECT_EQ(info.sent, info.candidates);
    if (frame > 4) { // the first ack arrives with the fifth packet
      EXPECT_TRUE(info.baseline.has_value());
    }
    pending.push_back(info.sequence);
    if (pending.size() > 4) { // ack arrives 4 packets later
      sender.onAck(pending.front());
      pending.erase(pending.begin());
    }
  }
}

TEST(SnapshotCodec, EveryTruncationIsRejected) {
  SnapshotConfig config;
  SnapshotSender sender(config);
  SnapshotReceiver receiver(config);
  RandomWorld world(200, 3);
  receiver.decode(sender.encode(world.step(1.0)));
  sender.onAck(0);
  const std::vector<uint8_t> bytes = sender.encode(world.step(0.3));
  ASSERT_GT(bytes.size(), 20u);
  for (size_t len = 0; len < bytes.size(); ++len) {
    SnapshotReceiver copy = receiver;
    const DecodeResult r = copy.decode(std::span(bytes.data(), len));
    EXPECT_EQ(r.status, DecodeStatus::Malformed) << "prefix " << len;
    EXPECT_EQ(copy.ackSequence(), receiver.ackSequence());
  }
  EXPECT_EQ(receiver.decode(bytes).status, DecodeStatus::Ok);
}

TEST(SnapshotCodec, RandomBytesNeverCrashAndNeverYieldInvalidState) {
  SnapshotConfig config;
  SnapshotSender sender(config);
  SnapshotReceiver receiver(config);
  RandomWorld world(100, 4);
  for (int i = 0; i < 3; ++i) {
    receiver.decode(sender.encode(world.step(0.5)));
    sender.onAck(static_cast<uint16_t>(i));
  }
  std::mt19937 rng(5);
  std::map<DecodeStatus, int> seen;
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> junk(std::uniform_int_distribution<size_t>(0, 400)(rng));
    for (uint8_t& b : junk) b = static_cast<uint8_t>(rng());
    // Half of them start with a valid header, so the body parser gets exercised too.
    if (i % 2 && junk.size() > 3) {
      junk[0] = 3;
      junk[1] = 0;
      junk[2] = static_cast<uint8_t>((junk[2] & ~1u) | 1u);
    }
    SnapshotReceiver copy = receiver;
    const DecodeResult r = copy.decode(junk);
    ++seen[r.status];
    if (r.status != DecodeStatus::Ok) continue;
    for (size_t k = 0; k < r.snapshot->size(); ++k) {
      if (r.snapshot->has(k)) {
        ASSERT_TRUE(isValid(r.snapshot->objects[k]));
      }
    }
  }
  EXPECT_GT(seen[DecodeStatus::Malformed], 0);
}

TEST(SnapshotCodec, MissingBaselineIsDetectedAndRecovered) {
  SnapshotConfig config;
  SnapshotSender sender(config);
  SnapshotReceiver first(config), late(config);
  RandomWorld world(50, 6);
  ASSERT_EQ(first.decode(sender.encode(world.step(1.0))).status, DecodeStatus::Ok);
  sender.onAck(0);
  const std::vector<uint8_t> delta = sender.encode(world.step(0.5));
  // `late` never saw packet 0: it must refuse, not apply the delta to nothing.
  const DecodeResult r = late.decode(delta);
  EXPECT_EQ(r.status, DecodeStatus::MissingBaseline);
  EXPECT_FALSE(late.ackSequence().has_value());
  EXPECT_EQ(first.decode(delta).status, DecodeStatus::Ok);
  // Recovery: the sender forgets its baselines and sends full state.
  sender.resetBaselines();
  const std::vector<CubeState> states = world.step(0.5);
  EncodeInfo info;
  const DecodeResult full = late.decode(sender.encode(states, &info));
  ASSERT_EQ(full.status, DecodeStatus::Ok);
  EXPECT_FALSE(info.baseline.has_value());
  EXPECT_EQ(full.snapshot->objects, states);
  // Acks for packets never sent, or long gone, are ignored.
  sender.onAck(40000);
  EXPECT_EQ(late.decode(sender.encode(world.step(0.5))).status, DecodeStatus::Ok);
}

TEST(SnapshotCodec, ByteCapAndBandwidthBudgetAreRespected) {
  SnapshotConfig config;
  config.maxPacketBytes = 1200;
  config.budgetKbps = 96; // 200 bytes per packet at 60 Hz, far below what the world wants
  config.sendHz = 60;
  SnapshotSender sender(config);
  SnapshotReceiver receiver(config);
  RandomWorld world(600, 7);
  size_t total = 0;
  const int packets = 300;
  for (int i = 0; i < packets; ++i) {
    EncodeInfo info;
    const std::vector<uint8_t> bytes = sender.encode(world.step(0.3), &info);
    ASSERT_LE(bytes.size(), config.maxPacketBytes);
    total += bytes.size();
    if (bytes.empty()) continue;
    const DecodeResult r = receiver.decode(bytes);
    ASSERT_EQ(r.status, DecodeStatus::Ok);
    ASSERT_TRUE(sameSnapshot(*r.snapshot, *sender.sentSnapshot(info.sequence)));
    sender.onAck(info.sequence);
    // Over any prefix: what the rate allows plus one cap of burst.
    const double allowed = 96 * 125.0 / 60 * (i + 1) + static_cast<double>(config.maxPacketBytes);
    ASSERT_LE(static_cast<double>(total), allowed) << "packet " << i;
  }
  EXPECT_GT(static_cast<double>(total), 0.8 * 96 * 125.0 / 60 * packets); // and the budget is used
}

TEST(SnapshotCodec, PriorityStarvationIsBounded) {
  SnapshotConfig config;
  config.maxPacketBytes = 80; // room for a handful of objects per packet
  SnapshotSender sender(config);
  SnapshotReceiver receiver(config);
  // Object 0 is the player, 1..40 move every frame, 41 is resting but changed once.
  std::vector<CubeState> states(42);
  for (size_t i = 0; i < states.size(); ++i) states[i].x = static_cast<int32_t>(i) * 1000;
  std::vector<int> lastSent(states.size(), -1), worstGap(states.size(), 0);
  for (int frame = 0; frame < 400; ++frame) {
    for (size_t i = 0; i <= 40; ++i) states[i].x += 30;
    if (frame == 100) states[41].z += 3; // a tiny change on a resting object
    EncodeInfo info;
    const std::vector<uint8_t> bytes = sender.encode(states, &info);
    ASSERT_LE(bytes.size(), config.maxPacketBytes);
    const DecodeResult r = receiver.decode(bytes);
    ASSERT_EQ(r.status, DecodeStatus::Ok);
    sender.onAck(info.sequence);
    for (size_t i = 0; i < states.size(); ++i) {
      if (r.snapshot->has(i) && r.snapshot->objects[i] == states[i]) {
        if (lastSent[i] >= 0) worstGap[i] = std::max(worstGap[i], frame - lastSent[i]);
        lastSent[i] = frame;
      }
    }
  }
  EXPECT_EQ(worstGap[0], 1) << "the player goes out every packet";
  for (size_t i = 1; i <= 40; ++i) EXPECT_LE(worstGap[i], 30) << "moving object " << i;
  EXPECT_GE(lastSent[41], 100);
  EXPECT_LE(worstGap[41], 150) << "the resting object got through";
}
