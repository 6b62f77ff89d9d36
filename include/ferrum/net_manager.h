#pragma once
/// NetManager: one class for server and client (role from NetConfig), as in the seed.
///
/// Every tick, on every peer:
///  1. receive: transport events are handled as they arrive (see service()).
///  2. local authority: serverUpdate() of every entity this peer is authority for builds
///     this tick's blocks, and each block is read straight back through the client
///     path (clientUpdate(&block)) - the seed's loopback, with no socket.
///  3. remote authority: clientUpdate(&block) where a block arrived, else clientUpdate(nullptr).
///  4. physics step.
///  5. send, at most sendHz times a second: the server sends its blocks to every client,
///     a client sends the blocks of what it owns to the server. The server forwards
///     client-owned blocks to the other clients as they arrive, what is due to one
///     client within NetConfig::forwardWindowMs in one packet.
///
/// The caller owns time: frame(now) runs the ticks that are due, service(ms) waits on
/// the transport until the next one (handling packets meanwhile).

#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "ferrum/effects.h"
#include "ferrum/entity_group.h"
#include "ferrum/net_config.h"
#include "ferrum/net_stats.h"
#include "ferrum/signal.h"
#include "ferrum/transport.h"

namespace ferrum {

class SendLimiter;
class Referee;
class ForwardQueue;
class EntityWalk;
class BlockChanges;
struct LocalSendFacts;
struct ForwardSection;
struct SpawnBaseline;

namespace wire {
struct StateBlock;
struct StateHeader;
struct StatePacket;
struct Spawn;
struct EntityEvent;
struct Leave;
struct WorldComplete;
} // namespace wire

class NetManager final : private EntityGroupHooks {
public:
  /// `transport`, `group` and `effects` must outlive the NetManager. Asserts on an
  /// invalid config (validate it first: that is the caller's job).
  NetManager(const NetConfig& config, Transport& transport, EntityGroup& group, Effects& effects);
  ~NetManager();
  NetManager(const NetManager&) = delete;
  NetManager& operator=(const NetManager&) = delete;

  /// Client: starts joining the server at host:port. False if the attempt cannot start.
  bool connect(const std::string& host, uint16_t port);

  /// Runs every tick due at `nowSeconds` (any monotonic clock, same one every call).
  void frame(double nowSeconds);
  /// Handles transport events, waiting at most `waitMs` for the first one.
  void service(uint32_t waitMs);
  /// When the next tick is due, on the clock given to frame().
  double nextTickTime() const { return m_nextTickTime; }
  /// The clock frame() is given (Host passes its own); the server times its forward
  /// window on it between frames. Default (and an empty one): steadySeconds.
  void setClock(std::function<double()> clock);
  /// The clock the server times its own work on for the join budget
  /// (NetConfig::maxSpawnsPerTick): how long its ticks take, their spawns and their
  /// wait for the physics step. Real time, whatever clock drives frame() (a paused or
  /// simulated game clock would make every tick take no time and let the budget grow
  /// unchecked). Default (and an empty one): steadySeconds; a test may give one that
  /// moves only as it says, to make the budget the same on every machine.
  void setWorkClock(std::function<double()> clock);

  /// Creates an entity this peer is authority for and announces it (reliably).
  /// Returns the null id if this client has not joined yet, the type is unknown, a
  /// client may not spawn it, or `state` holds a non-finite number.
  EntityId spawn(EntityTypeId type, const SpawnState& state);
  /// Removes an entity this peer is authority for (the server may remove any) and
  /// tells the others. False if there is no such entity or it is not ours.
  bool despawn(EntityId id);

  /// Says goodbye to every link and waits (bounded by shutdownWaitMs) for delivery.
  void shutdown();
  /// Server: the operator is stopping it. From now on new clients are refused, and
  /// shutdown() tells connected ones the server is draining (a reason they can show,
  /// and a hint to go elsewhere) instead of that the match ended. Clients already in
  /// keep playing until then.
  void drain() { m_draining = true; }
  bool draining() const { return m_draining; }

  /// Client: true once the server's welcome arrived; server: always true.
  bool joined() const { return m_joined; }
  /// Client: true after the server closed the link or refused us.
  bool disconnected() const { return m_disconnected; }
  const std::string& disconnectReason() const { return m_disconnectReason; }
  /// Client: the server ended the game itself (it shut down or is draining) after
  /// welcoming us: a clean end, unlike a timeout, a kick or a refusal.
  bool serverEndedGame() const { return m_serverEndedGame; }
  PeerId localPeer() const { return m_group.localPeer(); }
  uint32_t tick() const { return m_tick; }
  const NetConfig& config() const { return m_config; }
  EntityGroup& group() { return m_group; }
  NetStats stats() const;

