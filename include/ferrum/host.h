#pragma once
/// Host: the front door. One object per peer (server or client), built from a plain
/// HostDef, that owns everything a running peer needs in the right order: the entity
/// types, the EntityGroup (with its physics world), the Effects, the transport (ENet or
/// in-memory, optionally behind a LinkSimulator) and the NetManager.
///
///     ferrum::HostDef def;
///     def.net.role = ferrum::Role::Server;
///     def.types.add(kBallType, ballType());
///     std::string error;
///     auto host = ferrum::Host::create(def, error);   // nullptr + error on failure
///     if (!host) { fprintf(stderr, "%s\n", error.c_str()); return 1; }
///     host->run(60.0);                                 // a minute of ticks
///
/// The loop is the seed's: frame(now) runs the ticks that are due; between frames the
/// host waits on the transport (never a plain sleep), so what arrives is handled at
/// once. A game drives it with run(), with step() once per turn of its own loop, or
/// with frame(now) + service(ms) on a clock of its own (tests, replays).
///
/// Events (joins, ticks, packets) are NetManager's Signals: `host->net().onJoined`...

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "ferrum/clock.h"
#include "ferrum/effects.h"
#include "ferrum/enet_transport.h"
#include "ferrum/entity_group.h"
#include "ferrum/link_simulator.h"
#include "ferrum/memory_transport.h"
#include "ferrum/net_config.h"
#include "ferrum/net_manager.h"

namespace ferrum {

/// Everything a Host is built from. Plain fields with defaults; Host::create checks them.
struct HostDef {
  /// Role, rates and limits (validated by create()).
  NetConfig net;
  /// The game's entity types, registered identically on every peer of the game: peers
  /// whose tables differ cannot play together.
  ControllerRegistry types;
  /// Builds the static world (floor, walls) into the physics world; optional.
  std::function<void(PhysicsWorld&)> buildWorld;
  PhysicsConfig physics;

  /// Transport: ENet over UDP with these settings (a server listens on enet.bindHost
  /// and enet.port; 0 picks a free port: see Host::port()) ...
  EnetConfig enet;
  /// ... or, when set, the endpoint `memoryPort` of this in-memory network (which must
  /// outlive the Host; the port must be unused) ...
  MemoryNetwork* memoryNetwork = nullptr;
  uint16_t memoryPort = 0;
  /// ... or, when set, a transport the caller owns and keeps alive longer than the
  /// Host (a capture, a fault-injecting wrapper).
  Transport* transport = nullptr;

  /// Link conditions imposed on top of the transport by a LinkSimulator: what happens
  /// to what this peer sends, and to what it receives. All zero: no simulator.
  LinkConditions outgoing;
  LinkConditions incoming;
  uint64_t linkSeed = 1; ///< the simulator's random stream
  /// Put a LinkSimulator in even while both are all zero, to change the conditions
  /// later (Host::linkSimulator()->setConditions).
  bool simulateLink = false;

  /// The clock run() and step() read, and the link simulator's and the NetManager's
  /// (NetManager::setClock). Unset: steadySeconds.
  std::function<double()> clock;
  /// How remote entities are shown; unset: each entity type's own EntityType::viewMode.
  std::optional<ViewMode> viewMode;
};

class Host {
public:
  /// Builds a working peer, or returns nullptr and fills `error` with why not (a bad
  /// config field, no types, two transports chosen, a port in use...). Never returns
  /// a half-built peer.
  static std::unique_ptr<Host> create(HostDef def, std::string& error);
  ~Host();
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  /// Client: starts joining the server at host:port (for an in-memory network, the
  /// server's memoryPort; `host` is ignored). False if the attempt cannot start or
  /// this is a server. Watch joined() / disconnected().
  bool connect(const std::string& host, uint16_t port);

  /// One turn of the loop: runs the ticks due now, then waits on the transport until
  /// the next tick is due (at most `maxWaitMs`), handling packets as they come.
  void step(uint32_t maxWaitMs = 100);
  /// Turns the loop until `durationSeconds` pass (<= 0: no limit), `stop` returns true
  /// (checked every turn), or a client loses its server. `everySecond` runs once a second.
  void run(double durationSeconds, const std::function<bool()>& stop = {},
           const std::function<void()>& everySecond = {});
  /// The same two halves on a clock of the caller's: run the ticks due at `now`, then
  /// wait on the transport for at most `waitMs`.
  void frame(double now) { m_net->frame(now); }
  void service(uint32_t waitMs) { m_net->service(waitMs); }

  /// Says goodbye to every link (bounded by NetConfig::shutdownWaitMs).
  void shutdown() { m_net->shutdown(); }

  bool joined() const { return m_net->joined(); }
  bool disconnected() const { return m_net->disconnected(); }
  Role role() const { return m_net->config().role; }
  /// Server over ENet: the UDP port bound; in-memory: the endpoint's port; else 0.
  uint16_t port() const { return m_port; }
  /// Seconds on this host's clock since create().
  double uptimeSeconds() const { return now() - m_createdAt; }
  double now() const { return m_clock(); }

  NetManager& net() { return *m_net; }
  const NetManager& net() const { return *m_net; }
  EntityGroup& group() { return *m_group; }
  const EntityGroup& group() const { return *m_group; }
  Effects& effects() { return m_effects; }
  Transport& transport() { return *m_link; }
  /// The LinkSimulator between the transport and the NetManager, or nullptr.
  LinkSimulator* linkSimulator() { return m_simulator.get(); }
  const ControllerRegistry& types() const { return m_types; }

private:
  Host() = default;

  // Declaration order is construction order; destruction runs backwards, so the
  // NetManager goes first and the types (which the group's entities refer to) last.
  ControllerRegistry m_types;
  std::unique_ptr<EntityGroup> m_group;
  Effects m_effects;
  std::unique_ptr<Transport> m_ownTransport;
  std::unique_ptr<LinkSimulator> m_simulator;
  Transport* m_link = nullptr; ///< what the NetManager talks to
  std::unique_ptr<NetManager> m_net;
  std::function<double()> m_clock;
  uint16_t m_port = 0;
  double m_createdAt = 0;
};

} // namespace ferrum
