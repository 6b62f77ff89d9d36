#include "game/player_controller.h"

#include <algorithm>

#include "ferrum/entity.h"

namespace game {

namespace {

const ferrum::QuantRange kPosX{-64.0f, 64.0f, 1.0f / 512};
const ferrum::QuantRange kPosY{-16.0f, 48.0f, 1.0f / 512};
const ferrum::QuantRange kVel{-32.0f, 32.0f, 1.0f / 64};
const ferrum::QuantRange kAxis{-1.0f, 1.0f, 1.0f / 127};
constexpr float kAcceleration = 12.0f; // 1/s: how fast velocity reaches the input's target

struct PlayerState {
  ferrum::Vec3 position;
  ferrum::Vec3 velocity;
  PlayerInput input;

  template <class S>
  bool serialize(S& s) {
    ferrum::serializeQuantized(s, position, kPosX, kPosY, kPosX);
    ferrum::serializeQuantized(s, velocity, kVel);
    ferrum::serializeQuantized(s, input.moveX, kAxis);
    ferrum::serializeQuantized(s, input.moveZ, kAxis);
    s.serializeBool(input.jump);
    return s.ok();
  }
};

constexpr uint32_t kPalette[] = {0x3B82F6FF, 0xEF4444FF, 0x22C55EFF, 0xEAB308FF,
                                 0xA855F7FF, 0x06B6D4FF, 0xF97316FF, 0xEC4899FF};

} // namespace

void PlayerController::serverUpdate(ferrum::WriteStream& out) const {
  const ferrum::Body& body = entity().body();
  PlayerState state{body.position(), body.linearVelocity(), m_ownerInput};
  state.serialize(out);
}

bool PlayerController::clientUpdate(const ferrum::ReadStream* data, ferrum::Effects& effects) {
  (void)effects;
  if (data) {
    ferrum::ReadStream in = *data;
    PlayerState state;
    if (!state.serialize(in)) return false;
    if (!isLocalAuthority()) {
      ferrum::Body& body = entity().body();
      body.setTransform({state.position, body.transform().orientation});
      body.setLinearVelocity(state.velocity);
    }
    m_input = state.input;
  }
  move();
  return true;
}

PlayerController::Verdict PlayerController::checkRemoteState(const ferrum::ReadStream& block, float elapsedSeconds,
                                                             ferrum::WriteStream& corrected) {
  ferrum::ReadStream in = block;
  PlayerState claim;
  if (!claim.serialize(in)) return Verdict::Reject;
  // Judge the step from the owner's previous accepted claim: the server's own copy
  // drifts (dead reckoning, collisions) and would make honest steps look long.
  const ferrum::Vec3 here = m_hasClaim ? m_lastClaim : entity().body().position();
  m_hasClaim = true;
  const float reach = kPlayerSpeedLimit * elapsedSeconds + kPlayerMoveSlack;
  const ferrum::Vec3 step = claim.position - here;
  const float moved = step.length();
  const float speed = claim.velocity.length();
  if (moved <= reach && speed <= kPlayerSpeedLimit) {
    m_lastClaim = claim.position;
    return Verdict::Accept;
  }
  PlayerState fixed = claim;
  if (moved > reach) fixed.position = here + step * (reach / moved);
  if (speed > kPlayerSpeedLimit) fixed.velocity = claim.velocity * (kPlayerSpeedLimit / speed);
  fixed.serialize(corrected);
  m_lastClaim = fixed.position;
  return Verdict::Clamp;
}

void PlayerController::move() {
  ferrum::Body& body = entity().body();
  const ferrum::Vec3 v = body.linearVelocity();
  const float len = std::sqrt(m_input.moveX * m_input.moveX + m_input.moveZ * m_input.moveZ);
  const float scale = len > 1.0f ? kPlayerMaxSpeed / len : kPlayerMaxSpeed;
  const float blend = std::min(1.0f, kAcceleration * group().tickSeconds());
  ferrum::Vec3 next{v.x + (m_input.moveX * scale - v.x) * blend, v.y, v.z + (m_input.moveZ * scale - v.z) * blend};
  if (m_input.jump && grounded() && std::fabs(v.y) < 0.5f) next.y = kPlayerJumpSpeed;
  body.setLinearVelocity(next);
}

bool PlayerController::grounded() const {
  const ferrum::Vec3 p = entity().body().position();
  // Start just below the capsule so the ray cannot hit the player's own body.
  const float feet = p.y - kPlayerHalfHeight - kPlayerRadius;
  return group().physics().raycast({p.x, feet - 0.02f, p.z}, {p.x, feet - 0.15f, p.z});
}

ferrum::EntityType playerType() {
  ferrum::EntityType type;
  type.name = "player";
  type.clientMaySpawn = true;
  type.onOwnerLeave = ferrum::OwnerLeavePolicy::Despawn;
  type.priority = 10.0f; // players first when a packet cannot carry everything
  type.build = [](const ferrum::SpawnState& s) {
    ferrum::EntityParts parts;
    parts.body.shape = ferrum::Shape::Capsule;
    parts.body.size = {kPlayerRadius, kPlayerHalfHeight, 0};
    parts.body.mass = 80.0f;
    parts.body.friction = 0.0f;
    parts.body.upright = true;
    parts.visual = {ferrum::Shape::Capsule, {kPlayerRadius, kPlayerHalfHeight, 0},
                    kPalette[s.variant % (sizeof(kPalette) / sizeof(kPalette[0]))]};
    parts.controller = std::make_unique<PlayerController>();
    return parts;
  };
  return type;
}

} // namespace game
