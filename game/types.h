#pragma once
// The demo game's entity types. Every peer registers the same ids.

#include "ferrum/ids.h"

namespace game {

constexpr ferrum::EntityTypeId kCrateType = 1;
constexpr ferrum::EntityTypeId kPlayerType = 2;
constexpr ferrum::EntityTypeId kGrenadeType = 3;

} // namespace game
