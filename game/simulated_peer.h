#pragma once
// One peer of the demo arena on a simulated network, for deterministic tests and
// benchmarks: a ferrum::Host on one MemoryNetwork endpoint behind a LinkSimulator, on
// the caller's clock, and optionally its own player. Many of them share one process
// and one clock, so "the same moment" needs no mapping.

#include <functional>
#include <memory>

#include "ferrum/host.h"
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
  /// Asserts that the host can be built (the options are the caller's own constants).
  SimulatedPeer(ferrum::MemoryNetwork& network, const SimulatedPeerOptions& options, std::function<double()> clock);

  std::unique_ptr<ferrum::Host> host;
  // Short names for the host's parts.
  ferrum::EntityGroup* group = nullptr;
  ferrum::NetManager* net = nullptr;
  ferrum::LinkSimulator* link = nullptr;
  std::unique_ptr<LocalPlayer> player; ///< set by the caller when the peer should play
};

} // namespace game
