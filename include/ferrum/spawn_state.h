#pragma once
/// SpawnState: the state an entity is created in. Plain data below every layer that
/// carries it (the spawn message on the wire, EntityGroup::spawn in the core).

#include <cstdint>

#include "ferrum/math.h"

namespace ferrum {

/// The state an entity is created in (sent in full in a spawn message, so a new
/// entity appears where it is, never sliding in from the origin).
struct SpawnState {
  Transform transform;
  Vec3 linearVelocity;
  Vec3 angularVelocity;
  uint32_t variant = 0; ///< type-specific: size, colour, owner's choice...
};

} // namespace ferrum
