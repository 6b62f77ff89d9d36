#pragma once
// A rigid type with declared gameplay fields, for the state schema's tests: a tank
// with health (0..100), heat (0..1 at 1/64) and a shield flag. Its authority's value
// changes come from the test (setHealth...), so a test knows what every peer should
// end up showing. `health` can be declared over another range to play a peer built
// from other code.

#include "ferrum/entity_group.h"
#include "ferrum/rigid_body_controller.h"

namespace testing_support {

constexpr ferrum::EntityTypeId kTankType = 5;

inline const ferrum::RigidQuantization& tankQuantization() {
  static const ferrum::RigidQuantization q{};
  return q;
}

struct TankSchema {
  explicit TankSchema(int32_t maxHealth = 100) : health(schema.addInt("health", 0, maxHealth, 8)) {}
  ferrum::StateSchema schema{tankQuantization()};
  ferrum::IntField health;
  ferrum::FloatField heat = schema.addFloat("heat", 0.0f, 1.0f, 1.0f / 64);
  ferrum::BoolField shielded = schema.addBool("shielded");
};

inline const TankSchema& tankSchema() {
  static const TankSchema s;
  return s;
}

class TankController final : public ferrum::RigidBodyController {
public:
  explicit TankController(const TankSchema& s) : RigidBodyController(s.schema), m_s(s) {}
  int32_t health() const { return value(m_s.health); }
  float heat() const { return value(m_s.heat); }
  bool shielded() const { return value(m_s.shielded); }
  bool setHealth(int32_t v) { return setValue(m_s.health, v); }
  bool setHeat(float v) { return setValue(m_s.heat, v); }
  bool setShielded(bool v) { return setValue(m_s.shielded, v); }
  using RigidBodyController::readState;
  using RigidBodyController::writeState;

private:
  const TankSchema& m_s;
};

/// A 1 m box of 50 kg that rests where it is spawned (on a floor) and changes only by
/// its fields.
inline ferrum::EntityType tankType(const TankSchema& s = tankSchema()) {
  ferrum::EntityType t;
  t.name = "tank";
  t.clientMaySpawn = true;
  t.stateSchema = &s.schema;
  t.build = [&s](const ferrum::SpawnState&) {
    ferrum::EntityParts p;
    p.body.shape = ferrum::Shape::Box;
    p.body.size = {0.5f, 0.5f, 0.5f};
    p.body.mass = 50.0f;
    p.controller = std::make_unique<TankController>(s);
    return p;
  };
  return t;
}

inline TankController* tankOf(ferrum::EntityGroup& group, ferrum::EntityId id) {
  ferrum::Entity* e = group.find(id);
  return e ? dynamic_cast<TankController*>(&e->controller()) : nullptr;
}

} // namespace testing_support
