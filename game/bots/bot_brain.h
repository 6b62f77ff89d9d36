#pragma once
// A bot's decisions: wander to random waypoints, go push the nearest crate, jump now
// and then (and when stuck). Seeded, so a bot's run is reproducible.

#include <random>

#include "ferrum/entity_group.h"
#include "game/player_controller.h"

namespace game {

class BotBrain {
public:
  explicit BotBrain(uint32_t seed) : m_rng(seed) {}

  /// Input for this tick, for the bot's player entity `self`.
  PlayerInput think(const ferrum::Entity& self, const ferrum::EntityGroup& group);
  /// True on the ticks the bot wants to throw a grenade (every 3-6 s), towards `aim`.
  bool wantsThrow(ferrum::Vec3& aim);
  /// An idle bot stands still (used to let the world settle before measuring).
  void setIdle(bool idle) { m_idle = idle; }

private:
  void pickGoal(const ferrum::Entity& self, const ferrum::EntityGroup& group);

  std::mt19937 m_rng;
  ferrum::Vec3 m_goal;
  int m_ticksLeft = 0;
  int m_stuckTicks = 0;
  int m_throwTicks = 0;
  bool m_idle = false;
};

} // namespace game
