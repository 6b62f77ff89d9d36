#include "apps/common/peer.h"

#include <chrono>
#include <csignal>
#include <cmath>

#include "game/cubes_scenario.h"

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

std::unique_ptr<Peer> Peer::create(const PeerOptions& options, std::string& error) {
  error = options.net.validate();
  if (error.empty()) error = options.sim.conditions.validate();
  if (!error.empty()) return nullptr;
  auto peer = std::unique_ptr<Peer>(new Peer());
  game::registerDemoTypes(peer->m_registry);
  game::registerCubesTypes(peer->m_registry);
  game::buildScenarioWorld(options.scenario, peer->m_group.physics());
  peer->m_transport = options.net.role == ferrum::Role::Server ? ferrum::EnetTransport::listen(options.enet, error)
                                                               : ferrum::EnetTransport::client(options.enet, error);
  if (!peer->m_transport) return nullptr;
  ferrum::Transport* link = peer->m_transport.get();
  if (options.sim.conditions.any()) {
    const ferrum::LinkConditions& both = options.sim.conditions;
    peer->m_simulator =
        std::make_unique<ferrum::LinkSimulator>(*peer->m_transport, both, both, options.sim.seed, steadySeconds);
    link = peer->m_simulator.get();
  }
  ferrum::NetConfig net = options.net;
  // A client of another scenario is refused at connect time, with a reason.
  if (options.scenario != game::Scenario::Arena) net.gameId = game::scenarioGameId(options.scenario);
  peer->m_net = std::make_unique<ferrum::NetManager>(net, *link, peer->m_group, peer->m_effects);
  peer->m_group.viewClock().mode = options.viewMode;
  peer->m_startTime = steadySeconds();
  return peer;
}

void Peer::run(double durationSeconds, const std::function<bool()>& stop, const std::function<void()>& everySecond) {
  const double start = steadySeconds();
  double nextReport = start + 1.0;
  for (;;) {
    const double now = steadySeconds();
    if (durationSeconds > 0 && now - start >= durationSeconds) break;
    if (stop && stop()) break;
    if (m_net->config().role == ferrum::Role::Client && m_net->disconnected()) break;
    m_net->frame(now);
    for (ferrum::EntityId id : m_group.ids()) m_seen.insert(id.value);
    m_effects.clearPending();
    if (everySecond && now >= nextReport) {
      everySecond();
      nextReport += 1.0;
    }
    const double wait = m_net->nextTickTime() - steadySeconds();
    if (wait > 0) m_net->service(static_cast<uint32_t>(std::ceil(wait * 1000.0)));
  }
}

} // namespace app
