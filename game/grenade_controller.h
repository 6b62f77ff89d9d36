#pragma once
// Grenades: thrown by a player (spawned on the thrower's client, under its authority,
// with no round trip), bounce under Bullet, and explode when the fuse runs out on
// their authority. A RigidBodyController: the body's state plus the fuse on the wire.
// The explosion is an event every peer handles exactly once: each
// peer shows it, and pushes away the entities it is itself authority for (the server
// its crates, each client its own player), so the result converges through state.

#include "ferrum/entity_group.h"
#include "ferrum/rigid_body_controller.h"

namespace game {

constexpr float kGrenadeRadius = 0.12f;
constexpr float kBlastRadius = 5.0f;     ///< m
constexpr float kBlastImpulse = 60.0f;   ///< N·s at the centre, falling to 0 at the edge
constexpr uint32_t kDefaultFuseTicks = 120; ///< 2 s at 60 Hz
constexpr float kThrowReach = 3.0f;      ///< a grenade must appear this close to its thrower
constexpr float kMaxThrowSpeed = 25.0f;  ///< m/s
constexpr float kMaxThrowSpin = 50.0f;   ///< rad/s: a hand cannot spin it faster
constexpr float kMaxGrenadeClaimSpeed = 40.0f; ///< m/s the server accepts from a grenade's owner

class GrenadeController final : public ferrum::RigidBodyController {
public:
  explicit GrenadeController(uint32_t fuseTicks);

  void onEvent(const ferrum::ReadStream& data, ferrum::Effects& effects) override;

  uint32_t fuseTicks() const { return m_fuseTicks; }

protected:
  /// The fuse, after the body's state.
  void serializeExtra(ferrum::WriteStream& out) const override;
  bool readExtra(ferrum::ReadStream& in) override;
  /// Elsewhere: take the authority's fuse. On the authority: burn it, explode at 0.
  void onStateApplied(const ferrum::RigidState* received, ferrum::Effects& effects) override;

private:
  void explode();

  uint32_t m_fuseTicks;
  uint32_t m_receivedFuse = 0; ///< the fuse in the block just read
  bool m_exploded = false;
  bool m_despawnRequested = false;
};

/// Grenade type: variant = fuse length in ticks. Clients may spawn it; when the
/// thrower leaves, the server takes it over and finishes the fuse.
ferrum::EntityType grenadeType();

} // namespace game
