#pragma once
// The arena: a floor and four low walls, built identically (and statically) on every
// peer, so it never travels over the network.

#include "ferrum/physics_world.h"

namespace game {

constexpr float kArenaHalfSize = 20.0f; ///< the floor spans [-20, 20] m in x and z
constexpr float kWallHeight = 1.5f;
/// The large arena (--scenario large): [-60, 60] m, within the range the crates'
/// and players' state blocks can code (x, z in ±64 m: docs/protocol.md).
constexpr float kLargeArenaHalfSize = 60.0f;

void buildArena(ferrum::PhysicsWorld& world);
/// The same floor and walls around [-kLargeArenaHalfSize, kLargeArenaHalfSize].
void buildLargeArena(ferrum::PhysicsWorld& world);

} // namespace game
