#pragma once
// The arena: a floor and four low walls, built identically (and statically) on every
// peer, so it never travels over the network.

#include "ferrum/physics_world.h"

namespace game {

constexpr float kArenaHalfSize = 20.0f; ///< the floor spans [-20, 20] m in x and z
constexpr float kWallHeight = 1.5f;

void buildArena(ferrum::PhysicsWorld& world);

} // namespace game
