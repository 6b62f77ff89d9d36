#include "game/bots/bot_brain.h"

#include <cmath>
#include <limits>

#include "game/arena.h"
#include "game/types.h"

namespace game {

void BotBrain::pickGoal(const ferrum::Entity& self, const ferrum::EntityGroup& group) {
  std::uniform_real_distribution<float> coord(-kArenaHalfSize + 2, kArenaHalfSize - 2);
  std::uniform_int_distribution<int> seconds(1, 6);
  std::uniform_int_distribution<int> percent(0, 99);
  m_ticksLeft = seconds(m_rng) * 60;
  m_goal = {coord(m_rng), 0, coord(m_rng)};
  if (percent(m_rng) < 40) { // go and push the nearest crate
    float best = std::numeric_limits<float>::max();
    const ferrum::Vec3 here = self.body().position();
    group.forEach([&](const ferrum::Entity& e) {
      if (e.type() != kCrateType) return;
      const float d = ferrum::distance(e.body().position(), here);
      if (d < best) {
        best = d;
        m_goal = e.body().position();
      }
    });
  }
}

bool BotBrain::wantsThrow(ferrum::Vec3& aim) {
  if (m_idle) return false;
  if (m_throwTicks == 0) m_throwTicks = std::uniform_int_distribution<int>(180, 360)(m_rng);
  if (--m_throwTicks > 0) return false;
  std::uniform_real_distribution<float> angle(0.0f, 6.2831853f);
  const float a = angle(m_rng);
  aim = {std::cos(a), 0, std::sin(a)};
  return true;
}

PlayerInput BotBrain::think(const ferrum::Entity& self, const ferrum::EntityGroup& group) {
  if (m_idle) return {};
  if (--m_ticksLeft <= 0) pickGoal(self, group);
  const ferrum::Vec3 here = self.body().position();
  ferrum::Vec3 to = m_goal - here;
  to.y = 0;
  const float dist = to.length();
  PlayerInput input;
  if (dist > 0.5f) {
    input.moveX = to.x / dist;
    input.moveZ = to.z / dist;
  }
  const ferrum::Vec3 v = self.body().linearVelocity();
  const bool stuck = dist > 0.5f && std::sqrt(v.x * v.x + v.z * v.z) < 0.5f;
  m_stuckTicks = stuck ? m_stuckTicks + 1 : 0;
  std::uniform_int_distribution<int> chance(0, 299);
  input.jump = m_stuckTicks > 30 || chance(m_rng) == 0;
  return input;
}

} // namespace game
