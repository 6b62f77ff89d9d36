// Copies that rest cost nothing: an interpolated or extrapolated dynamic copy whose
// target stands still is put to sleep there, and left alone by the view and by local
// physics until news of motion arrives or something of our own pushes it. And the
// physics world keeps a sleeping body's bounds true, since the step no longer
// recomputes them.

#include <gtest/gtest.h>

#include <algorithm>

#include "ferrum/remote_view.h"

using namespace ferrum;

namespace {

constexpr float kTick = 1.0f / 60;

RigidState restingAt(Vec3 position) {
  RigidState s;
  s.position = position;
  s.atRest = true;
  return s;
}

/// A floor, a crate-sized copy resting on it, and the timeline its view is shown on.
struct Floor {
  PhysicsWorld physics; // with gravity: a copy left to local physics would settle on its own
  Body copy;
  RemoteView view;
  ViewTimeline timeline;
  ViewSettings settings;
  ViewStats stats;
  static constexpr float kHalf = 0.4f;
  Floor() {
    BodyDesc ground;
    ground.size = {50, 0.5f, 50};
    ground.transform.position = {0, -0.5f, 0};
    physics.addStatic(ground);
    BodyDesc d;
    d.size = {kHalf, kHalf, kHalf};
    d.mass = 25;
    d.transform.position = {0, kHalf, 0};
    copy = physics.createBody(d);
    timeline.interpolationDelay = 0.1;
  }
  /// One client tick: the view shows the copy, then physics steps.
  void tick(ViewMode mode, bool arrived = false) {
    timeline.serverNow += kTick;
    view.update(copy, ViewContext{timeline, settings, mode, kTick, stats}, arrived);
    physics.step(kTick);
  }
};

} // namespace

TEST(RestingCopy, IsPutToSleepExactlyWhereItsAuthoritySaysAndStaysThere) {
  for (ViewMode mode : {ViewMode::Interpolate, ViewMode::Extrapolate}) {
    Floor w;
    const Vec3 rest{1, Floor::kHalf, 2};
    w.timeline.serverNow = 1.0;
    w.view.push(1.0, restingAt(rest), w.timeline);
    w.tick(mode, true);
    for (int i = 0; i < 30; ++i) w.tick(mode);
    // Put back and woken every tick before: Bullet never got to count it as resting.
    EXPECT_TRUE(w.copy.atRest()) << viewModeName(mode);
    EXPECT_EQ(w.copy.position(), rest) << viewModeName(mode) << ": gravity must not have moved it";
  }
}

TEST(RestingCopy, WakesAndMovesWhenNewsOfMotionArrives) {
  Floor w;
  const Vec3 rest{0, Floor::kHalf, 0};
  w.timeline.serverNow = 1.0;
  w.view.push(1.0, restingAt(rest), w.timeline);
  w.tick(ViewMode::Interpolate, true);
  for (int i = 0; i < 30; ++i) w.tick(ViewMode::Interpolate);
  ASSERT_TRUE(w.copy.atRest());
  // The authority pushes it along x at 3 m/s: two states, a send interval apart.
  RigidState moving = restingAt({0.1f, Floor::kHalf, 0});
  moving.atRest = false;
  moving.linearVelocity = {3, 0, 0};
  w.view.push(w.timeline.serverNow, moving, w.timeline);
  w.tick(ViewMode::Interpolate, true);
  moving.position.x = 0.2f;
  w.view.push(w.timeline.serverNow, moving, w.timeline);
  w.tick(ViewMode::Interpolate, true);
  float furthest = 0;
  for (int i = 0; i < 20; ++i) {
    w.tick(ViewMode::Interpolate);
    furthest = std::max(furthest, w.copy.position().x);
  }
  EXPECT_GT(furthest, 0.15f) << "the copy follows the news of motion";
}

