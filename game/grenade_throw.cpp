#include "game/grenade_throw.h"

#include "game/grenade_controller.h"
#include "game/player_controller.h"
#include "game/types.h"

namespace game {

namespace {
constexpr float kCooldownSeconds = 0.5f;
constexpr float kThrowSpeed = 9.0f; ///< m/s along the aim, plus a 4 m/s lob
} // namespace

bool GrenadeThrower::tryThrow(ferrum::NetManager& net, ferrum::EntityId thrower, ferrum::Vec3 direction) {
  const ferrum::Entity* self = net.group().find(thrower);
  const auto cooldownTicks = static_cast<uint32_t>(kCooldownSeconds / net.group().tickSeconds());
  if (!self || (m_lastThrowTick != 0 && net.tick() - m_lastThrowTick < cooldownTicks)) return false;
  direction.y = 0;
  const float len = direction.length();
  direction = len > 1e-3f ? direction * (1.0f / len) : ferrum::Vec3{1, 0, 0};
  ferrum::SpawnState s;
  s.transform.position =
      self->body().position() + direction * (kPlayerRadius + kGrenadeRadius + 0.3f) + ferrum::Vec3{0, 0.6f, 0};
  s.linearVelocity = self->body().linearVelocity() * 0.5f + direction * kThrowSpeed + ferrum::Vec3{0, 4.0f, 0};
  s.variant = kDefaultFuseTicks;
  if (net.spawn(kGrenadeType, s).isNull()) return false;
  m_lastThrowTick = net.tick() == 0 ? 1 : net.tick();
  ++m_thrown;
  return true;
}

} // namespace game
