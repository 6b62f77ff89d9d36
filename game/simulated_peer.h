#pragma once
// One peer of the demo arena on a simulated network, for deterministic tests and
// benchmarks: registry, group (with the arena built), effects, a LinkSimulator over
// one MemoryNetwork endpoint, and its NetManager, all on the caller's clock. Many of
// them share one process and one clock, so "the same moment" needs no mapping.

#include <functional>
#include <memory>

#include "ferrum/effects.h"
#include "ferrum/entity_group.h"
#include "ferrum/link_simulator.h"
#include "ferrum/memory_transport.h"
#include "ferrum/net_manager.h"
#include "game/demo_game.h"

namespace game {

struct SimulatedPeerOptions {
  ferrum::Role role = ferrum::Role::Client;
  uint16_t port = 0;               ///< its MemoryNetwork endpoint; clients connect to the server's
  ferrum::LinkConditions outgoing; ///< what this peer's link does to what it sends
  ferrum::LinkConditions incoming; ///< ... and to what it receives
  uint64_t seed = 1;               ///< the link simulator's
  /// Types beyond the demo's (tests' probes), registered after them.
  std::function<void(ferrum::ControllerRegistry&)> moreTypes;
};

struct SimulatedPeer {
  SimulatedPeer(ferrum::MemoryNetwork& network, const SimulatedPeerOptions& options, std::function<double()> clock);

  ferrum::ControllerRegistry registry;
  std::unique_ptr<ferrum::EntityGroup> group;
  ferrum::Effects effects;
  std::unique_ptr<ferrum::LinkSimulator> link;
  std::unique_ptr<ferrum::NetManager> net;
  std::unique_ptr<LocalPlayer> player; ///< set by the caller when the peer should play
};

} // namespace game
