#include "game/grenade_controller.h"

#include <spdlog/spdlog.h>

#include "ferrum/entity.h"
#include "ferrum/rigid_state.h"
#include "game/arena.h"
#include "game/crate_controller.h"
#include "game/types.h"

namespace game {

namespace {

struct Explosion {
  ferrum::Vec3 position;

  template <class S>
  bool serialize(S& s) {
    const auto& q = crateQuantization();
    return ferrum::serializeQuantized(s, position, q.positionX, q.positionY, q.positionZ);
  }
};

} // namespace

const GrenadeSchema& grenadeSchema() {
  static const GrenadeSchema schema;
  return schema;
}

GrenadeController::GrenadeController(uint32_t fuseTicks) : RigidBodyController(grenadeSchema().schema) {
  setValue(grenadeSchema().fuse, static_cast<int32_t>(std::min(fuseTicks, kMaxFuseTicks)));
  // A thrown grenade flies under 25 m/s plus what it gains falling; a blast can push
  // it faster for a moment. The server refuses an owner's claims beyond that, and
  // jumps (it used to forward a grenade moved between arena corners at 48 m/s).
  setRemoteLimits(kMaxGrenadeClaimSpeed, 1.5f);
}

void GrenadeController::onStateApplied(const ferrum::RigidState* received, ferrum::Effects& effects) {
  (void)effects;
  (void)received;
  if (!isLocalAuthority()) return; // the fuse came with the block
  // Only the authority burns the fuse and decides when it goes off. A grenade whose
  // explosion this peer already handled (say it became the authority when the
  // thrower left, its despawn still on the way) is spent: it goes, never off again.
  if (m_exploded) {
    if (!m_despawnRequested) requestDespawn();
    m_despawnRequested = true;
    return;
  }
  const ferrum::IntField fuse = grenadeSchema().fuse;
  if (value(fuse) > 0) setValue(fuse, value(fuse) - 1);
  if (value(fuse) == 0) explode();
}

void GrenadeController::explode() {
  // onEvent marks it exploded: raiseEvent runs it here at once.
  m_despawnRequested = true; // below
  Explosion blast{entity().body().position()};
  ferrum::WriteStream out(64);
  blast.serialize(out);
  raiseEvent(out);
  requestDespawn();
}

void GrenadeController::onEvent(const ferrum::ReadStream& data, ferrum::Effects& effects) {
  ferrum::ReadStream in = data;
  Explosion blast;
  if (!blast.serialize(in)) return;
  // A grenade goes off once: a second explosion event (a hostile owner can send one
  // every packet) is ignored on every peer.
  if (m_exploded) return;
  m_exploded = true; // on every peer: whoever simulates it later must not set it off again
  const ferrum::EntityId self = entity().id();
  effects.emit({ferrum::EffectKind::Explosion, blast.position, kBlastRadius, self});
  effects.emit({ferrum::EffectKind::Light, blast.position, 8.0f, self});
  effects.emit({ferrum::EffectKind::Sound, blast.position, 1.0f, self});
  // Push what this peer simulates; everyone else's copies follow through state.
  const ferrum::PeerId here = group().localPeer();
  group().forEach([&](ferrum::Entity& e) {
    if (e.id() == self || e.authority() != here || e.body().mass() <= 0) return;
    ferrum::Vec3 away = e.body().position() - blast.position;
    const float d = away.length();
    if (d >= kBlastRadius) return;
    if (d < 1e-3f) away = {0, 1, 0};
    const float falloff = 1.0f - d / kBlastRadius;
    ferrum::Vec3 dir = away * (1.0f / std::max(d, 1e-3f));
    dir.y += 0.5f; // a little lift reads better than a pure shove
    e.body().applyImpulse(dir * (kBlastImpulse * falloff * std::min(1.0f, e.body().mass() / 20.0f + 0.2f)));
  });
}

ferrum::EntityType grenadeType() {
  ferrum::EntityType type;
  type.name = "grenade";
  type.clientMaySpawn = true;
  type.stateSchema = &grenadeSchema().schema; // blocks and spawns
  type.onOwnerLeave = ferrum::OwnerLeavePolicy::HandToServer;
  type.priority = 5.0f;
  type.build = [](const ferrum::SpawnState& s) {
    ferrum::EntityParts parts;
    parts.body.shape = ferrum::Shape::Sphere;
    parts.body.size = {kGrenadeRadius, 0, 0};
    parts.body.mass = 0.4f;
    parts.body.restitution = 0.5f;
    parts.body.friction = 0.8f;
    parts.visual = {ferrum::Shape::Sphere, {kGrenadeRadius, 0, 0}, 0x2F4F2FFFu};
    parts.controller = std::make_unique<GrenadeController>(s.variant);
    return parts;
  };
  type.validateSpawn = [](const ferrum::SpawnState& s, ferrum::PeerId owner, const ferrum::EntityGroup& group,
                          std::string& why) {
    if (s.variant == 0 || s.variant > kMaxFuseTicks) {
      why = "fuse out of range";
      return false;
    }
    if (!(s.linearVelocity.length() <= kMaxThrowSpeed)) {
      why = "thrown too fast";
      return false;
    }
    if (!(s.angularVelocity.length() <= kMaxThrowSpin)) {
      why = "thrown spinning too fast";
      return false;
    }
    bool nearThrower = false;
    group.forEach([&](const ferrum::Entity& e) {
      if (e.type() == kPlayerType && e.authority() == owner &&
          ferrum::distance(e.body().position(), s.transform.position) <= kThrowReach)
        nearThrower = true;
    });
    if (!nearThrower) why = "not next to its thrower";
    return nearThrower;
  };
  return type;
}

} // namespace game
