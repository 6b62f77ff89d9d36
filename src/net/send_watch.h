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

// State is kept by the entity's dense slot (net/entity_slots.h) in a flat array: a
// DeltaSender touches it for nearly every block it looks at, for every client.

#include <cstdint>
#include <vector>

#include "ferrum/ids.h"
#include "net/entity_slots.h"

namespace ferrum {

class SendWatch {
public:
  /// `slots`: where ids get their slots (shared with the owner's other per-slot state);
  /// null: a map of its own.
  explicit SendWatch(EntitySlots* slots = nullptr) : m_slots(slots ? slots : &m_ownSlots) {}
  SendWatch(const SendWatch&) = delete;
  SendWatch& operator=(const SendWatch&) = delete;

  /// An entity to look at, with its slot.
  struct Entry {
    EntityId id;
    uint32_t slot;
  };

  /// Look at `id` on every send from now on (until rest() or forget()).
  void watch(EntityId id) { watch(id, m_slots->assign(id)); }
  void watch(EntityId id, uint32_t slot);
  /// Nothing to send of `id` before tick `until` unless its block changes.
  void rest(EntityId id, uint32_t until) { rest(id, m_slots->assign(id), until); }
  void rest(EntityId id, uint32_t slot, uint32_t until);
  /// Nothing to send of `id` until watched again or its block changes (also: gone).
  void rest(EntityId id) { restForever(id, m_slots->assign(id)); }
  void restForever(EntityId id, uint32_t slot);
  void forget(EntityId id);
  void forget(EntityId id, uint32_t slot);

  /// Time moves on to `tick` (successive ticks must not go backwards; wraps are fine).
  void advance(uint32_t tick);
  /// Advances to `tick`, then appends to `out` every id to look at: the watched
  /// ones, and the resting ones whose tick has come (which are watched from now on).
  void collect(uint32_t tick, std::vector<Entry>& out);
  void collect(uint32_t tick, std::vector<EntityId>& out);

  bool watched(EntityId id) const;
  bool resting(EntityId id) const;
  size_t watchedCount() const { return m_watched.size(); }
  size_t restingCount() const { return m_count - m_watched.size(); }

private:
  static constexpr uint64_t kNever = UINT64_MAX;
  struct Record {
    EntityId id;           ///< whose record this is (null: none; another id: a reused slot's old one)
    bool watched = false;
    uint32_t index = 0;    ///< its index in m_watched, when watched
    uint64_t until = 0;    ///< resting: the (64-bit) tick it is due
  };
  struct Due {
    uint64_t until;
    EntityId id;
    uint32_t slot;
  };
  static bool later(const Due& a, const Due& b) { return a.until > b.until; }

  /// The record of `id` at `slot`, made fresh if the slot held none or another id's.
  Record& recordAt(EntityId id, uint32_t slot);
  const Record* find(EntityId id) const;
  void unwatch(Record& r);
  uint64_t extend(uint32_t tick) const;

  EntitySlots m_ownSlots;
  EntitySlots* m_slots;
  std::vector<Record> m_records;                 ///< by slot
  size_t m_count = 0;                            ///< records in use (watched or resting)
  std::vector<Entry> m_watched;                  ///< the watched ones, in no order
  std::vector<Due> m_due;  ///< min-heap of resting ids by tick; entries no longer true are skipped
  uint32_t m_lastTick = 0;  ///< the newest tick seen by collect() ...
  uint64_t m_lastTick64 = 0; ///< ... on the 64-bit count
};

} // namespace ferrum
