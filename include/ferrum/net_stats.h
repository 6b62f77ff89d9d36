#pragma once
/// Counters NetManager keeps, for status lines, --stats-json and tests.

#include <cstdint>
#include <vector>

#include "ferrum/ids.h"
#include "ferrum/net_config.h"

namespace ferrum {

/// Per remote peer. Bytes are application payload bytes (no UDP/ENet headers).
struct PeerStats {
  PeerId slot = kNoPeer;
  bool connected = true; ///< false: the peer has left; these are its final figures
  float rttMs = 0;
  uint64_t packetsSent = 0;
  uint64_t packetsReceived = 0;
  uint64_t bytesSent = 0;
  uint64_t bytesReceived = 0;
  uint64_t malformed = 0;      ///< packets or blocks that failed to decode (dropped)
  uint64_t rejected = 0;       ///< well-formed but refused: not its authority, bad spawn...
  uint64_t unknownEntity = 0;  ///< blocks for entities not (yet) known here (skipped)
  uint64_t stale = 0;          ///< blocks older than what was already applied (skipped)
  /// State packets dropped whole, unacknowledged, because a block without a length
  /// named an entity this side could not read it by (one it does not hold, or a
  /// packet from before its spawn was read). See NetCounters::unreadablePackets.
  uint64_t unreadable = 0;
  uint64_t clamped = 0;        ///< implausible updates corrected before forwarding
  uint64_t spawnsRejected = 0; ///< spawns refused (type, range, limits, implausible)
  uint64_t rateLimited = 0;    ///< packets dropped for exceeding maxPacketsPerSecond
  uint64_t largestStatePacket = 0; ///< bytes of the largest state packet sent to it
  uint64_t stateLost = 0; ///< its state packets that never arrived (sequence gaps; late ones excluded)
  // Server side: its replication set (what it was sent spawns of, what waits).
  uint64_t entitiesHeld = 0;  ///< entities it holds: spawned there (or its own) and not since removed
  uint64_t spawnsQueued = 0;  ///< spawns waiting for their turn (its join, or entities entering its interest)
};

/// Whole-peer counters.
struct NetCounters {
  uint64_t packetsSent = 0;     ///< totals over every link, including closed ones
  uint64_t packetsReceived = 0;
  uint64_t bytesSent = 0;
  uint64_t bytesReceived = 0;
  uint64_t clientsJoined = 0;
  uint64_t clientsLeft = 0;     ///< said goodbye
  uint64_t clientsTimedOut = 0; ///< went silent
  uint64_t clientsKicked = 0;
  uint64_t clientsTooSlow = 0;  ///< disconnected for a backlog past maxQueuedBytes
  uint64_t connectionsRefused = 0; ///< wrong protocol or game, or server full
  uint64_t spawnsSent = 0;
  uint64_t spawnsReceived = 0;
  uint64_t despawnsReceived = 0;
  uint64_t blocksApplied = 0;   ///< remote blocks fed to clientUpdate
  uint64_t blocksForwarded = 0; ///< server: client blocks passed on to other clients
  /// Server: state packets carrying forwarded blocks (several owners' each when
  /// NetConfig::forwardWindowMs > 0). Client: such packets received from the server.
  uint64_t forwardPackets = 0;
  /// Server: client blocks not forwarded to a receiver when they came because the
  /// entity was too far from the receiver's own for its turn (NetConfig's
  /// forwardFalloffMeters); each entity's newest such block goes on its turn
  /// (forwardsReleased), the older ones are superseded by it.
  uint64_t forwardsDeferred = 0;
  /// Server: held-back blocks forwarded on their entity's turn (also in blocksForwarded).
  uint64_t forwardsReleased = 0;
  uint64_t correctionsSent = 0;     ///< server: clamped states sent back to their owner
  uint64_t correctionsApplied = 0;  ///< client: such corrections reconciled by its controller
  uint64_t malformedBlocks = 0; ///< blocks a controller refused to decode
  /// Delta blocks that could not be rebuilt here (their baseline is not held, or the
  /// entity is unknown or malformed against it): dropped, never applied to another
  /// state, and the sender is asked for whole state (repaired within a round trip).
  uint64_t baselineMismatches = 0;
  uint64_t deltaBlocksReceived = 0; ///< blocks rebuilt from a field delta
  /// State packets dropped because a self-delimited block (sent without its length,
  /// to be read by its entity's layout) named an entity this side does not hold, or
  /// came in a packet sent before its spawn was read here. Nothing of such a packet is
  /// applied or acknowledged: the sender counts it lost and sends again. An entity it
  /// thought held here is asked for whole state (the header's needFull), which the
  /// sender then always sends with a length. A server counts a client's such packet
  /// as malformed instead: clients never send them.
  uint64_t unreadablePackets = 0;
  /// Of those, rebuilt against the state the entity's spawn carried (no block of it
  /// acknowledged yet). Server: such blocks sent.
  uint64_t spawnDeltaBlocks = 0;
  /// Server: blocks coded against acknowledged state once in a send and sent as the
  /// same bits to every client that named the same baselines (codingsReused), and the
  /// codings made for the first such client (codingsMade).
  uint64_t codingsReused = 0;
  uint64_t codingsMade = 0;
  uint64_t eventsRaised = 0;    ///< events raised by entities this peer is authority for
  uint64_t eventsReceived = 0;  ///< events from other peers, handled here
  uint64_t authorityHandovers = 0;
  /// Reliable messages this peer could not encode (a non-finite value in a spawn or
  /// event), so did not send: a bug on this side, never sent cut short.
  uint64_t unencodable = 0;
  /// Entities whose state turned non-finite in physics and were removed (logged).
  uint64_t nonFiniteRemoved = 0;
  // Paced joins and interest management (server side unless said).
  uint64_t spawnsPaced = 0;          ///< spawns of existing entities taken from clients' queues
  /// Spawn messages coded for them: one per entity per tick, however many clients got
  /// it then (joiners mostly wait for the same entities in the same order).
  uint64_t spawnCodings = 0;
  /// Clients' spawn queues scored, each a walk of the world: at every join; with
  /// interest management, at every evaluation of a client's interest (every few
  /// ticks); without it, while a join's spawns wait, only once the client's own
  /// entities have moved a couple of metres or come or gone.
  uint64_t joinQueueScorings = 0;
  uint64_t maxSpawnsPacedInTick = 0; ///< the most in one tick (never above the larger of NetConfig::spawnsPerTick and maxSpawnsPerTick)
  uint64_t worldCompletesSent = 0;   ///< joins whose whole queued world was sent
  uint64_t leavesSent = 0;           ///< entities that left a client's interest
  uint64_t leavesReceived = 0;       ///< client: copies dropped because they left our interest
  /// Client: ticks from the server's welcome to its WorldComplete notice (0 until then).
  uint64_t worldCompleteTicks = 0;
  // Server: connections closed or refused before they were clients.
  uint64_t helloTimeouts = 0;     ///< connected but sent no hello within NetConfig::helloTimeoutSeconds
  uint64_t refusedCoolingOff = 0; ///< refused: its address was kicked within kickCoolOffSeconds (also in connectionsRefused)
  // What the transport dropped before NetManager saw it (TransportCounters).
  uint64_t garbageDatagrams = 0;  ///< datagrams that are not the transport's protocol
  uint64_t handshakesRefused = 0; ///< connect requests dropped: too many half-open from one address, no free slot
  uint64_t halfOpenReaped = 0;    ///< handshakes never completed in time, reset
  uint64_t hoardersDropped = 0;   ///< links dropped for holding data behind a gap that never filled
  uint64_t hoardedBytes = 0;      ///< bytes those links held
};

struct NetStats {
  Role role = Role::Server;
  PeerId self = kNoPeer;
  uint32_t tick = 0;
  size_t liveEntities = 0;
  NetCounters counters;
  std::vector<PeerStats> peers;
};

} // namespace ferrum
