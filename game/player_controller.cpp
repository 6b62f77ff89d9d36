#include "game/player_controller.h"

#include <algorithm>
#include <cmath>

#include "ferrum/entity.h"

namespace game {

namespace {

constexpr float kAcceleration = 12.0f; // 1/s: how fast velocity reaches the input's target
constexpr float kCorrectionFadeRate = 6.0f; // 1/s: a server correction is hidden over ~1/3 s

// A move axis as the schema holds it: within -1..1, NaN as no move.
float axis(float v) { return std::isnan(v) ? 0.0f : std::clamp(v, -1.0f, 1.0f); }

constexpr uint32_t kPalette[] = {0x3B82F6FF, 0xEF4444FF, 0x22C55EFF, 0xEAB308FF,
                                 0xA855F7FF, 0x06B6D4FF, 0xF97316FF, 0xEC4899FF};

// The horizontal velocity `input` steers towards.
ferrum::Vec3 steeringTarget(const PlayerInput& input) {
  const float len = std::sqrt(input.moveX * input.moveX + input.moveZ * input.moveZ);
  const float scale = len > 1.0f ? kPlayerMaxSpeed / len : kPlayerMaxSpeed;
  return {input.moveX * scale, 0, input.moveZ * scale};
}

} // namespace

const ferrum::RigidQuantization& playerQuantization() {
  static const ferrum::RigidQuantization q = [] {
    ferrum::RigidQuantization p;
    p.linearVelocity = {-32.0f, 32.0f, 1.0f / 64};
    p.orientationBits = 0;
    p.angularVelocities = false;
    p.restFlag = false;
    return p;
  }();
  return q;
}

const PlayerSchema& playerSchema() {
  static const PlayerSchema schema;
  return schema;
}

// Another peer's copy of a player is moved by its view alone (kinematic): local crates
// and players bump into it, but nothing here can shove it off its owner's path.
PlayerController::PlayerController() : RigidBodyController(playerSchema().schema, ferrum::RemoteBody::Kinematic) {
  setAdvance([this](const ferrum::RigidState& state, float seconds) { return advance(state, seconds); });
}

void PlayerController::setInput(const PlayerInput& input) {
  const PlayerSchema& s = playerSchema();
  setValue(s.moveX, axis(input.moveX));
  setValue(s.moveZ, axis(input.moveZ));
  setValue(s.jump, input.jump);
}

PlayerInput PlayerController::lastInput() const {
  const PlayerSchema& s = playerSchema();
  return {value(s.moveX), value(s.moveZ), value(s.jump)};
}

void PlayerController::onStateApplied(const ferrum::RigidState* received, ferrum::Effects& effects) {
  (void)received;
  (void)effects;
  if (isLocalAuthority()) {
    move();
    m_correctionOffset = ferrum::faded(m_correctionOffset, kCorrectionFadeRate, group().tickSeconds());
    entity().setDisplayOffset(m_correctionOffset);
    return;
  }
  // Predicting, physics carries it on: steer as the owner does.
  if (viewMode() == ferrum::ViewMode::Predict) move();
}

PlayerController::Verdict PlayerController::checkRemoteState(const ferrum::ReadStream& block, float elapsedSeconds,
                                                             ferrum::WriteStream& corrected) {
  ferrum::ReadStream in = block;
  ferrum::RigidState claim; // position and velocity only
  ferrum::StateValues input;
  if (!readState(in, claim, input)) return Verdict::Reject;
  // Judge the step from the owner's previous accepted claim: the server's own copy
  // lags and drifts (it is a remote view) and would make honest steps look long.
  const ferrum::Vec3 here = m_hasClaim ? m_lastClaim : entity().body().position();
  m_hasClaim = true;
  const float reach = kPlayerSpeedLimit * elapsedSeconds + kPlayerMoveSlack;
  const ferrum::Vec3 step = claim.position - here;
  const float moved = step.length();
  const float speed = claim.linearVelocity.length();
  if (moved <= reach && speed <= kPlayerSpeedLimit) {
    m_lastClaim = claim.position;
    return Verdict::Accept;
  }
  ferrum::RigidState fixed = claim;
  if (moved > reach) fixed.position = here + step * (reach / moved);
  if (speed > kPlayerSpeedLimit) fixed.linearVelocity = claim.linearVelocity * (kPlayerSpeedLimit / speed);
  writeState(corrected, fixed, input);
  m_lastClaim = fixed.position;
  return Verdict::Clamp;
}

bool PlayerController::onCorrection(const ferrum::ReadStream& corrected) {
  ferrum::ReadStream in = corrected;
  ferrum::RigidState settled;
  ferrum::StateValues input; // the owner's own, sent back: it keeps its current one
  if (!readState(in, settled, input)) return false;
  ferrum::Body& body = entity().body();
  const ferrum::Vec3 shown = body.position() + m_correctionOffset;
  body.setTransform({settled.position, body.transform().orientation});
  body.setLinearVelocity(settled.linearVelocity);
  m_correctionOffset = shown - settled.position;
  entity().setDisplayOffset(m_correctionOffset);
  return true;
}

void PlayerController::move() {
  ferrum::Body& body = entity().body();
  const ferrum::Vec3 v = body.linearVelocity();
  const PlayerInput input = lastInput();
  const ferrum::Vec3 target = steeringTarget(input);
  const float blend = std::min(1.0f, kAcceleration * group().tickSeconds());
  ferrum::Vec3 next{v.x + (target.x - v.x) * blend, v.y, v.z + (target.z - v.z) * blend};
  if (input.jump && grounded() && std::fabs(v.y) < 0.5f) next.y = kPlayerJumpSpeed;
  body.setLinearVelocity(next);
}

// The same steering as move(), a tick at a time (at most the view's extrapolation cap,
// so a handful of steps); jumps and collisions are left to the next state.
ferrum::RigidState PlayerController::advance(const ferrum::RigidState& state, float seconds) const {
  ferrum::RigidState s = state;
  const ferrum::Vec3 target = steeringTarget(lastInput());
  const float tick = group().tickSeconds();
  for (float left = seconds; left > 1e-6f; left -= tick) {
    const float h = std::min(tick, left);
    const float blend = std::min(1.0f, kAcceleration * h);
    s.linearVelocity.x += (target.x - s.linearVelocity.x) * blend;
    s.linearVelocity.z += (target.z - s.linearVelocity.z) * blend;
    s.position = s.position + s.linearVelocity * h;
  }
  return s;
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
  type.stateSchema = &playerSchema().schema; // blocks and spawns
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
