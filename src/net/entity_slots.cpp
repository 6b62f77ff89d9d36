#include "net/entity_slots.h"

#include <algorithm>
#include <functional>

namespace ferrum {

uint32_t EntitySlots::assign(EntityId id) {
  auto [it, added] = m_slots.try_emplace(id, kNone);
  if (!added) return it->second;
  // The lowest free slot keeps the arrays indexed by slot as short as the live count.
  if (!m_free.empty()) {
    std::pop_heap(m_free.begin(), m_free.end(), std::greater<>{});
    it->second = m_free.back();
    m_free.pop_back();
  } else {
    it->second = m_span++;
  }
  return it->second;
}

void EntitySlots::release(EntityId id) {
  auto it = m_slots.find(id);
  if (it == m_slots.end()) return;
  m_free.push_back(it->second);
  std::push_heap(m_free.begin(), m_free.end(), std::greater<>{});
  m_slots.erase(it);
}

} // namespace ferrum
