#include "game/simulated_peer.h"

#include <cassert>

namespace game {

SimulatedPeer::SimulatedPeer(ferrum::MemoryNetwork& network, const SimulatedPeerOptions& options,
                             std::function<double()> clock) {
  ferrum::HostDef def = demoHostDef();
  if (options.moreTypes) options.moreTypes(def.types);
  def.net.role = options.role;
  def.memoryNetwork = &network;
  def.memoryPort = options.port;
  def.outgoing = options.outgoing;
  def.incoming = options.incoming;
  def.linkSeed = options.seed;
  def.simulateLink = true; // tests change the conditions as they go
  def.clock = std::move(clock);
  std::string error;
  host = ferrum::Host::create(std::move(def), error);
  assert(host && "SimulatedPeer options are the caller's constants");
  group = &host->group();
  net = &host->net();
  link = host->linkSimulator();
}

} // namespace game
