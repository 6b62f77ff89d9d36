#pragma once
// NetManager's private per-link and per-entity records, shared by its .cpp files.

#include <memory>

#include "ferrum/net_manager.h"
#include "net/delta_sender.h"
#include "net/tick_offset.h"
#include "wire/messages.h"

namespace ferrum {

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
  float budgetBytes = 0;          ///< bandwidth budget tokens (when NetConfig::budgetKbps > 0)
  uint64_t violations = 0;      ///< total, for statistics
  float violationScore = 0;     ///< leaky: decays by 1 per second; a kick above maxViolations
  uint32_t violationTick = 0;
  bool kicked = false;
  float packetTokens = -1;      ///< token bucket for incoming packets (server side); -1: full
  uint32_t packetTokensTick = 0;
  bool tooSlow = false;
  float spawnTokens = 0;       ///< token bucket for client spawns (server side)
  uint32_t spawnTokensTick = 0; ///< tick the bucket was last topped up
  uint32_t firstCounter = 1;    ///< server side: where its welcome said its entity counters start
  /// Server side: whether `id` is one this client may create: its slot, a counter from
  /// its welcome's first up to one short of the last (which would leave the slot's
  /// next occupant nothing to start from).
  bool mayCreate(EntityId id) const {
    return id.creator() == slot && id.counter() >= firstCounter && id.counter() < kMaxEntityCounter;
  }
  /// Its state packets that never arrived, in both series.
  uint64_t stateLost() const { return received.lost() + receivedForwarded.lost(); }
  /// Client side, the server link: the server's tick counter against ours, which
  /// places every state on the server's timeline.
  TickOffset clock;
  /// Server side: states of this client's entities that the referee clamped, to send
  /// back to it with the next state packet (newest per entity).
  std::vector<wire::StateBlock> corrections;
  PeerStats stats;
};

struct NetManager::EntityNet {
  uint32_t lastOriginTick = 0;
  uint32_t lastAcceptedTick = 0; ///< server side: our tick when its last block was accepted
  bool hasTick = false;
  bool hasPending = false;
  wire::StateBlock pending;
  double pendingTime = 0; ///< the pending block's place on the server's timeline (s)
};

} // namespace ferrum
