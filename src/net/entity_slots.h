#pragma once
// A dense slot per entity id: small integers, reused after release, so per-entity
// state that every receiver keeps (net/delta_sender.h, net/send_watch.h) can live in
// flat arrays indexed by slot instead of one hash map per receiver. With dozens of
// clients and thousands of entities a server otherwise pays a hash look-up (and the
// cache misses of a node per entry) for every entity, for every client, on every send.
//
// One id -> slot map is kept here; the per-receiver arrays are looked up by slot.
// A slot is reused once released: whoever keeps state by slot also keeps the id it
// was for and treats a different id at the same slot as a fresh entity.

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "ferrum/ids.h"

namespace ferrum {

class EntitySlots {
public:
  static constexpr uint32_t kNone = UINT32_MAX;

  /// The slot of `id`, given one now if it has none (the lowest released slot first).
  uint32_t assign(EntityId id);
  /// The slot of `id`, or kNone.
  uint32_t find(EntityId id) const {
    auto it = m_slots.find(id);
    return it == m_slots.end() ? kNone : it->second;
  }
  /// `id` is gone: its slot may be given to another id.
  void release(EntityId id);
  /// One past the highest slot ever given: a size for arrays indexed by slot.
  uint32_t span() const { return m_span; }
  size_t size() const { return m_slots.size(); }

private:
  std::unordered_map<EntityId, uint32_t> m_slots;
  std::vector<uint32_t> m_free; ///< released slots, a min-heap
  uint32_t m_span = 0;
};

} // namespace ferrum
