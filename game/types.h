#pragma once
// The demo game's entity types. Every peer registers the same ids.

#include "ferrum/ids.h"

namespace game {

constexpr ferrum::EntityTypeId kCrateType = 1;
constexpr ferrum::EntityTypeId kPlayerType = 2;
constexpr ferrum::EntityTypeId kGrenadeType = 3;
// The cube scenario (game/cubes_scenario.h).
constexpr ferrum::EntityTypeId kCubeType = 10;
constexpr ferrum::EntityTypeId kRollerType = 11;

} // namespace game
