#pragma once
// One peer of the soak: ENet over loopback wrapped in a LinkSimulator, the demo game,
// and a record of every entity it ever saw appear and disappear, and every
// explosion it handled, to check exactly-once delivery afterwards.

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "ferrum/host.h"
#include "game/demo_game.h"

namespace soak {

struct Lifetime {
  double appeared = -1;
  double vanished = -1; ///< -1: still alive
};

class SoakPeer {
public:
  /// Server (listening on an ephemeral loopback port) or client (connecting to `port`).
  static std::unique_ptr<SoakPeer> create(ferrum::Role role, uint16_t port, const ferrum::LinkConditions& link,
                                          uint64_t seed, std::string& error);

  ferrum::NetManager& net() { return m_host->net(); }
  ferrum::EntityGroup& group() { return m_host->group(); }
  ferrum::Host& host() { return *m_host; }
  uint16_t port() const { return m_host->port(); }
  game::LocalPlayer* player() { return m_player.get(); }

  /// After frame(): notes what appeared, vanished and exploded at time `now`.
  void observe(double now);
  /// Problems seen so far (an id that came back, an explosion handled twice...).
  const std::vector<std::string>& problems() const { return m_problems; }
  const std::map<uint32_t, Lifetime>& lifetimes() const { return m_lifetimes; }
  const std::map<uint32_t, int>& explosions() const { return m_explosions; }
  double joinedAt() const { return m_joinedAt; }
  uint64_t packetsReceived() const { return m_host->net().stats().counters.packetsReceived; }

private:
  SoakPeer() = default;

  std::unique_ptr<ferrum::Host> m_host;
  std::unique_ptr<game::LocalPlayer> m_player;
  double m_joinedAt = -1;
  std::set<uint32_t> m_alive;
  std::map<uint32_t, Lifetime> m_lifetimes;
  std::map<uint32_t, int> m_explosions; ///< grenade id -> times handled
  std::vector<std::string> m_problems;
};

} // namespace soak
