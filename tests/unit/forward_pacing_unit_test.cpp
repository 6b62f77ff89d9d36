// The forwarding fall-off's arithmetic (net/forward_pacing.h): k by distance, turns on
// multiples of k so that far entities' turns coincide, at most one send per turn, the
// newest block going on its turn; and NetConfig's validation of its two settings.

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>

#include "ferrum/net_config.h"
#include "net/forward_pacing.h"

using namespace ferrum;

TEST(ForwardFalloff, KIsAPowerOfTwoGrowingWithTheSquareOfTheDistanceUpToAboutOncePerSecond) {
  const ForwardFalloff f{5.0f, 3.5f};
  EXPECT_EQ(forwardEvery(0.0f, f, 30), 1u);
  EXPECT_EQ(forwardEvery(5.0f, f, 30), 1u);  // within the full-rate radius
  EXPECT_EQ(forwardEvery(5.1f, f, 30), 2u);  // (5.1 / 3.5)^2 = 2.1
  EXPECT_EQ(forwardEvery(7.5f, f, 30), 4u);  // 4.6
  EXPECT_EQ(forwardEvery(10.5f, f, 30), 8u); // 9.0
  EXPECT_EQ(forwardEvery(14.5f, f, 30), 16u);
  EXPECT_EQ(forwardEvery(19.9f, f, 30), 32u);
  // However far: the power of two nearest to one second of send periods.
  EXPECT_EQ(forwardEvery(1000.0f, f, 30), 32u);
  EXPECT_EQ(forwardEvery(1000.0f, f, 20), 16u);
  EXPECT_EQ(forwardEvery(1000.0f, f, 10), 8u);
  EXPECT_EQ(forwardEvery(1000.0f, f, 1), 1u);
  // Off, and a scale larger than the distance: every update.
  EXPECT_EQ(forwardEvery(1000.0f, ForwardFalloff{5.0f, 0.0f}, 30), 1u);
  EXPECT_EQ(forwardEvery(6.0f, ForwardFalloff{0.0f, 100.0f}, 30), 1u);
  for (float d = 0; d < 100; d += 0.7f) {
    const uint32_t k = forwardEvery(d, f, 30);
    EXPECT_EQ(k & (k - 1), 0u) << d;
    EXPECT_GE(k, forwardEvery(d - 0.7f, f, 30)) << "farther is never forwarded more often";
  }
}

TEST(ForwardFalloff, FarEntitiesTakeTheirTurnsTogetherAtMostOncePerTurn) {
  ForwardPacing pacing;
  const EntityId near = EntityId::make(1, 1), mid = EntityId::make(2, 1), far = EntityId::make(3, 1);
  std::vector<std::vector<EntityId>> released(64);
  size_t nearSent = 0;
  // Each owner sends once per beat; turns are released at the beat's start.
  for (uint64_t beat = 100; beat < 164; ++beat) {
    released[beat - 100] = pacing.takeDue(beat);
    nearSent += pacing.admit(near, beat, 1) ? 1 : 0;
    EXPECT_FALSE(pacing.admit(mid, beat, 4));
    EXPECT_FALSE(pacing.admit(far, beat, 16));
  }
  EXPECT_EQ(nearSent, 64u);
  size_t midTurns = 0, farTurns = 0;
  for (uint64_t i = 0; i < released.size(); ++i) {
    const auto& r = released[i];
    const bool hasMid = std::count(r.begin(), r.end(), mid) == 1, hasFar = std::count(r.begin(), r.end(), far) == 1;
    if (hasMid) {
      EXPECT_EQ((100 + i) % 4, 0u);
    }
    if (hasFar) {
      EXPECT_EQ((100 + i) % 16, 0u);
      EXPECT_TRUE(hasMid) << "a far entity's turn is also every nearer one's: one packet";
    }
    midTurns += hasMid ? 1 : 0;
    farTurns += hasFar ? 1 : 0;
    EXPECT_EQ(std::count(r.begin(), r.end(), near), 0) << "a near entity is never held";
  }
  EXPECT_GE(midTurns, 15u);
  EXPECT_LE(midTurns, 16u);
  EXPECT_GE(farTurns, 3u);
  EXPECT_LE(farTurns, 4u);
}

TEST(ForwardFalloff, AHeldBackBlockGoesOnTheNextTurnAndNothingGoesWithoutOne) {
  ForwardPacing pacing;
  const EntityId id = EntityId::make(1, 7);
  EXPECT_FALSE(pacing.admit(id, 33, 8)); // its first turn: beat 40
  EXPECT_EQ(pacing.waiting(), 1u);
  EXPECT_TRUE(pacing.takeDue(39).empty());
  EXPECT_EQ(pacing.takeDue(40), std::vector<EntityId>{id});
  EXPECT_TRUE(pacing.takeDue(40).empty()) << "once per turn";
  EXPECT_EQ(pacing.waiting(), 0u);
  // Nothing new by its next turn: forgotten; a later block waits for the turn after it.
  EXPECT_TRUE(pacing.takeDue(48).empty());
  EXPECT_TRUE(pacing.empty());
  EXPECT_FALSE(pacing.admit(id, 50, 8));
  EXPECT_TRUE(pacing.takeDue(55).empty());
  EXPECT_EQ(pacing.takeDue(57), std::vector<EntityId>{id}) << "a late pass still releases an overdue turn";
  // Coming near: every update again, nothing left waiting.
  EXPECT_FALSE(pacing.admit(id, 58, 8));
  EXPECT_TRUE(pacing.admit(id, 59, 1));
  EXPECT_TRUE(pacing.empty());
}

TEST(ForwardFalloff, NetConfigRefusesBadFallOffSettings) {
  NetConfig c;
  EXPECT_EQ(c.validate(), "");
  c.forwardFullRateMeters = -1;
  EXPECT_NE(c.validate().find("forwardFullRateMeters"), std::string::npos);
  c = NetConfig{};
  c.forwardFalloffMeters = std::numeric_limits<float>::quiet_NaN();
  EXPECT_NE(c.validate().find("forwardFalloffMeters"), std::string::npos);
  c.forwardFalloffMeters = std::numeric_limits<float>::infinity();
  EXPECT_NE(c.validate().find("forwardFalloffMeters"), std::string::npos);
  c.forwardFalloffMeters = 0;
  EXPECT_EQ(c.validate(), "");
}
