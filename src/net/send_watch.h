#pragma once
// Per receiver: which entities its delta sender must look at on the next send. A
// server with thousands of entities at rest and dozens of clients would otherwise
// walk every entity for every client on every send only to find, for nearly all of
// them, that the client holds exactly that block already. Each entity is
//  - watched: looked at on every send (it was sent and is not acknowledged yet, it
//    waits for room in a packet, it was just confirmed, its receiver asked for it
//    whole); or
//  - resting: the receiver holds exactly its current block and nothing is due before
//    a tick (its refresh): looked at again from that tick on, or as soon as the
//    caller says its block changed; or
//  - neither: nothing to send to this receiver (it does not hold it): only the
//    caller's list of changed blocks or a watch() brings it back.
// Ticks are 32-bit and wrap; they are kept here on a 64-bit count that does not.

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "ferrum/ids.h"

namespace ferrum {

class SendWatch {
public:
  /// Look at `id` on every send from now on (until rest() or forget()).
  void watch(EntityId id);
  /// Nothing to send of `id` before tick `until` unless its block changes.
  void rest(EntityId id, uint32_t until);
  /// Nothing to send of `id` until watched again or its block changes (also: gone).
  void rest(EntityId id) { restForever(id); }
  void forget(EntityId id);

  /// Time moves on to `tick` (successive ticks must not go backwards; wraps are fine).
  void advance(uint32_t tick);
  /// Advances to `tick`, then appends to `out` every id to look at: the watched
  /// ones, and the resting ones whose tick has come (which are watched from now on).
  void collect(uint32_t tick, std::vector<EntityId>& out);

  bool watched(EntityId id) const;
  bool resting(EntityId id) const;
  size_t watchedCount() const { return m_watched.size(); }
  size_t restingCount() const { return m_records.size() - m_watched.size(); }

private:
  static constexpr uint64_t kNever = UINT64_MAX;
  struct Record {
    bool watched = false;
    uint32_t slot = 0;     ///< its index in m_watched, when watched
    uint64_t until = 0;    ///< resting: the (64-bit) tick it is due
  };
  struct Due {
    uint64_t until;
    EntityId id;
  };
  static bool later(const Due& a, const Due& b) { return a.until > b.until; }

  void restForever(EntityId id);
  void unwatch(Record& r);
  uint64_t extend(uint32_t tick) const;

  std::unordered_map<EntityId, Record> m_records; ///< every watched or resting id
  std::vector<EntityId> m_watched;                ///< the watched ones, in no order
  std::vector<Due> m_due;  ///< min-heap of resting ids by tick; entries no longer true are skipped
  uint32_t m_lastTick = 0;  ///< the newest tick seen by collect() ...
  uint64_t m_lastTick64 = 0; ///< ... on the 64-bit count
};

} // namespace ferrum
