// A complete custom controller: a bouncing ball. Compiled and exercised by
// tests/unit/controller_example_test.cpp, so this example stays true.
#pragma once

#include <ferrum/entity.h>
#include <ferrum/entity_group.h>
#include <ferrum/rigid_state.h>

namespace example {

class BallController final : public ferrum::Controller {
public:
  // Authority only. Pack the state; never change the entity here.
  void serverUpdate(ferrum::WriteStream& out) const override {
    ferrum::RigidState state = ferrum::captureRigidState(entity().body());
    ferrum::serializeRigidState(out, state, precision());
  }

  // Every peer, the authority included (it reads back its own packet).
  bool clientUpdate(const ferrum::ReadStream* data, ferrum::Effects& effects) override {
    if (!data) return true; // no news this tick: let physics carry the ball on
    ferrum::ReadStream in = *data; // the block is read-only: read through a copy
    ferrum::RigidState state;
    if (!ferrum::serializeRigidState(in, state, precision())) return false; // malformed: change nothing
    if (!isLocalAuthority()) ferrum::applyRigidState(entity().body(), state);
    // A client-side effect: every peer hears the bounce.
    if (m_lastVy < -1.0f && state.linearVelocity.y > 0.5f)
      effects.emit({ferrum::EffectKind::Sound, state.position, 0.5f, entity().id()});
    m_lastVy = state.linearVelocity.y;
    return true;
  }

private:
  static const ferrum::RigidQuantization& precision() {
    static const ferrum::RigidQuantization q{}; // 1/512 m, 11-bit orientation
    return q;
  }
  float m_lastVy = 0;
};

// Register it on every peer under the same id; clients may throw balls too.
inline ferrum::EntityType ballType() {
  ferrum::EntityType type;
  type.name = "ball";
  type.clientMaySpawn = true;
  type.onOwnerLeave = ferrum::OwnerLeavePolicy::HandToServer;
  type.build = [](const ferrum::SpawnState&) {
    ferrum::EntityParts parts;
    parts.body.shape = ferrum::Shape::Sphere;
    parts.body.size = {0.25f, 0, 0};
    parts.body.mass = 1.0f;
    parts.body.restitution = 0.8f;
    parts.visual = {ferrum::Shape::Sphere, {0.25f, 0, 0}, 0xFF8800FFu};
    parts.controller = std::make_unique<BallController>();
    return parts;
  };
  return type;
}

} // namespace example
