// The hello-world game's one entity type: a ball. Whoever spawns a ball simulates it
// (the server its own, each client its own); every other peer sees it through the
// library's remote view, and every peer hears it bounce.
#pragma once

#include <ferrum/entity.h>
#include <ferrum/host.h>
#include <ferrum/rigid_body_controller.h>

namespace hello {

constexpr ferrum::EntityTypeId kBallType = 1;

// The precision the ball's state travels at: 1/512 m positions, 11-bit orientation.
inline const ferrum::RigidQuantization& ballPrecision() {
  static const ferrum::RigidQuantization q{};
  return q;
}

// The library's rigid-body controller sends the ball's state, applies it on every peer
// and shows it smoothly (interpolated) where another peer simulates it. The game adds
// what is its own: a bounce sound.
class BallController final : public ferrum::RigidBodyController {
public:
  BallController() : RigidBodyController(ballPrecision()) {}

protected:
  // Every peer, once per tick; `received` is the state just read, nullptr if none came.
  void onStateApplied(const ferrum::RigidState* received, ferrum::Effects& effects) override {
    if (!received) return;
    if (m_lastVy < -1.0f && received->linearVelocity.y > 0.5f)
      effects.emit({ferrum::EffectKind::Sound, received->position, 0.5f, entity().id()});
    m_lastVy = received->linearVelocity.y;
  }
  // A game's own fields would go after the state: override serializeExtra / readExtra.

private:
  float m_lastVy = 0;
};

inline ferrum::EntityType ballType() {
  ferrum::EntityType type;
  type.name = "ball";
  type.clientMaySpawn = true; // the server checks a client's ball, then forwards it
  type.statePrecision = &ballPrecision(); // spawns travel at the blocks' precision too
  type.onOwnerLeave = ferrum::OwnerLeavePolicy::HandToServer;
  type.build = [](const ferrum::SpawnState&) {
    ferrum::EntityParts parts;
    parts.body.shape = ferrum::Shape::Sphere;
    parts.body.size = {0.25f, 0, 0};
    parts.body.restitution = 0.8f;
    parts.visual = {ferrum::Shape::Sphere, {0.25f, 0, 0}, 0xFF8800FFu};
    parts.controller = std::make_unique<BallController>();
    return parts;
  };
  return type;
}

/// Every peer starts from this: the same type table and the same floor.
inline ferrum::HostDef gameDef(ferrum::Role role) {
  ferrum::HostDef def;
  def.net.role = role;
  def.types.add(kBallType, ballType());
  def.buildWorld = [](ferrum::PhysicsWorld& world) {
    ferrum::BodyDesc floor;
    floor.size = {20, 0.5f, 20};
    floor.transform.position = {0, -0.5f, 0};
    floor.restitution = 1.0f; // Bullet multiplies both restitutions: a lively floor
    world.addStatic(floor);
  };
  return def;
}

} // namespace hello
