#pragma once
// Server side, per receiving client: how often each other client's entity is forwarded
// to it. With interest management a far player matters less than a near one, yet its
// owner sends at full rate; forwarding every update to everyone it is relevant to
// makes each client's downstream grow with the number of players near it. Here an
// entity that is not near a receiver goes to it only on every k-th beat (a beat: one
// owner send period, counted on the server's clock). Its blocks are not dropped for
// good: the entity is marked waiting, and on its beat the server forwards the newest
// block it holds of it (never a stale one), so the last state before its owner stops
// moving still arrives.
//
// k is a power of two and the beats are counted from one origin, so every far
// entity's turn falls on a multiple of 2, 4, 8, 16 or 32 beats: the turns of all the far
// players of one receiver coincide and share a packet (one state header for all of
// them) instead of costing a packet each at moments of their own.

#include <cstdint>
#include <limits>
#include <unordered_map>
#include <vector>

#include "ferrum/ids.h"

namespace ferrum {

/// The distance fall-off (NetConfig::forwardFullRateMeters, forwardFalloffMeters).
struct ForwardFalloff {
  float fullRateMeters = 0; ///< within this, every update
  float falloffMeters = 0;  ///< the distance scale beyond it; 0: no fall-off (every update)
};

/// Every how many beats an entity `distance` m from a receiver's nearest own entity is
/// forwarded to it: 1 (every update) within fullRateMeters or without a fall-off;
/// farther, k = (distance / falloffMeters)², rounded down to a power of two, at least
/// 1 and at most the power of two nearest to one second of beats (32 at 30 Hz).
uint32_t forwardEvery(float distance, const ForwardFalloff& falloff, int sendHz);

class ForwardPacing {
public:
  /// A block of `id` is to be forwarded during `beat`; `every`: the entity's k now.
  /// True (k = 1): send it now. False: it is held back and `id` waits (see takeDue).
  bool admit(EntityId id, uint64_t beat, uint32_t every);
  /// Entities whose turn has come by `beat` with a block waiting: their newest block
  /// is to be sent now. Also forgets entities with nothing waiting whose last turn is
  /// over, so this stays small. Called often; cheap while nothing is due.
  std::vector<EntityId> takeDue(uint64_t beat);
  size_t waiting() const;
  bool empty() const { return m_slots.empty(); }

  /// The first beat after `beat` that is a multiple of `every` (a power of two).
  static uint64_t nextTurn(uint64_t beat, uint32_t every) { return (beat / every + 1) * every; }

private:
  struct Slot {
    uint64_t due = 0;      ///< the beat of its next turn (a multiple of every)
    uint64_t sentBeat = 0; ///< the beat it was last sent in (admitted or released)
    uint32_t every = 1;
    bool waiting = false;
  };
  std::unordered_map<EntityId, Slot> m_slots;
  uint64_t m_nextDue = std::numeric_limits<uint64_t>::max(); ///< no waiting entity is due before this
};

} // namespace ferrum
