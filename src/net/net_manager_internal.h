#pragma once
// NetManager's private per-link and per-entity records, shared by its .cpp files.

#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "ferrum/net_manager.h"
#include "net/baseline_store.h"
#include "net/block_changes.h"
#include "net/delta_sender.h"
#include "net/forward_pacing.h"
#include "net/local_send_facts.h"
#include "net/referee.h"
#include "net/replication_set.h"
#include "net/slot_set.h"
#include "net/spawn_baseline.h"
#include "net/net_manager_spawn_pass.h"
#include "net/tick_offset.h"
#include "net/token_bucket.h"
#include "wire/messages.h"

namespace ferrum {

/// Spawns are coded at their type's declared precision (EntityType::statePrecision),
/// looked up in `registry`, which the handshake proved the same on both sides.
inline wire::PrecisionOf spawnPrecisions(const ControllerRegistry& registry) {
  return [&registry](EntityTypeId type) -> const RigidQuantization* {
    const EntityType* t = registry.find(type);
    return t ? t->statePrecision : nullptr;
  };
}

struct NetManager::Remote {
  LinkId link = kNoLink;
  PeerId slot = kNoPeer;
  bool joined = false; ///< server: welcome sent; client: the server link is up
  /// Our own state packets to it are numbered apart from the ones we forward (server):
  /// acks cover 33 sequences, and many clients' forwarded packets must not push the
  /// server's own out of that window before the delta sender hears of them.
  uint16_t nextSequence = 0;
  uint16_t nextForwardSequence = 0;
  ReceiveHistory received;        ///< its own state packets we got: our acks
  ReceiveHistory receivedForwarded; ///< client side: packets the server forwarded (loss only)
  std::unique_ptr<DeltaSender> delta; ///< what it has acked from us: what not to resend
  /// The send (its turn's count, NetManager::sendsOf) its delta sender last selected for: one that saw
  /// the previous send's blocks needs to look only at what changed since.
  uint32_t selectedSend = 0;
  bool selectedBefore = false;
  /// Whole blocks of its own packet series, what its deltas are rebuilt against.
  BaselineStore baselines;
  uint64_t ownPacketsReceived = 0; ///< of its own series: when to expire old baselines
  /// Entities whose deltas from it we could not rebuild: it is asked (in every state
  /// packet header to it, up to wire::kMaxNeedFull) for whole state until one arrives.
  std::vector<EntityId> needFull;
  /// Bytes of state it may be sent (when NetConfig::budgetKbps > 0): one send's worth
  /// per send, up to two saved; refilled on its turn's count of sends (NetManager::sendsOf).
  TokenBucket budget;
  RefereeRecord referee; ///< server side: what the referee knows of this client
  /// Server side: our dropped ticks when it was welcomed; its ticks count from our
  /// m_tick then, so the ones we drop later are ticks it has and we do not.
  uint32_t droppedTicksAtWelcome = 0;
  bool tooSlow = false;
  /// Server side: its hello named another type table; it was sent ours and its link
  /// closes once that is delivered.
  bool refused = false;
  /// Server side: the frame time by which its hello must have come (<0: not yet set).
  double helloDeadline = -1;
  /// Its state packets that never arrived, in both series.
  uint64_t stateLost() const { return received.lost() + receivedForwarded.lost(); }
  /// Client side, the server link: the server's tick counter against ours, which
  /// places every state on the server's timeline.
  TickOffset clock;
  /// Server side: states of this client's entities that the referee clamped, to send
  /// back to it with the next state packet (newest per entity).
  std::vector<wire::StateBlock> corrections;
  PeerStats stats;
  /// Server side: what it holds of our world and what waits to be spawned there.
  ReplicationSet replication;
  /// Server side: spawns of our own entities sent to it, whose acknowledgement (its
  /// SpawnAck) makes them the entities' first baselines (net/spawn_baseline.h).
  struct PendingSpawnBaseline {
    uint16_t anchor = 0; ///< newest packet of our series it had acknowledged at the spawn
    SpawnBaseline baseline;
  };
  std::unordered_map<EntityId, PendingSpawnBaseline> pendingSpawnBaselines;
  /// Server side: entities it stopped holding (left its interest, or despawned), with
  /// the last packet of our series sent before: a later spawn of the same id becomes a
  /// baseline only once it has acknowledged a packet after that one, so that a late
  /// block about the earlier spawn can never be rebuilt against the new one.
  std::unordered_map<EntityId, uint16_t> noLongerHeldAt;
  /// Server side: our own entities whose blocks go to it without a length (read by
  /// the entity's layout): their Spawn is acknowledged (SpawnAck), under the same rule
  /// as a spawn baseline (noLongerHeldAt), and it has not been sent a Leave or Despawn
  /// since, nor asked for the entity whole. `spawnsToDelimit`: sent, not yet counted.
  std::unordered_set<EntityId> spawnsToDelimit;
  SlotSet delimited; ///< by the server's own slots (LocalSendFacts::slots)
  /// Client side: which of the server's own entities its blocks may name without a
  /// length, and from which packet of its series on.
  DelimitAnchors delimitAnchors;
  /// Server side: how often the other clients' entities are forwarded to it (the
  /// farther from its own, the less often: net/forward_pacing.h) ...
  ForwardPacing pacing;
  /// ... measured from where its own entities were on tick ownPositionsTick.
  std::vector<Vec3> ownPositions;
  uint32_t ownPositionsTick = 0;
  bool hasOwnPositions = false;
  /// Server side, with interest management: its world is not queued yet; it waits
  /// for its player until tick worldWaitUntil (see kWorldWaitForPlayerSeconds).
  bool worldDeferred = false;
  uint32_t worldWaitUntil = 0;
  /// Server side: where its own entities were when its join's queue was last scored
  /// (nearest first). Without interest management a re-score only re-orders the queue.
  std::vector<Vec3> queueScoredFrom;
  /// ... and whether interest management scored it: once it is switched off, such a
  /// client is scored afresh (empty queue or not) and gets the rest of the world.
  bool queueScoredWithRelevance = false;
};

/// Server, with interest management: how long a joiner's world waits for the joiner's
/// own entity (its player), from where it is then queued nearest first. At the
/// welcome a joiner owns nothing, and one with nothing of its own sees everything (a
/// spectator): queued then, its world would begin with far entities that leave again
/// as soon as its player exists. One that spawns nothing by then is a spectator.
constexpr double kWorldWaitForPlayerSeconds = 0.5;

/// Server: how often (ticks) each client's interest is evaluated afresh; clients take
/// turns, so a tick evaluates about 1/kRelevanceEveryTicks of them.
constexpr uint32_t kRelevanceEveryTicks = 10;

/// Server, without interest management: a join's queue is scored again only once one
/// of the joiner's own entities has moved this far (m) since it was last scored. The
/// order it gives is by distance, and a player walking a metre or two barely changes
/// it, while scoring walks the whole world: at every turn that was an eighth of the
/// server's thread during 64 joins of a 2,000-entity world.
constexpr float kRescoreQueueMetres = 2.0f;

/// The join budget's timings: adds the time from its making to its end, on `clock`
/// (NetManager's work clock), to `into`.
class WorkTimer {
public:
  WorkTimer(const std::function<double()>& clock, double& into) : m_clock(clock), m_into(into), m_since(clock()) {}
  ~WorkTimer() { m_into += m_clock() - m_since; }
  WorkTimer(const WorkTimer&) = delete;
  WorkTimer& operator=(const WorkTimer&) = delete;

private:
  const std::function<double()>& m_clock;
  double& m_into;
  double m_since;
};

/// The state bandwidth budget's refill per send (0: no budget).
inline float budgetBytesPerSend(const NetConfig& config) {
  return config.budgetKbps * 1000.0f / 8.0f / static_cast<float>(config.sendHz);
}

/// Server: how far ahead of its own tick a client's origin tick may be (clients are
/// aligned at the welcome; this is room for their clock's drift and jitter, 4 s at 60 Hz).
constexpr int32_t kMaxOriginLeadTicks = 240;

struct NetManager::EntityNet {
  uint32_t lastOriginTick = 0;
  uint32_t lastAcceptedTick = 0; ///< server side: our clockTick() when its last block was accepted
  bool hasTick = false;
  bool hasPending = false;
  wire::StateBlock pending;
  double pendingTime = 0; ///< the pending block's place on the server's timeline (s)
};

} // namespace ferrum
