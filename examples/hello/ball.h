// The hello-world game's one entity type: a ball. Whoever spawns a ball simulates it
// (the server its own, each client its own); every other peer sees it through the
// library's remote view, and every peer hears it bounce.
#pragma once

#include <ferrum/controller.h>
#include <ferrum/entity.h>
#include <ferrum/entity_group.h>
#include <ferrum/host.h>
#include <ferrum/rigid_state.h>

namespace hello {

constexpr ferrum::EntityTypeId kBallType = 1;

class BallController final : public ferrum::Controller {
public:
  void serverUpdate(ferrum::WriteStream& out) const override {
    ferrum::RigidState state = ferrum::captureRigidState(entity().body());
    ferrum::serializeRigidState(out, state, ferrum::RigidQuantization{});
  }
  bool clientUpdate(const ferrum::ReadStream* data, ferrum::Effects& effects) override {
    if (!data) return isLocalAuthority() || showThroughView(m_view, false); // no news: the view moves it on
    ferrum::ReadStream in = *data;
    ferrum::RigidState state;
    if (!ferrum::serializeRigidState(in, state, ferrum::RigidQuantization{})) return false; // malformed: ignore
    if (!isLocalAuthority()) {
      pushToView(m_view, state);
      showThroughView(m_view, true);
    }
    if (m_lastVy < -1.0f && state.linearVelocity.y > 0.5f) // a bounce, heard on every peer
      effects.emit({ferrum::EffectKind::Sound, state.position, 0.5f, entity().id()});
    m_lastVy = state.linearVelocity.y;
    return true;
  }
  ferrum::RemoteView* remoteView() override { return &m_view; }

private:
  ferrum::RemoteView m_view;
  float m_lastVy = 0;
};

inline ferrum::EntityType ballType() {
  ferrum::EntityType type;
  type.name = "ball";
  type.clientMaySpawn = true;
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

/// Every peer: the same types and the same floor.
inline ferrum::HostDef gameDef(ferrum::Role role) {
  ferrum::HostDef def;
  def.net.role = role;
  def.types.add(kBallType, ballType());
  def.buildWorld = [](ferrum::PhysicsWorld& world) {
    ferrum::BodyDesc floor;
    floor.size = {20, 0.5f, 20};
    floor.transform.position = {0, -0.5f, 0};
    world.addStatic(floor);
  };
  return def;
}

} // namespace hello