  /// Server: interest management. `relevance(viewer, entity, held)` says how much
  /// client `viewer` cares about `entity`: 0 = not at all (it is not sent there, and
  /// a copy it holds leaves it: see onEntityLeft), more = a priority scale for the
  /// entity's state to it (1 = its type's priority as is). `held`: the viewer holds a
  /// copy now (for hysteresis, so that an entity at the edge does not come and go).
  /// Called every few ticks per client and entity, and when an entity is spawned;
  /// never for the viewer's own entities (always relevant). Replaces the built-in rule
  /// (NetConfig::relevanceRadius); an empty function restores it.
  using Relevance = std::function<float(PeerId viewer, const Entity& entity, bool held)>;
  void setRelevance(Relevance relevance) { m_relevance = std::move(relevance); }
  /// Client: the server has sent every entity it queued for us at our join (the
  /// whole world, or what our interest covers): from here on we hold it.
  bool worldComplete() const { return m_worldComplete; }

  // Events: any number of listeners each (`listen` returns a Subscription that
  // detaches on destruction), called in the order they were added.
  /// At the start of every tick, before any controller runs: set inputs here.
  Signal<uint32_t> onTick;
  /// At the end of every tick, after the physics step and any send: what ran between
  /// onTick and onTickEnd is the tick's whole cost (a server's metrics time it).
  Signal<uint32_t> onTickEnd;
  /// Client: once, when the server's welcome arrives (`self` is our slot).
  Signal<PeerId> onJoined;
  /// Server: a client joined or left (left includes timed out and kicked).
  Signal<PeerId> onPeerJoined;
  Signal<PeerId> onPeerLeft;
  /// A state packet left this peer carrying its own entities' blocks of `originTick`.
  Signal<uint32_t> onStateSent;
  /// A state packet arrived whose blocks come from `origin`'s tick `originTick`.
  Signal<PeerId, uint32_t> onStateArrived;
  /// Client: once, when the server says we hold the whole world (see worldComplete()).
  Signal<> onWorldComplete;
  /// Client: an entity left our interest (it lives on at the server). Emitted just
  /// before its copy is removed, quietly: no despawn of the game's (EntityGroup's
  /// onDespawned still fires, as for any copy that goes). It may come back later.
  Signal<EntityId> onEntityLeft;

private:
  struct Remote;
  struct SpawnPass;
  struct EntityNet;

  // EntityGroupHooks: controllers' events and despawn requests.
  void raiseEvent(EntityId source, const WriteStream& payload) override;
  void requestDespawn(EntityId id) override;
  void applyDespawnRequests();
  void onEventMessage(Remote& from, const wire::EntityEvent& event);
  uint32_t serverTickNow();
  double fractionalTick() const;
  void runTick();
  void removeNonFinite();
  void buildLocalBlocks();
  void updateRemoteEntities();
  bool sendState(); ///< true when it sent state of ours (onStateSent)
  /// The header of the next state packet to `to` in `origin`'s series (its sequence
  /// not yet taken): what a send budgets for is what it writes.
  wire::StateHeader nextStateHeader(const Remote& to, PeerId origin, uint32_t originTick, uint32_t stateTick) const;
  /// Writes what fits of `blocks` into one state packet; returns its sequence. The
  /// blocks written, in order, go to `written` when given.
  /// The first `delimitDecided` of `blocks` come from our delta sender, which set their
  /// selfDelimited by leavesOutLength() for this receiver already.
  uint16_t sendBlocks(Remote& to, PeerId origin, uint32_t originTick, uint32_t stateTick,
                      const std::vector<const wire::StateBlock*>& blocks,
                      std::vector<const wire::StateBlock*>* written = nullptr, size_t delimitDecided = 0);
  bool leavesOutLength(const Remote& to, const wire::StateBlock& block) const;
  void newRemote(std::unique_ptr<Remote>& remote);
  void countSent(Remote& to, size_t bytes);
  void sendReliable(Remote& to, const std::vector<uint8_t>& bytes);
  void broadcastReliable(const std::vector<uint8_t>& bytes, PeerId except);

