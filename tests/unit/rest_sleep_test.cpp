// Bodies at rest in a big awake island sleep by themselves (PhysicsWorld's per-body
// sleep), and wake when something moving reaches them or what holds them up goes.
// Bullet alone sleeps a whole island at once: one crate kept moving at the end of a
// row of touching crates kept the whole row awake.

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include <btBulletDynamicsCommon.h>

#include "ferrum/physics_world.h"
#include "sim/rest_freezer.h"

using namespace ferrum;

namespace {

Body crateAt(PhysicsWorld& world, Vec3 at) {
  BodyDesc d;
  d.size = {0.5f, 0.5f, 0.5f};
  d.mass = 10;
  d.friction = 0.7f;
  d.transform.position = at;
  return world.createBody(d);
}

void addFloor(PhysicsWorld& world) {
  BodyDesc floor;
  floor.size = {50, 0.5f, 50};
  floor.transform.position = {0, -0.5f, 0};
  world.addStatic(floor);
}

void step(PhysicsWorld& world, int n) {
  for (int i = 0; i < n; ++i) world.step(1.0f / 60);
}

} // namespace

TEST(RestSleep, RestingBodiesSleepWhileAnotherInTheirIslandKeepsMoving) {
  PhysicsWorld world;
  addFloor(world);
  std::vector<Body> row;
  for (int i = 0; i < 20; ++i) row.push_back(crateAt(world, {static_cast<float>(i) * 1.02f, 0.5f, 0}));
  // The first crate slides to and fro along the row's side, its bounds always over
  // the second's (one island for Bullet, the whole row with it); the rest lies still.
  int asleep = 0;
  for (int tick = 0; tick < 300; ++tick) {
    row[0].setLinearVelocity({0, 0, (tick / 30) % 2 == 0 ? 1.0f : -1.0f});
    step(world, 1);
  }
  for (size_t i = 5; i < row.size(); ++i) asleep += row[i].atRest();
  EXPECT_EQ(asleep, 15) << "crates far from the moving one sleep";
  EXPECT_FALSE(row[0].atRest());
  for (size_t i = 5; i < row.size(); ++i) EXPECT_NEAR(row[i].position().x, static_cast<float>(i) * 1.02f, 0.05f);
}

TEST(RestSleep, ASleepingBodyIsKnockedAwayByOneThrownAtIt) {
  PhysicsWorld world;
  addFloor(world);
  Body crate = crateAt(world, {0, 0.5f, 0});
  step(world, 120);
  ASSERT_TRUE(crate.atRest());
  BodyDesc ball;
  ball.shape = Shape::Sphere;
  ball.size = {0.2f, 0.2f, 0.2f};
  ball.mass = 20;
  ball.transform.position = {-4, 0.5f, 0};
  ball.linearVelocity = {20, 0, 0};
  Body thrown = world.createBody(ball);
  step(world, 60);
  EXPECT_GT(crate.position().x, 0.5f) << "it was pushed, not hit like a wall";
  EXPECT_LT(thrown.position().x, 12.0f) << "the ball gave the crate some of its momentum";
}

TEST(RestSleep, ASleepingBodyFallsWhenWhatHoldsItUpIsRemoved) {
  PhysicsWorld world;
  addFloor(world);
  auto bottom = std::make_unique<Body>(crateAt(world, {0, 0.5f, 0}));
  Body top = crateAt(world, {0, 1.5f, 0});
  step(world, 180);
  ASSERT_TRUE(top.atRest());
  ASSERT_GT(top.position().y, 1.4f);
  bottom.reset();
  step(world, 60);
  EXPECT_LT(top.position().y, 0.6f) << "it fell to the floor";
  EXPECT_FLOAT_EQ(top.mass(), 10.0f);
}

TEST(RestSleep, ASleepingBodyKeepsItsMassAndMovesWhenPushed) {
  PhysicsWorld world;
  addFloor(world);
  Body crate = crateAt(world, {0, 0.5f, 0});
  step(world, 120);
  ASSERT_TRUE(crate.atRest());
  EXPECT_FLOAT_EQ(crate.mass(), 10.0f);
  crate.applyImpulse({50, 0, 0});
  step(world, 30);
  EXPECT_GT(crate.position().x, 0.3f);
}

// PhysicsWorld removes a body through thawNeighbours. The quiet time the freezer keeps
// per body (keyed by its address) must go with it even when nothing is frozen: left
// behind, it grew the map by one entry per removed body, and a new body given the same
// address started with the old one's quiet time and froze early.
TEST(RestSleep, ARemovedBodyLeavesNoQuietTimeBehindWhenNothingIsFrozen) {
  btDefaultCollisionConfiguration collision;
  btCollisionDispatcher dispatcher(&collision);
  btDbvtBroadphase broadphase;
  btSequentialImpulseConstraintSolver solver;
  btDiscreteDynamicsWorld world(&dispatcher, &broadphase, &solver, &collision);
  btBoxShape shape(btVector3(0.5f, 0.5f, 0.5f));
  btVector3 inertia(0, 0, 0);
  shape.calculateLocalInertia(10, inertia);
  btRigidBody body(10, nullptr, &shape, inertia);
  world.addRigidBody(&body);
  RestFreezer freezer(world);
  freezer.freezeQuiet(1.0f / 60); // still and awake: its quiet time starts
  ASSERT_EQ(freezer.quietCount(), 1u);
  ASSERT_EQ(freezer.frozenCount(), 0u);
  freezer.thawNeighbours(&body); // what PhysicsWorld::destroy does before removing it
  world.removeRigidBody(&body);
  EXPECT_EQ(freezer.quietCount(), 0u);
}
