// A complete custom controller: a bouncing ball. Compiled and exercised by
// tests/unit/controller_example_test.cpp, so this example stays true.
#pragma once

#include <ferrum/entity.h>
#include <ferrum/entity_group.h>
#include <ferrum/rigid_body_controller.h>

namespace example {

// The library's rigid-body controller sends the ball's state, applies it on every
// peer and shows it smoothly where another peer simulates it (the type's view mode:
// interpolate by default). The game adds only what is its own: here, a sound.
class BallController final : public ferrum::RigidBodyController {
public:
  BallController() : RigidBodyController(precision()) {}

protected:
  // Every peer, the authority included (it reads back its own packet), once per
  // tick; `received` is the state just read, nullptr on a tick without news.
  void onStateApplied(const ferrum::RigidState* received, ferrum::Effects& effects) override {
    if (!received) return;
    // A client-side effect: every peer hears the bounce.
    if (m_lastVy < -1.0f && received->linearVelocity.y > 0.5f)
      effects.emit({ferrum::EffectKind::Sound, received->position, 0.5f, entity().id()});
    m_lastVy = received->linearVelocity.y;
  }
  // A game's own fields would go after the state: override serializeExtra (write,
  // const) and readExtra (read; return false if malformed, keep nothing then).

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
