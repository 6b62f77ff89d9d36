#include "net/forward_pacing.h"

#include <algorithm>

namespace ferrum {

namespace {
/// However far: at least this often (s), so that a far player's copy is never long stale.
constexpr double kMaxForwardInterval = 1.0;
} // namespace

double forwardInterval(float distance, float relevanceRadius, int sendHz) {
  const double near = relevanceRadius / 4.0;
  if (!(near > 0) || !(distance > near) || sendHz <= 0) return 0;
  const double k = (distance / near) * (distance / near);
  return std::min((k - 0.5) / sendHz, kMaxForwardInterval);
}

bool ForwardPacing::admit(EntityId id, double now, double interval) {
  if (interval <= 0) {
    m_slots.erase(id);
    return true;
  }
  auto [it, fresh] = m_slots.try_emplace(id);
  Slot& slot = it->second;
  // The interval asked for now, not the one of the last send: an entity coming nearer
  // gets its faster rate at once.
  slot.interval = interval;
  if (fresh || now >= slot.sentAt + interval) {
    slot.sentAt = now;
    slot.waiting = false;
    return true;
  }
  slot.waiting = true;
  m_nextDue = std::min(m_nextDue, slot.sentAt + interval);
  return false;
}

std::vector<EntityId> ForwardPacing::takeDue(double now) {
  std::vector<EntityId> due;
  if (now < m_nextDue) return due; // the common case, called often: nothing to do
  m_nextDue = std::numeric_limits<double>::infinity();
  for (auto it = m_slots.begin(); it != m_slots.end();) {
    Slot& slot = it->second;
    if (now < slot.sentAt + slot.interval) {
      if (slot.waiting) m_nextDue = std::min(m_nextDue, slot.sentAt + slot.interval);
      ++it;
    } else if (slot.waiting) {
      due.push_back(it->first);
      slot.sentAt = now;
      slot.waiting = false;
      ++it;
    } else {
      it = m_slots.erase(it);
    }
  }
  return due;
}

size_t ForwardPacing::waiting() const {
  size_t n = 0;
  for (const auto& [id, slot] : m_slots) n += slot.waiting ? 1 : 0;
  return n;
}

} // namespace ferrum
