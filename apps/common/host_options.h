#pragma once
// What every executable's command line decides about its peer (role, transport,
// simulated link, scenario, view mode), turned into a ferrum::Host of the demo game.

#include <memory>
#include <optional>
#include <string>

#include "apps/common/sim_options.h"
#include "ferrum/host.h"
#include "game/scenario.h"

namespace app {

struct PeerOptions {
  ferrum::NetConfig net;
  ferrum::EnetConfig enet;
  SimOptions sim; ///< any condition set: the link goes through a LinkSimulator
  /// Static world, registered types and game id (every peer of a game: the same).
  game::Scenario scenario = game::Scenario::Arena;
  /// How remote entities are shown; changeable later at run time.
  std::optional<ferrum::ViewMode> viewMode; ///< unset: each entity type's own
};

/// The demo game's Host over ENet for these options; nullptr and `error` on failure.
std::unique_ptr<ferrum::Host> createHost(const PeerOptions& options, std::string& error);

/// Installs SIGINT/SIGTERM handlers; returns the flag they set.
const volatile bool& installStopSignals();

} // namespace app
