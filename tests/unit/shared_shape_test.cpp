// Bodies share their collision shape with every body of the same kind and size
// (PhysicsWorld keeps one per kind and size, up to a limit): each body must still
// collide as its own size says, and lose nothing when another of its size goes.

#include <gtest/gtest.h>

#include <vector>

#include "ferrum/physics_world.h"

using namespace ferrum;

namespace {

// A floor whose top is at y = 0.
void addFloor(PhysicsWorld& world) {
  BodyDesc floor;
  floor.shape = Shape::Box;
  floor.size = {50, 0.5f, 50};
  floor.transform.position = {0, -0.5f, 0};
  world.addStatic(floor);
}

BodyDesc dropped(Shape shape, Vec3 size, float x, float z = 0) {
  BodyDesc d;
  d.shape = shape;
  d.size = size;
  d.transform.position = {x, 1.5f, z};
  return d;
}

void settle(PhysicsWorld& world) {
  for (int i = 0; i < 180; ++i) world.step(1.0f / 60);
}

} // namespace

TEST(SharedShape, ABodyKeepsItsShapeWhenAnotherOfItsSizeIsRemoved) {
  PhysicsWorld world;
  addFloor(world);
  Body first = world.createBody(dropped(Shape::Box, {0.5f, 0.5f, 0.5f}, 0));
  Body second = world.createBody(dropped(Shape::Box, {0.5f, 0.5f, 0.5f}, 3));
  Body ball = world.createBody(dropped(Shape::Sphere, {0.25f, 0, 0}, -3));
  first = Body{}; // removed: its shape must stay for the other box
  Body third = world.createBody(dropped(Shape::Box, {0.5f, 0.5f, 0.5f}, 6));
  settle(world);
  EXPECT_NEAR(second.position().y, 0.5f, 0.02f);
  EXPECT_NEAR(third.position().y, 0.5f, 0.02f);
  EXPECT_NEAR(ball.position().y, 0.25f, 0.02f);
}

TEST(SharedShape, EverySizeRestsAtItsOwnHeightPastTheSharedLimit) {
  PhysicsWorld world;
  addFloor(world);
  // More sizes than the world shares shapes for (64): the later ones get their own.
  std::vector<Body> boxes;
  for (int i = 0; i < 80; ++i) {
    const float half = 0.1f + 0.005f * static_cast<float>(i);
    const float x = 1.5f * static_cast<float>(i % 20 - 10);
    const float z = 3.0f * static_cast<float>(i / 20);
    boxes.push_back(world.createBody(dropped(Shape::Box, {half, half, half}, x, z)));
  }
  settle(world);
  for (int i = 0; i < 80; ++i) {
    const float half = 0.1f + 0.005f * static_cast<float>(i);
    EXPECT_NEAR(boxes[static_cast<size_t>(i)].position().y, half, 0.02f) << "box " << i;
  }
  boxes.clear(); // shared and own shapes alike are released (the ASan build checks)
  Body again = world.createBody(dropped(Shape::Box, {0.1f, 0.1f, 0.1f}, 0));
  settle(world);
  EXPECT_NEAR(again.position().y, 0.1f, 0.02f);
}

// A fixture that puts a world back as it was (the fuzz targets' shared world) drops the
// shapes its last use added: bodies built on the shapes it keeps are untouched, and the
// next body of a dropped size makes its shape again and rests as its size says.
TEST(SharedShape, ShapesDroppedAfterACountAreMadeAgainByTheNextBodyOfTheirSize) {
  PhysicsWorld world;
  addFloor(world);
  Body kept = world.createBody(dropped(Shape::Box, {0.5f, 0.5f, 0.5f}, 0));
  const size_t keep = world.sharedShapeCount();
  {
    Body box = world.createBody(dropped(Shape::Box, {0.3f, 0.3f, 0.3f}, 3));
    Body ball = world.createBody(dropped(Shape::Sphere, {0.25f, 0, 0}, -3));
    EXPECT_EQ(world.sharedShapeCount(), keep + 2);
  }
  EXPECT_EQ(world.sharedShapeCount(), keep + 2); // kept after their bodies went
  world.dropSharedShapesAfter(keep);
  EXPECT_EQ(world.sharedShapeCount(), keep);
  world.dropSharedShapesAfter(keep + 5); // more than there are: nothing to drop
  EXPECT_EQ(world.sharedShapeCount(), keep);

  Body box = world.createBody(dropped(Shape::Box, {0.3f, 0.3f, 0.3f}, 3));
  Body ball = world.createBody(dropped(Shape::Sphere, {0.25f, 0, 0}, -3));
  EXPECT_EQ(world.sharedShapeCount(), keep + 2);
  settle(world);
  EXPECT_NEAR(kept.position().y, 0.5f, 0.02f);
  EXPECT_NEAR(box.position().y, 0.3f, 0.02f);
  EXPECT_NEAR(ball.position().y, 0.25f, 0.02f);
}
