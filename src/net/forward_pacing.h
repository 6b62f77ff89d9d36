#pragma once
// Server side, per receiving client: how often each other client's entity is forwarded
// to it. With interest management a far player matters less than a near one, yet its
// owner sends at full rate; forwarding every update to everyone it is relevant to
// makes each client's downstream grow with the number of players near it. Here an
// entity's blocks go to this receiver at most once per `interval` (0: every one). A
// block that comes sooner is not dropped for good: the entity is marked waiting, and
// once its interval has passed the server forwards the newest block it holds of it
// (never a stale one), so the last state before its owner stops moving still arrives.

#include <limits>
#include <unordered_map>
#include <vector>

#include "ferrum/ids.h"

namespace ferrum {

/// Within a quarter of the interest radius, every update; farther, about every k-th,
/// k = (distance / that)^2 (every 16th at the radius), and at least once a second.
/// The interval is k updates less half an update, so with regular owner packets every
/// k-th passes the moment it arrives (what is sent is not delayed) despite jitter.
double forwardInterval(float distance, float relevanceRadius, int sendHz);

class ForwardPacing {
public:
  /// A block of `id` is to be forwarded at `now` (seconds); `interval`: how far apart
  /// its blocks must be for this receiver now (0: no limit). True: send it now. False:
  /// it is held back and `id` waits (see takeDue).
  bool admit(EntityId id, double now, double interval);
  /// Entities whose held-back block is due at `now`: their newest block is to be sent
  /// now, and counts as sent. Also forgets entities whose interval has passed with
  /// nothing waiting (their next block goes at once anyway), so this stays small.
  std::vector<EntityId> takeDue(double now);
  size_t waiting() const;
  bool empty() const { return m_slots.empty(); }

private:
  struct Slot {
    double sentAt = 0;
    double interval = 0; ///< the newest interval asked for (it changes with distance)
    bool waiting = false;
  };
  std::unordered_map<EntityId, Slot> m_slots;
  double m_nextDue = std::numeric_limits<double>::infinity(); ///< no waiting entity is due before this
};

} // namespace ferrum
