#pragma once
// Everything one running peer owns (types, world, transport, NetManager, game glue),
// and the real-time loop that drives it: frame(now), then wait on the transport
// until the next tick is due - never a plain sleep.

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "apps/common/sim_options.h"
#include "ferrum/clock.h"
#include "ferrum/effects.h"
#include "ferrum/enet_transport.h"
#include "ferrum/link_simulator.h"
#include "ferrum/entity_group.h"
#include "ferrum/net_manager.h"
#include "game/demo_game.h"
#include "game/scenario.h"

namespace app {

// The library's monotonic clock, under the name the apps have always used.
using ferrum::steadySeconds;

struct PeerOptions {
  ferrum::NetConfig net;
  ferrum::EnetConfig enet;
  SimOptions sim; ///< any condition set: the link goes through a LinkSimulator
  /// Static world, registered types and game id (every peer of a game: the same).
  game::Scenario scenario = game::Scenario::Arena;
  /// How remote entities are shown (ViewClock::mode); changeable later at run time.
  std::optional<ferrum::ViewMode> viewMode; ///< unset: each entity type's own
};

class Peer {
public:
  /// Builds the peer; returns nullptr and fills `error` if the transport cannot start.
  static std::unique_ptr<Peer> create(const PeerOptions& options, std::string& error);

  ferrum::NetManager& net() { return *m_net; }
  ferrum::EntityGroup& group() { return m_group; }
  ferrum::Effects& effects() { return m_effects; }
  ferrum::EnetTransport& transport() { return *m_transport; }
  double uptimeSeconds() const { return steadySeconds() - m_startTime; }
  /// Distinct entities this peer has ever had.
  size_t entitiesSeen() const { return m_seen.size(); }

  /// Runs until `durationSeconds` pass (0: until `stop` says so), `stop` returns true,
  /// or (client) the link is lost. `everySecond` runs once a second.
  void run(double durationSeconds, const std::function<bool()>& stop, const std::function<void()>& everySecond);

private:
  Peer() : m_group(m_registry) {}

  ferrum::ControllerRegistry m_registry;
  ferrum::EntityGroup m_group;
  ferrum::Effects m_effects;
  std::unique_ptr<ferrum::EnetTransport> m_transport;
  std::unique_ptr<ferrum::LinkSimulator> m_simulator;
  std::unique_ptr<ferrum::NetManager> m_net;
  std::set<uint32_t> m_seen;
  double m_startTime = 0;
};

/// Installs SIGINT/SIGTERM handlers; returns the flag they set.
const volatile bool& installStopSignals();

} // namespace app
