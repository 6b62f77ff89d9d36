#include "apps/common/host_options.h"

#include <csignal>

#include "game/demo_game.h"

namespace app {

namespace {
volatile bool g_stop = false;
void onSignal(int) { g_stop = true; }
} // namespace

const volatile bool& installStopSignals() {
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  return g_stop;
}

std::unique_ptr<ferrum::Host> createHost(const PeerOptions& options, std::string& error) {
  ferrum::HostDef def = game::demoHostDef(options.scenario);
  const uint16_t gameId = def.net.gameId;
  def.net = options.net;
  def.net.gameId = gameId;
  def.enet = options.enet;
  def.outgoing = options.sim.conditions;
  def.incoming = options.sim.conditions;
  def.linkSeed = options.sim.seed;
  def.viewMode = options.viewMode;
  return ferrum::Host::create(std::move(def), error);
}

} // namespace app
