#pragma once
// A set of entity ids kept by their dense slot (net/entity_slots.h): a member test by
// slot is one array read. A server asks, for every block it codes for a client, whether
// that client reads the entity's blocks without a length; as a hash set per client that
// question was 4 % of the 64-client server's thread (a node and its cache miss per ask).
//
// The entry at a slot names its id, so a slot released and given to another entity
// reads as "not a member" without anyone clearing it. Erase an id before its slot is
// released: erase() finds the slot by the id, and were the same id given the same
// slot again, a stale entry would read as a member.

#include <cstdint>
#include <vector>

#include "ferrum/ids.h"
#include "net/entity_slots.h"

namespace ferrum {

class SlotSet {
public:
  SlotSet() = default;
  SlotSet(const SlotSet&) = delete;
  SlotSet& operator=(const SlotSet&) = delete;
  /// Where ids get their slots (shared with whoever keeps other state by slot; it must
  /// outlive this). Call before the first insert; until then a map of its own.
  void useSlots(EntitySlots* slots) { m_slots = slots ? slots : &m_ownSlots; }

  void insert(EntityId id) {
    const uint32_t slot = m_slots->assign(id);
    if (slot >= m_ids.size()) m_ids.resize(slot + 1);
    m_ids[slot] = id;
  }
  void erase(EntityId id) {
    const uint32_t slot = m_slots->find(id);
    if (slot < m_ids.size() && m_ids[slot] == id) m_ids[slot] = kNullEntity;
  }
  bool contains(EntityId id) const { return contains(id, m_slots->find(id)); }
  /// With the slot the caller has already: no look-up of the id.
  bool contains(EntityId id, uint32_t slot) const { return slot < m_ids.size() && !id.isNull() && m_ids[slot] == id; }

private:
  EntitySlots m_ownSlots;
  EntitySlots* m_slots = &m_ownSlots;
  std::vector<EntityId> m_ids; ///< by slot: the member there, or null
};

} // namespace ferrum