TEST(RestingCopy, PushedByALocalBodyItIsPutBackAndToSleepAgain) {
  Floor w;
  const Vec3 rest{0, Floor::kHalf, 0};
  w.timeline.serverNow = 1.0;
  w.view.push(1.0, restingAt(rest), w.timeline);
  w.tick(ViewMode::Interpolate, true);
  for (int i = 0; i < 10; ++i) w.tick(ViewMode::Interpolate);
  ASSERT_TRUE(w.copy.atRest());
  // A body of our own (a local player, say) runs into it at 6 m/s.
  BodyDesc d;
  d.size = {0.3f, 0.3f, 0.3f};
  d.mass = 80;
  d.transform.position = {-1.5f, Floor::kHalf, 0};
  d.linearVelocity = {6, 0, 0};
  Body pusher = w.physics.createBody(d);
  bool woken = false;
  bool movedAfterAStep = false;
  for (int i = 0; i < 30; ++i) {
    w.tick(ViewMode::Interpolate);
    woken = woken || !w.copy.atRest();
    movedAfterAStep = movedAfterAStep || distance(w.copy.position(), rest) > 1e-3f;
  }
  EXPECT_TRUE(woken) << "Bullet wakes a sleeping copy that a local body hits";
  EXPECT_TRUE(movedAfterAStep) << "local physics pushes it for a step";
  EXPECT_LT(pusher.position().x, -0.3f) << "it pushed back: the pusher did not pass through";
  // The pusher is taken away: the view puts the copy back and it rests again.
  pusher = Body();
  for (int i = 0; i < 5; ++i) w.tick(ViewMode::Interpolate);
  EXPECT_EQ(w.copy.position(), rest);
  EXPECT_TRUE(w.copy.atRest());
}

// The world no longer recomputes a sleeping body's bounds each step: what moves one
// without waking it must. A ray finds it where it is, not where it was.
TEST(RestingCopy, ASleepingBodyMovedWithoutWakingIsFoundWhereItIs) {
  PhysicsWorld physics{PhysicsConfig{{0, 0, 0}, 1}};
  BodyDesc d;
  d.transform.position = {0, 0, 0};
  Body body = physics.createBody(d);
  physics.step(kTick);
  body.setTransform({{5, 0, 0}, {}});
  body.sleep();
  physics.step(kTick);
  Vec3 hit;
  ASSERT_TRUE(physics.raycast({5, 5, 0}, {5, -5, 0}, &hit)) << "put to sleep after a move";
  EXPECT_NEAR(hit.y, 0.5f, 1e-3f);
  body.snapTo({{5, 0, 3}, {}}, {}, {}); // asleep: stays asleep
  physics.step(kTick);
  ASSERT_TRUE(body.atRest());
  EXPECT_TRUE(physics.raycast({5, 5, 3}, {5, -5, 3}, &hit)) << "snapped while asleep";
  EXPECT_FALSE(physics.raycast({5, 5, 0}, {5, -5, 0}, &hit)) << "nothing left where it was";
}

// Copies their views place every tick do not collide with each other (whatever
// physics made of it would be undone next tick), but still with bodies of our own;
// unmarked again (raw, predict: physics carries copies there), they collide again.
TEST(RestingCopy, CopiesPlacedByTheirViewsPassThroughEachOtherButNotThroughOurs) {
  auto run = [](bool aPlaced, bool bPlaced) {
    PhysicsWorld physics{PhysicsConfig{{0, 0, 0}, 1}};
    BodyDesc d;
    d.transform.position = {-2, 0, 0};
    d.linearVelocity = {5, 0, 0};
    Body a = physics.createBody(d);
    d.transform.position = {2, 0, 0};
    d.linearVelocity = {-5, 0, 0};
    Body b = physics.createBody(d);
    a.setPlacedByView(aPlaced);
    b.setPlacedByView(bPlaced);
    for (int i = 0; i < 60; ++i) physics.step(kTick);
    return a.position().x; // passed through: far right; bounced: left
  };
  EXPECT_GT(run(true, true), 2.0f) << "two copies placed by their views";
  EXPECT_LT(run(true, false), 0.0f) << "a copy and a body of ours";
  EXPECT_LT(run(false, false), 0.0f);
  // The mark taken off again: they collide again.
  PhysicsWorld physics{PhysicsConfig{{0, 0, 0}, 1}};
  BodyDesc d;
  Body a = physics.createBody(d);
  d.transform.position = {0.5f, 0, 0}; // overlapping
  Body b = physics.createBody(d);
  a.setPlacedByView(true);
  b.setPlacedByView(true);
  physics.step(kTick);
  EXPECT_EQ(a.position().x, 0.0f) << "overlapping copies are not pushed apart";
  a.setPlacedByView(false);
  for (int i = 0; i < 10; ++i) physics.step(kTick);
  EXPECT_LT(a.position().x, -0.05f) << "unmarked, it is pushed out of the other";
}
