#include "game/simulated_peer.h"

#include "game/arena.h"

namespace game {

SimulatedPeer::SimulatedPeer(ferrum::MemoryNetwork& network, const SimulatedPeerOptions& options,
                             std::function<double()> clock) {
  registerDemoTypes(registry);
  if (options.moreTypes) options.moreTypes(registry);
  group = std::make_unique<ferrum::EntityGroup>(registry);
  buildArena(group->physics());
  link = std::make_unique<ferrum::LinkSimulator>(network.endpoint(options.port), options.outgoing, options.incoming,
                                                 options.seed, std::move(clock));
  ferrum::NetConfig config;
  config.role = options.role;
  net = std::make_unique<ferrum::NetManager>(config, *link, *group, effects);
}

} // namespace game
