#pragma once
// The server's referee: what one client may do and what it is charged for. Packet
// rate, spawn checks (type, id range, rate, count, plausibility), state-block checks
// (through the entity's controller), violations and when they add up to a kick, and
// how far a client's own clock is believed. NetManager asks; the referee only judges
// and keeps score: it sends nothing and disconnects no one (NetManager acts on its
// verdicts). A client's NetManager keeps a record of the server link too, for the
// violation count and its one log line; only a server acts on a kick.

#include <cstdint>

#include "ferrum/entity_group.h"
#include "ferrum/net_config.h"
#include "net/token_bucket.h"
#include "wire/messages.h"

namespace ferrum {

/// What the referee knows of one client (NetManager keeps one per link).
struct RefereeRecord {
  PeerId slot = kNoPeer;
  uint32_t firstCounter = 1; ///< where its welcome said its entity counters start
  TokenBucket packets;       ///< its incoming packets: maxPacketsPerSecond, one second's worth as burst
  TokenBucket spawns;        ///< its spawns: spawnBurst at once, then maxSpawnsPerSecond
  uint64_t violations = 0;   ///< total, for statistics
  float violationScore = 0;  ///< leaky: decays by 1 per second; a kick above maxViolations
  uint32_t violationTick = 0;
  bool kicked = false;

  /// Whether `id` is one this client may create: its slot, a counter from its
  /// welcome's first up to one short of the last (which would leave the slot's next
  /// occupant nothing to start from).
  bool mayCreate(EntityId id) const {
    return id.creator() == slot && id.counter() >= firstCounter && id.counter() < kMaxEntityCounter;
  }
};

/// When a client's last accepted update of an entity came, and when this one claims to be from.
struct BlockTiming {
  bool known = false;            ///< an update of it was accepted before
  uint32_t lastOriginTick = 0;   ///< the owner's tick of that update
  uint32_t lastAcceptedTick = 0; ///< our clock (ticks run and dropped) when we accepted it
  uint32_t originTick = 0;       ///< the owner's tick of this one
};

class Referee {
public:
  /// `config` and `group` must outlive the referee.
  Referee(const NetConfig& config, const EntityGroup& group) : m_config(config), m_group(group) {}

  /// The record of a client joining `slot` at our tick `now`, its entity counters
  /// starting at `firstCounter`: both buckets full.
  RefereeRecord admit(PeerId slot, uint32_t firstCounter, uint32_t now) const;

  /// One more packet from the client at our tick `now`; false when it is past its
  /// rate (the packet is to be dropped and charged).
  bool withinPacketRate(RefereeRecord& client, uint32_t now) const;

  /// Charges a violation at our tick `now` (logged the first time only). True when it
  /// has just taken a server's client past maxViolations: kick it now (it is marked
  /// kicked; a client never kicks its server).
  bool violation(RefereeRecord& client, const char* what, uint32_t now) const;

  /// A spawn the client announced: nullptr if it may stand, else why not (a type
  /// clients may not spawn, outside its ids or authority, an id in use, over its rate
  /// or count, implausible for the game). Takes a spawn token only when it stands.
  const char* checkSpawn(RefereeRecord& client, const wire::Spawn& spawn, uint32_t now) const;

  enum class BlockVerdict : uint8_t {
    Accept,  ///< as sent
    Clamped, ///< `block` now holds the corrected state (forward it; tell its owner)
    Rejected ///< drop it
  };
  /// A state block the client sent for `entity` (which it owns), judged by the
  /// entity's controller (speed, teleports...) over the time it may have taken.
  /// Does not charge anything: the caller counts and charges by the verdict.
  BlockVerdict checkBlock(Entity& entity, const BlockTiming& timing, uint32_t now, wire::StateBlock& block) const;

  /// When on the server's timeline a client's packet was sent: the client stamps its
  /// own estimate, believed only within the last kMaxClaimedAgeTicks up to `now`, so
  /// a lying clock can misplace nothing but its own entities, and by little.
  static uint32_t claimedServerTick(uint32_t stamped, uint32_t now);
  static constexpr uint32_t kMaxClaimedAgeTicks = 60;

private:
  const NetConfig& m_config;
  const EntityGroup& m_group;
};

} // namespace ferrum
