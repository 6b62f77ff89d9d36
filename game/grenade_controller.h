#pragma once
// Grenades: thrown by a player (spawned on the thrower's client, under its authority,
// with no round trip), bounce under Bullet, and explode when the fuse runs out on
// their authority. The explosion is an event every peer handles exactly once: each
// peer shows it, and pushes away the entities it is itself authority for (the server
// its crates, each client its own player), so the result converges through state.

#include "ferrum/controller.h"
#include "ferrum/entity_group.h"
#include "ferrum/remote_view.h"

namespace game {

constexpr float kGrenadeRadius = 0.12f;
constexpr float kBlastRadius = 5.0f;     ///< m
constexpr float kBlastImpulse = 60.0f;   ///< N·s at the centre, falling to 0 at the edge
constexpr uint32_t kDefaultFuseTicks = 120; ///< 2 s at 60 Hz
constexpr float kThrowReach = 3.0f;      ///< a grenade must appear this close to its thrower
constexpr float kMaxThrowSpeed = 25.0f;  ///< m/s

class GrenadeController final : public ferrum::Controller {
public:
  explicit GrenadeController(uint32_t fuseTicks) : m_fuseTicks(fuseTicks) {}

  void serverUpdate(ferrum::WriteStream& out) const override;
  bool clientUpdate(const ferrum::ReadStream* data, ferrum::Effects& effects) override;
  ferrum::RemoteView* remoteView() override { return &m_view; }
  void onEvent(const ferrum::ReadStream& data, ferrum::Effects& effects) override;

  uint32_t fuseTicks() const { return m_fuseTicks; }

private:
  void explode();

  uint32_t m_fuseTicks;
  bool m_exploded = false;
  bool m_despawnRequested = false;
  ferrum::RemoteView m_view;
};

/// Grenade type: variant = fuse length in ticks. Clients may spawn it; when the
/// thrower leaves, the server takes it over and finishes the fuse.
ferrum::EntityType grenadeType();

} // namespace game
