// RigidQuantization::quantizeAuthority: the authority puts its own body onto the
// state it sends (as receivers decode it), without waking a sleeping body or keeping
// an awake one from sleep; without the flag the body is left alone.

#include <gtest/gtest.h>

#include <cmath>

#include "ferrum/physics_world.h"
#include "ferrum/rigid_state.h"

using namespace ferrum;

namespace {

RigidQuantization quantizing() {
  RigidQuantization q;
  q.quantizeAuthority = true;
  return q;
}

struct Drop {
  PhysicsWorld world;
  Body box;
  Drop() {
    BodyDesc floor;
    floor.mass = 0;
    floor.size = {20, 0.5f, 20};
    floor.transform.position = {0, -0.5f, 0};
    world.addStatic(floor);
    BodyDesc desc;
    desc.size = {0.3f, 0.3f, 0.3f};
    desc.transform.position = {0.1234f, 2.0f, -0.4321f};
    const float n = std::sqrt(0.01f + 0.09f + 0.04f + 0.81f);
    desc.transform.orientation = Quat{0.1f / n, 0.3f / n, 0.2f / n, 0.9f / n};
    desc.linearVelocity = {0.7f, 0, -0.3f};
    desc.angularVelocity = {1.3f, -0.4f, 2.1f};
    box = world.createBody(desc);
  }
  /// One authority tick: send (quantize), apply what was sent, step.
  RigidState tick(const RigidQuantization& q) {
    const RigidState sent = quantizeRigidState(captureRigidState(box), q);
    applySentStateOnAuthority(box, sent, q);
    world.step(1.0f / 60);
    return sent;
  }
};

} // namespace

TEST(AuthorityQuantization, TheAuthoritySimulatesFromExactlyTheStateItSent) {
  Drop d;
  const RigidQuantization q = quantizing();
  for (int i = 0; i < 30; ++i) {
    const RigidState sent = quantizeRigidState(captureRigidState(d.box), q);
    ASSERT_FALSE(sent.atRest);
    applySentStateOnAuthority(d.box, sent, q);
    const RigidState now = captureRigidState(d.box);
    EXPECT_EQ(now.position, sent.position) << "tick " << i;
    EXPECT_EQ(now.linearVelocity, sent.linearVelocity) << "tick " << i;
    EXPECT_EQ(now.angularVelocity, sent.angularVelocity) << "tick " << i;
    EXPECT_LT(angleBetween(now.orientation, sent.orientation), 1e-3f) << "tick " << i; // Bullet keeps a matrix
    d.world.step(1.0f / 60);
  }
}

TEST(AuthorityQuantization, WithoutTheFlagTheBodyIsLeftAlone) {
  Drop d;
  const RigidQuantization q; // quantizeAuthority = false
  const RigidState before = captureRigidState(d.box);
  const RigidState sent = quantizeRigidState(before, q);
  ASSERT_NE(sent.position, before.position); // the rounding is real
  applySentStateOnAuthority(d.box, sent, q);
  const RigidState after = captureRigidState(d.box);
  EXPECT_EQ(after.position, before.position);
  EXPECT_EQ(after.linearVelocity, before.linearVelocity);
  EXPECT_EQ(after.angularVelocity, before.angularVelocity);
}

TEST(AuthorityQuantization, ARoundedBodyStillFallsAsleepAndStaysAsleep) {
  Drop d;
  const RigidQuantization q = quantizing();
  int ticks = 0;
  while (!d.box.atRest() && ticks < 60 * 20) { // bounded: 20 simulated seconds
    d.tick(q);
    ++ticks;
  }
  ASSERT_TRUE(d.box.atRest()) << "still awake after " << ticks << " ticks";
  const Vec3 restingAt = d.box.position();
  for (int i = 0; i < 120; ++i) {
    const RigidState sent = d.tick(q);
    EXPECT_TRUE(sent.atRest);
    EXPECT_TRUE(d.box.atRest()) << "woken by its own rounding at tick " << i;
  }
  EXPECT_EQ(d.box.position(), restingAt);
  // On the grid: what it sends is where it is.
  EXPECT_EQ(quantizeRigidState(captureRigidState(d.box), q).position, d.box.position());
}

TEST(AuthorityQuantization, OnlyThePoseIsRoundedWhenVelocitiesDoNotTravel) {
  Drop d;
  RigidQuantization q = quantizing();
  q.velocities = false;
  const RigidState before = captureRigidState(d.box);
  const RigidState sent = quantizeRigidState(before, q);
  applySentStateOnAuthority(d.box, sent, q);
  const RigidState after = captureRigidState(d.box);
  EXPECT_EQ(after.position, sent.position);
  EXPECT_EQ(after.linearVelocity, before.linearVelocity); // not zeroed
  EXPECT_EQ(after.angularVelocity, before.angularVelocity);
}
