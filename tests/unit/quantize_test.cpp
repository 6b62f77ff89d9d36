#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "ferrum/quantize.h"
#include "ferrum/rigid_state.h"

using namespace ferrum;

TEST(Quantize, PositionRoundTripIsWithinHalfAStepAndClamped) {
  const QuantRange r{-64, 64, 1.0f / 512};
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> d(-64, 64);
  for (int i = 0; i < 1000; ++i) {
    float v = d(rng);
    WriteStream w;
    ASSERT_TRUE(serializeQuantized(w, v, r));
    EXPECT_EQ(static_cast<int>(w.bits()), bitsRequired(static_cast<uint64_t>(r.maxIndex())));
    ReadStream in(w.buffer().data(), w.bits());
    float out = 0;
    ASSERT_TRUE(serializeQuantized(in, out, r));
    EXPECT_NEAR(out, v, 0.5f / 512 + 1e-5f);
    EXPECT_EQ(out, r.snap(v));
  }
  float far = 1000;
  WriteStream w;
  serializeQuantized(w, far, r);
  ReadStream in(w.buffer().data(), w.bits());
  float out = 0;
  serializeQuantized(in, out, r);
  EXPECT_EQ(out, 64.0f);
}

TEST(Quantize, SmallestThreeQuaternionIsAccurateAndCanonical) {
  std::mt19937 rng(5);
  std::normal_distribution<float> n(0, 1);
  for (int i = 0; i < 1000; ++i) {
    Quat q = canonicalQuat({n(rng), n(rng), n(rng), n(rng)});
    const Quat once = snapQuat(q, 11);
    EXPECT_LT(angleBetween(q, once), 0.002f);
    // (acos loses precision near 0, so tiny differences are checked per component.)
    auto maxDiff = [](Quat a, Quat b) {
      return std::max({std::fabs(a.x - b.x), std::fabs(a.y - b.y), std::fabs(a.z - b.z), std::fabs(a.w - b.w)});
    };
    const Quat twice = snapQuat(once, 11);
    EXPECT_LT(maxDiff(once, twice), 1e-5f) << "re-quantizing must be stable";
    // q and -q are the same rotation and must encode alike.
    const Quat neg = snapQuat({-q.x, -q.y, -q.z, -q.w}, 11);
    EXPECT_LT(maxDiff(once, neg), 1e-6f);
  }
}

TEST(Quantize, RigidStateAtRestOmitsVelocities) {
  RigidQuantization q;
  RigidState moving{{1, 2, 3}, {}, {1, 0, 0}, {0, 1, 0}, false};
  RigidState resting = moving;
  resting.atRest = true;
  MeasureStream a, b;
  serializeRigidState(a, moving, q);
  serializeRigidState(b, resting, q);
  EXPECT_LT(b.bits(), a.bits());
  const RigidState decoded = quantizeRigidState(resting, q);
  EXPECT_EQ(decoded.linearVelocity, Vec3{});
  EXPECT_NEAR(decoded.position.y, 2.0f, 1.0f / 512);
}
