#include "game/crate_controller.h"

#include "ferrum/entity.h"

namespace game {

namespace {
constexpr float kSparkImpactSpeed = 3.0f; // m/s of sudden velocity change
} // namespace

const ferrum::RigidQuantization& crateQuantization() {
  static const ferrum::RigidQuantization q{};
  return q;
}

const ferrum::StateSchema& crateSchema() {
  static const ferrum::StateSchema schema(crateQuantization());
  return schema;
}

void CrateController::onStateApplied(const ferrum::RigidState* received, ferrum::Effects& effects) {
  if (!received) return;
  const ferrum::Vec3 change = received->linearVelocity - m_lastVelocity;
  if (m_hasLast && change.length() > kSparkImpactSpeed)
    effects.emit({ferrum::EffectKind::Spark, received->position, change.length(), entity().id()});
  m_lastVelocity = received->linearVelocity;
  m_hasLast = true;
}

ferrum::EntityType crateType() {
  ferrum::EntityType type;
  type.name = "crate";
  type.clientMaySpawn = false;
  type.stateSchema = &crateSchema(); // blocks and spawns at its precision
  type.build = [](const ferrum::SpawnState& s) {
    const float half = 0.3f + 0.1f * static_cast<float>(s.variant % 4);
    ferrum::EntityParts parts;
    parts.body.shape = ferrum::Shape::Box;
    parts.body.size = {half, half, half};
    parts.body.mass = 8.0f * half * half * half * 50.0f;
    parts.body.friction = 0.7f;
    parts.visual = {ferrum::Shape::Box, {half, half, half}, 0xB07A3CFFu - (s.variant % 4) * 0x10080400u};
    parts.controller = std::make_unique<CrateController>();
    return parts;
  };
  return type;
}

} // namespace game
