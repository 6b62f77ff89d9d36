#pragma once
/// An Entity: a rigid body, a visual, an id, a type, an authority peer, and exactly
/// one Controller. Entities are made and destroyed only by EntityGroup.

#include <memory>
#include <optional>

#include "ferrum/controller.h"
#include "ferrum/ids.h"
#include "ferrum/physics_world.h"
#include "ferrum/visual.h"

namespace ferrum {

class Entity {
public:
  EntityId id() const { return m_id; }
  EntityTypeId type() const { return m_type; }
  /// The peer that simulates this entity and sends its state.
  PeerId authority() const { return m_authority; }
  const Visual& visual() const { return m_visual; }
  Body& body() { return m_body; }
  const Body& body() const { return m_body; }
  /// Where to draw it: the body plus a fading correction offset (see RemoteView).
  Transform displayTransform() const {
    Transform t = m_body.transform();
    t.position = t.position + m_displayOffset;
    return t;
  }
  void setDisplayOffset(Vec3 offset) { m_displayOffset = offset; }
  /// The server time (s) displayTransform() shows when that is not the present (an
  /// interpolating view shows the past); unset: the present.
  std::optional<double> displayTime() const { return m_displayTime; }
  void setDisplayTime(std::optional<double> serverTime) { m_displayTime = serverTime; }
  /// On a peer that does not simulate it: the newest pose its authority sent (what a
  /// viewer draws as a "ghost" to show the remote view's work); unset elsewhere.
  std::optional<Transform> receivedTransform() const { return m_received; }
  void setReceivedTransform(std::optional<Transform> pose) { m_received = pose; }
  Controller& controller() { return *m_controller; }
  const Controller& controller() const { return *m_controller; }

  Entity(const Entity&) = delete;
  Entity& operator=(const Entity&) = delete;

private:
  friend class EntityGroup;
  /// Requires a controller: an Entity cannot exist without one.
  Entity(EntityId id, EntityTypeId type, PeerId authority, Body body, Visual visual,
         std::unique_ptr<Controller> controller);

  EntityId m_id;
  EntityTypeId m_type;
  PeerId m_authority;
  Body m_body;
  Visual m_visual;
  std::unique_ptr<Controller> m_controller;
  Vec3 m_displayOffset;
  std::optional<double> m_displayTime;
  std::optional<Transform> m_received;
  uint32_t m_variant = 0; ///< SpawnState::variant as spawned (EntityGroup::spawnStateOf)
};

} // namespace ferrum
