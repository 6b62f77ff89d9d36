#pragma once
// The demo game glued onto a NetManager: types, arena, crates on the server, and on a
// client the local player (driven by a bot or by a person through setInput).

#include <memory>
#include <optional>

#include "ferrum/net_manager.h"
#include "game/bots/bot_brain.h"
#include "game/grenade_throw.h"
#include "game/player_controller.h"
#include "game/types.h"

namespace game {

/// Registers every demo entity type (same ids on every peer).
void registerDemoTypes(ferrum::ControllerRegistry& registry);

/// Server: drops `count` crates of mixed sizes over the arena (seeded layout).
void spawnCrates(ferrum::NetManager& net, int count, uint32_t seed);

/// A client's local player: spawns it when the client joins, and each tick feeds
/// it input from a bot brain (if any) or from the last setInput().
class LocalPlayer {
public:
  /// `botSeed`: drive the player with a BotBrain; nullopt: a person drives it.
  LocalPlayer(ferrum::NetManager& net, std::optional<uint32_t> botSeed);

  ferrum::EntityId id() const { return m_id; }
  void setInput(const PlayerInput& input) { m_input = input; }
  /// Throws a grenade along `direction` (horizontal is fine; it is lobbed). It exists
  /// here at once; false if the player is not spawned yet or the throw is cooling down.
  bool throwGrenade(ferrum::Vec3 direction);
  uint64_t grenadesThrown() const { return m_thrower.thrown(); }
  BotBrain* bot() { return m_bot.get(); }

private:
  void onJoined(ferrum::PeerId self);
  void onTick();

  ferrum::NetManager& m_net;
  std::unique_ptr<BotBrain> m_bot;
  ferrum::EntityId m_id;
  PlayerInput m_input;
  GrenadeThrower m_thrower;
};

} // namespace game
