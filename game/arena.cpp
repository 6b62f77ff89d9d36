#include "game/arena.h"

namespace game {

namespace {
void buildFloorAndWalls(ferrum::PhysicsWorld& world, float halfSize) {
  using ferrum::BodyDesc;
  BodyDesc floor;
  floor.size = {halfSize + 1, 0.5f, halfSize + 1};
  floor.transform.position = {0, -0.5f, 0};
  floor.friction = 0.8f;
  world.addStatic(floor);

  const float t = 0.25f;
  const float h = kWallHeight / 2;
  const float edge = halfSize + t;
  for (int side = 0; side < 4; ++side) {
    BodyDesc wall;
    const bool alongX = side < 2;
    const float sign = side % 2 == 0 ? 1.0f : -1.0f;
    wall.size = alongX ? ferrum::Vec3{halfSize + 2 * t, h, t} : ferrum::Vec3{t, h, halfSize + 2 * t};
    wall.transform.position = alongX ? ferrum::Vec3{0, h, sign * edge} : ferrum::Vec3{sign * edge, h, 0};
    world.addStatic(wall);
  }
}
} // namespace

void buildArena(ferrum::PhysicsWorld& world) { buildFloorAndWalls(world, kArenaHalfSize); }
void buildLargeArena(ferrum::PhysicsWorld& world) { buildFloorAndWalls(world, kLargeArenaHalfSize); }

} // namespace game
