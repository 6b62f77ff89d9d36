#pragma once
// Grenades: thrown by a player (spawned on the thrower's client, under its authority,
// with no round trip), bounce under Bullet, and explode when the fuse runs out on
// their authority. A RigidBodyController: the body's state plus the fuse, a declared
// field (grenadeSchema), on the wire.
// The explosion is an event every peer handles exactly once: each
// peer shows it, and pushes away the entities it is itself authority for (the server
// its crates, each client its own player), so the result converges through state.

#include "ferrum/entity_group.h"
#include "ferrum/rigid_body_controller.h"
#include "game/crate_controller.h"

namespace game {

constexpr float kGrenadeRadius = 0.12f;
constexpr float kBlastRadius = 5.0f;     ///< m
constexpr float kBlastImpulse = 60.0f;   ///< N·s at the centre, falling to 0 at the edge
constexpr uint32_t kDefaultFuseTicks = 120; ///< 2 s at 60 Hz
constexpr float kThrowReach = 3.0f;      ///< a grenade must appear this close to its thrower
constexpr float kMaxThrowSpeed = 25.0f;  ///< m/s
constexpr float kMaxThrowSpin = 50.0f;   ///< rad/s: a hand cannot spin it faster
constexpr float kMaxGrenadeClaimSpeed = 40.0f; ///< m/s the server accepts from a grenade's owner
constexpr uint32_t kMaxFuseTicks = 600;        ///< 10 s at 60 Hz: the longest fuse a grenade may have

/// A grenade's state: the pose at crate precision, then the fuse in ticks.
struct GrenadeSchema {
  ferrum::StateSchema schema{crateQuantization()};
  /// Burns one a tick on the authority: about 2 between two sends, a few between
  /// acknowledged states.
  ferrum::IntField fuse = schema.addInt("fuse", 0, static_cast<int32_t>(kMaxFuseTicks), 4);
};
const GrenadeSchema& grenadeSchema();

class GrenadeController final : public ferrum::RigidBodyController {
public:
  explicit GrenadeController(uint32_t fuseTicks);

  void onEvent(const ferrum::ReadStream& data, ferrum::Effects& effects) override;

  /// Ticks left: the authority's count, elsewhere the newest block's.
  uint32_t fuseTicks() const { return static_cast<uint32_t>(value(grenadeSchema().fuse)); }

protected:
  /// On the authority: burn the fuse, explode at 0.
  void onStateApplied(const ferrum::RigidState* received, ferrum::Effects& effects) override;

private:
  void explode();

  bool m_exploded = false;
  bool m_despawnRequested = false;
};

/// Grenade type: variant = fuse length in ticks. Clients may spawn it; when the
/// thrower leaves, the server takes it over and finishes the fuse.
ferrum::EntityType grenadeType();

} // namespace game
