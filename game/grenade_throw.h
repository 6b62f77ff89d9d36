#pragma once
// The rules of throwing a grenade (where it appears, how fast it goes, how often one
// may be thrown), shared by every kind of local player: a client's and a listen
// server host's.

#include "ferrum/net_manager.h"

namespace game {

class GrenadeThrower {
public:
  /// Spawns a grenade lobbed from `thrower` along `direction` (horizontal is enough).
  /// It exists on this peer at once. False if the thrower is gone or still cooling down.
  bool tryThrow(ferrum::NetManager& net, ferrum::EntityId thrower, ferrum::Vec3 direction);
  uint64_t thrown() const { return m_thrown; }

private:
  uint32_t m_lastThrowTick = 0;
  uint64_t m_thrown = 0;
};

} // namespace game