  void handle(TransportEvent& event);
  void onConnected(const TransportEvent& event);
  void onHello(Remote& from, const TransportEvent& event);
  void welcome(Remote& to);
  void onDisconnected(const TransportEvent& event);
  void onReliable(Remote& from, std::span<const uint8_t> payload);
  void onState(Remote& from, const TransportEvent& event);
  /// Client: how blocks without a length in `from`'s packets are read (wire::DelimitLayout).
  std::function<const FieldLayout*(const wire::StateHeader&, EntityId)> delimitLayouts(Remote& from);
  void onUnreadable(Remote& from, const wire::StatePacket& packet);
  // Forwarding client-owned state (net_manager_forward.cpp).
  void forward(Remote& from, const wire::StatePacket& packet, std::vector<wire::StateBlock> blocks);
  void flushForwards(bool all);
  uint32_t forwardWaitMs(uint32_t waitMs) const;
  void sendForwards(Remote& to, const std::vector<std::shared_ptr<const ForwardSection>>& sections);
  void acceptForwardedSections(Remote& from, wire::StatePacket& packet);
  void onSpawnMessage(Remote& from, const wire::Spawn& spawn);
  void keepSpawnBaseline(Remote& from, const wire::Spawn& spawn, std::span<const uint8_t> bytes);
  void showSpawnAsFirstNews(Entity& entity, const SpawnState& spawn, uint32_t serverTick);
  bool refereeBlock(Remote& from, Entity& entity, const EntityNet& net, uint32_t originTick, wire::StateBlock& block);
  void acceptBlocks(Remote& from, wire::StatePacket& packet, std::vector<wire::StateBlock>* forward);
  void rebuildDeltas(Remote& from, wire::StatePacket& packet, bool ownSeries);
  void forgetBaselines(EntityId id);
  static std::vector<EntityId> needFullFor(const Remote& to);
  void removePeerEntities(PeerId slot);
  /// Charges `from` with a violation (the referee keeps score) and kicks it when the
  /// referee says so.
  void violation(Remote& from, const char* what);
  std::string describeServerTypeTable() const;
  void despawnLocal(EntityId id);
  Remote* remoteByLink(LinkId link);
  // Replication sets (server; net_manager_replication.cpp).
  void queueWorld(Remote& to);
  /// Server: `to`'s spawn queue scored afresh (`entries`), from where its own entities
  /// (`own`, null: none) are now; noted for updateRelevance's next look.
  void setScoredQueue(Remote& to, const std::vector<std::pair<EntityId, float>>& entries,
                      const std::vector<Vec3>* own);
  /// One tick's paced spawns (net/net_manager_spawn_pass.h): chosen and coded before the step,
  /// sent while it runs.
  void chooseSpawns();
  void sendChosenSpawns();
  uint32_t codedSpawnOf(const Entity& e);
  void updateRelevance();
  bool relevanceActive() const { return m_relevance || m_config.relevanceRadius > 0; }
  float relevanceOf(const Remote& viewer, const Entity& e, bool held,
                    const std::unordered_map<PeerId, std::vector<Vec3>>& points) const;
  std::unordered_map<PeerId, std::vector<Vec3>> ownedPositions() const;
  void announceSpawn(const Entity& e, const std::vector<uint8_t>& bytes, PeerId except);
  void sendToHolders(EntityId id, const std::vector<uint8_t>& bytes, PeerId except);
  void forgetReplicated(EntityId id);
  void sendSpawnAck();
  void forwardNewestTo(Remote& to, const std::vector<EntityId>& ids);
  /// This send's blocks of our own state for `to` (net_manager_replication.cpp).
  std::vector<const wire::StateBlock*> selectStateFor(Remote& to, size_t budgetBits);
  // Spawn baselines, sender side (net_manager_replication.cpp).
  /// `made`: the baseline of `bytes` when the caller read it out already (else read here).
  void rememberSpawnBaseline(Remote& to, EntityId id, PeerId authority, const std::vector<uint8_t>& bytes,
                             const SpawnBaseline* made = nullptr);
  void useSpawnBaselines(Remote& to, const std::vector<EntityId>& confirmed);
  void noteNoLongerHeld(Remote& to, EntityId id);
  void pruneNoLongerHeld(Remote& to);
  void onLeave(const wire::Leave& leave);
  void onWorldCompleteMessage(const wire::WorldComplete& complete);
  Remote* remoteBySlot(PeerId slot);
  // Admission (net_manager_admission.cpp): who may hold a slot, and for how long.
  /// Server: closes connections whose hello is overdue (they hold a slot meanwhile).
  void closeSilentConnections();
  /// Server: starts the cooling-off of a client being kicked.
  void startCoolOff(const Remote& kicked);
  /// Server: seconds left of the cooling-off covering `link`'s address (0: none).
  double coolOffLeft(LinkId link);
  std::string coolOffKey(LinkId link) const;

  NetConfig m_config;
  Transport& m_transport;
  /// The last serviced message's storage, kept for the next service() call: a
  /// transport that fills the event's payload in place (ENet's assign) or hands
  /// storage back (MemoryTransport) then allocates nothing for a message that fits.
  std::vector<uint8_t> m_servicePayload;
  EntityGroup& m_group;
  Effects& m_effects;

