#pragma once
// The demo game on the library's front door: its Host definition (types, static world,
// game id), crates on the server, and a peer's own player (driven by a bot or by a
// person through setInput).

#include <memory>
#include <optional>

#include "ferrum/host.h"
#include "ferrum/net_manager.h"
#include "ferrum/signal.h"
#include "game/bots/bot_brain.h"
#include "game/grenade_throw.h"
#include "game/player_controller.h"
#include "game/scenario.h"
#include "game/types.h"

namespace game {

/// Registers every demo entity type (same ids on every peer).
void registerDemoTypes(ferrum::ControllerRegistry& registry);

/// A Host definition for the demo game: every demo type (arena and cubes alike, so
/// the type table is the same on every peer), `scenario`'s static world and game id.
/// The caller adds the role, transport and link settings.
ferrum::HostDef demoHostDef(Scenario scenario = Scenario::Arena);

/// Server: drops `count` crates of mixed sizes over the arena (seeded layout): up to
/// 90 spread out and dropped from a few metres; more as a pile of square layers around
/// the centre, up to 24 x 24 a layer (2,000 make four layers). Every crate starts inside the walls.
void spawnCrates(ferrum::NetManager& net, int count, uint32_t seed);
/// Server: drops `count` crates at random places (seeded) all over [-halfSize,
/// halfSize] in x and z, keeping 2 m from the walls (the large arena).
void scatterCrates(ferrum::NetManager& net, int count, uint32_t seed, float halfSize);

/// This peer's own player: a client spawns it when it joins, a (listen) server at
/// once, so it is the authority either way; each tick it feeds the player input from
/// a bot brain (if any) or from the last setInput(). It may be destroyed before or
/// after `net`.
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
  void onTick();

  void spawnAs(ferrum::PeerId self);

  ferrum::NetManager& m_net;
  ferrum::Subscription m_joined, m_tick;
  std::unique_ptr<BotBrain> m_bot;
  ferrum::EntityId m_id;
  PlayerInput m_input;
  GrenadeThrower m_thrower;
};

} // namespace game
