#include "ferrum/host.h"

#include <cmath>

namespace ferrum {

namespace {

/// Empty if `def` can make a peer, else the first thing wrong with it.
std::string checkDefinition(const HostDef& def) {
  if (std::string error = def.net.validate(); !error.empty()) return error;
  if (std::string error = def.outgoing.validate(); !error.empty()) return "outgoing link: " + error;
  if (std::string error = def.incoming.validate(); !error.empty()) return "incoming link: " + error;
  if (def.types.size() == 0) return "no entity types registered (HostDef::types is empty)";
  if (def.memoryNetwork && def.transport) return "choose one transport: memoryNetwork or transport, not both";
  if (def.memoryNetwork && def.memoryNetwork->find(def.memoryPort))
    return "in-memory port " + std::to_string(def.memoryPort) + " is already in use";
  return {};
}

} // namespace

std::unique_ptr<Host> Host::create(HostDef def, std::string& error) {
  error = checkDefinition(def);
  if (!error.empty()) return nullptr;
  auto host = std::unique_ptr<Host>(new Host());
  host->m_clock = def.clock ? std::move(def.clock) : std::function<double()>(steadySeconds);
  host->m_types = std::move(def.types);
  host->m_group = std::make_unique<EntityGroup>(host->m_types, def.physics);
  if (def.buildWorld) def.buildWorld(host->m_group->physics());
  host->m_group->viewSettings().mode = def.viewMode;

  if (def.transport) {
    host->m_link = def.transport;
  } else if (def.memoryNetwork) {
    MemoryTransport& endpoint = def.memoryNetwork->endpoint(def.memoryPort);
    host->m_link = &endpoint;
    host->m_port = endpoint.port();
  } else {
    std::unique_ptr<EnetTransport> enet = def.net.role == Role::Server ? EnetTransport::listen(def.enet, error)
                                                                       : EnetTransport::client(def.enet, error);
    if (!enet) return nullptr;
    if (def.net.role == Role::Server) host->m_port = enet->boundPort();
    host->m_link = enet.get();
    host->m_ownTransport = std::move(enet);
  }
  if (def.simulateLink || def.outgoing.any() || def.incoming.any()) {
    host->m_simulator =
        std::make_unique<LinkSimulator>(*host->m_link, def.outgoing, def.incoming, def.linkSeed, host->m_clock);
    host->m_link = host->m_simulator.get();
  }
  host->m_net = std::make_unique<NetManager>(def.net, *host->m_link, *host->m_group, host->m_effects);
  host->m_net->setClock(host->m_clock); // the server's forward window runs on the host's clock
  host->m_createdAt = host->now();
  return host;
}

Host::~Host() {
  // The NetManager detaches from the group and talks to the transport as it goes:
  // it must go before both (members would otherwise be destroyed in reverse order
  // anyway; saying it keeps the rule visible where it matters).
  m_net.reset();
  m_simulator.reset();
  m_ownTransport.reset();
  m_group.reset();
}

bool Host::connect(const std::string& host, uint16_t port) {
  if (role() != Role::Client) return false;
  return m_net->connect(host, port);
}

void Host::step(uint32_t maxWaitMs) {
  m_net->frame(now());
  const double wait = m_net->nextTickTime() - now();
  if (wait > 0) m_net->service(std::min(maxWaitMs, static_cast<uint32_t>(std::ceil(wait * 1000.0))));
}

void Host::run(double durationSeconds, const std::function<bool()>& stop, const std::function<void()>& everySecond) {
  const double start = now();
  double nextReport = start + 1.0;
  for (;;) {
    const double t = now();
    if (durationSeconds > 0 && t - start >= durationSeconds) break;
    if (stop && stop()) break;
    if (role() == Role::Client && disconnected()) break;
    step();
    if (everySecond && now() >= nextReport) {
      everySecond();
      nextReport += 1.0;
    }
  }
}

} // namespace ferrum