  bool m_joined = false;
  bool m_disconnected = false;
  bool m_leaving = false;
  bool m_draining = false;
  std::string m_disconnectReason;
  bool m_serverEndedGame = false;
  /// Client: the server's type table message as it came, when it refuses ours; put in
  /// words only if the refusal's disconnect follows (describeServerTypeTable).
  std::vector<uint8_t> m_serverTypeTable;
  uint32_t m_tick = 0;
  uint32_t m_droppedTicks = 0; ///< backlog ticks frame() dropped (never run) so far
  /// Our clock in ticks: those run plus those dropped (what the referee measures time by).
  uint32_t clockTick() const { return m_tick + m_droppedTicks; }
  int64_t m_stampOffset = 0; ///< client: server tick minus ours, as stamped (sticky)
  bool m_hasStampOffset = false;
  double m_nextTickTime = 0;
  bool m_started = false;
  double m_frameTime = 0; ///< the time the newest frame() was given
  bool m_catchingUp = false; ///< reading what arrived between frames (frame()'s own service)
  std::unique_ptr<SendLimiter> m_limiter;
  uint32_t m_sends = 0; ///< state sends so far, every turn's
  /// Server with NetConfig::staggerSends: how many turns clients take across a send
  /// period (1: all on the same ticks), the turn this tick serves, and each turn's own
  /// count of sends: the clock its clients' bandwidth budgets refill on.
  int m_turns = 1;
  int m_turn = 0;
  std::vector<uint32_t> m_turnSends;
  int turnOf(PeerId slot) const { return m_turns > 1 ? static_cast<int>(slot % m_turns) : 0; }
  uint32_t sendsOf(const Remote& to) const;
  /// Server: judges what clients send (rate, spawns, blocks, violations, clocks).
  std::unique_ptr<Referee> m_referee;
  /// Server: forwarded state waiting for its receiver's window to close.
  std::unique_ptr<ForwardQueue> m_forwards;
  /// Every entity, walked each tick without an id copy (core/entity_walk.h).
  std::unique_ptr<EntityWalk> m_walk;
  std::function<double()> m_clock;
  std::function<double()> m_workClock; ///< the join budget's (setWorkClock)

  std::map<LinkId, std::unique_ptr<Remote>> m_remotes;
  std::unordered_map<EntityId, EntityNet> m_entityNet;
  std::vector<EntityId> m_despawnRequests;
  std::map<PeerId, uint32_t> m_slotCounters; ///< server: next free entity counter per client slot
  std::vector<PeerStats> m_departed; ///< final figures of links that closed
  std::vector<wire::StateBlock> m_localBlocks;
  /// Server: which of m_localBlocks changed since the turn's previous send, worked out
  /// once per send (at m_blockChangesSend, of the turn's sends) for every client's
  /// delta sender; one per turn.
  std::vector<std::unique_ptr<BlockChanges>> m_blockChanges;
  std::vector<uint32_t> m_blockChangesSend;
  void refreshBlockChanges();
  /// m_localBlocks' slots, hashes, layouts and priorities, once per send for every client.
  std::unique_ptr<LocalSendFacts> m_localFacts;
  LocalSendFacts& localFacts();
  NetCounters m_counters;
  Relevance m_relevance;
  std::unique_ptr<SpawnPass> m_spawnPass; ///< server: this tick's paced spawns
  size_t m_paceCursor = 0; ///< server: the client the next tick's paced spawns start with
  int m_spawnBudget = 0;         ///< server: spawns the next tick may pace (0: not yet set)
  bool m_spawnBudgetUsed = false; ///< server: the last tick paced its whole budget
  bool m_spawnsWaiting = false;   ///< server: spawns were left in a queue after the last tick
  double m_spawnSecondsInFrame = 0; ///< server: time the spawn passes took in this frame's ticks (work clock)
  double m_stepWaitSecondsInFrame = 0; ///< ... and waiting for steps on the physics thread
  /// Server: the ticks since the join budget was last judged (once per send period),
  /// their time (work clock) and, of it, the spawn passes' and the wait for the steps.
  int m_budgetTicks = 0;
  double m_budgetBusySeconds = 0;
  double m_budgetSpawnSeconds = 0;
  double m_budgetStepWaitSeconds = 0;
  bool m_budgetSawSend = false;  ///< ... one of them sent state
  void updateSpawnBudget(double busySecondsPerTick, double spawnSecondsPerTick, double stepWaitSecondsPerTick);
  bool m_worldComplete = false;
  uint32_t m_welcomeTick = 0; ///< client: our tick when the welcome arrived
  uint32_t m_spawnsReceived = 0; ///< client: Spawn messages from the server so far
  uint32_t m_spawnsAcked = 0;    ///< client: ... and the count our last SpawnAck said
  uint32_t m_spawnAckRepeats = 0; ///< client: once-a-second repeats of an unchanged count still due
  std::map<std::string, double> m_coolOffUntil; ///< server: kicked address (or address:port) → frame time it ends
  // Client: the server's tick minus ours, filtered, and how much it jitters (ticks).
  void updateViewTimeline();
};

} // namespace ferrum
