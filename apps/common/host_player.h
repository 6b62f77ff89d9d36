#pragma once
// A listen server's own player: an ordinary player entity spawned by the server's
// NetManager, so the server is its authority. Its state takes the seed's loopback path
// (serverUpdate, then clientUpdate on the same peer, no socket) and goes to every
// client like any server entity. The host-side twin of game::LocalPlayer.

#include <memory>
#include <optional>

#include "ferrum/net_manager.h"
#include "game/bots/bot_brain.h"
#include "game/grenade_throw.h"
#include "game/player_controller.h"

namespace app {

class HostPlayer {
public:
  /// Spawns the player at once. `botSeed`: a bot drives it; nullopt: setInput does.
  HostPlayer(ferrum::NetManager& server, std::optional<uint32_t> botSeed);

  ferrum::EntityId id() const { return m_id; }
  void setInput(const game::PlayerInput& input) { m_input = input; }
  /// Throws a grenade along `direction` (flattened; it is lobbed). False if the player
  /// is gone or the throw is cooling down. Same rules as game::LocalPlayer's throw.
  bool throwGrenade(ferrum::Vec3 direction);

private:
  void onTick();

  ferrum::NetManager& m_net;
  std::unique_ptr<game::BotBrain> m_bot;
  ferrum::EntityId m_id;
  game::PlayerInput m_input;
  game::GrenadeThrower m_thrower;
};

} // namespace app
