#include "net/forward_pacing.h"

#include <algorithm>
#include <cmath>

namespace ferrum {

uint32_t forwardEvery(float distance, const ForwardFalloff& falloff, int sendHz) {
  if (!(falloff.falloffMeters > 0) || !(distance > falloff.fullRateMeters) || sendHz <= 1) return 1;
  // However far: a turn about once a second (the power of two nearest to sendHz: 32
  // send periods at 30 Hz, 1.07 s), so that a far player's copy is never long stale.
  // A power of two, as every k is, so that their turns coincide.
  uint32_t most = 1;
  while (most * 2 <= static_cast<uint32_t>(sendHz)) most *= 2;
  if (sendHz - static_cast<int>(most) > static_cast<int>(most * 2) - sendHz) most *= 2;
  const double k = std::pow(static_cast<double>(distance) / falloff.falloffMeters, 2.0);
  uint32_t every = 1;
  while (every < most && every * 2 <= k) every *= 2;
  return every;
}

bool ForwardPacing::admit(EntityId id, uint64_t beat, uint32_t every) {
  if (every <= 1) {
    m_slots.erase(id);
    return true;
  }
  auto [it, fresh] = m_slots.try_emplace(id);
  Slot& slot = it->second;
  if (fresh) slot.sentBeat = beat;
  // The k asked for now, not the one of the last send: an entity coming nearer gets
  // its faster rate at once, one going away its slower one from its next turn.
  if (fresh || slot.every != every) {
    slot.every = every;
    slot.due = nextTurn(slot.sentBeat, every);
  }
  slot.waiting = true;
  m_nextDue = std::min(m_nextDue, slot.due);
  return false;
}

std::vector<EntityId> ForwardPacing::takeDue(uint64_t beat) {
  std::vector<EntityId> due;
  if (beat < m_nextDue) return due; // the common case, called often: nothing to do
  m_nextDue = std::numeric_limits<uint64_t>::max();
  for (auto it = m_slots.begin(); it != m_slots.end();) {
    Slot& slot = it->second;
    if (beat < slot.due) {
      m_nextDue = std::min(m_nextDue, slot.due);
      ++it;
    } else if (slot.waiting) {
      due.push_back(it->first);
      slot.sentBeat = beat;
      slot.due = nextTurn(beat, slot.every);
      slot.waiting = false;
      m_nextDue = std::min(m_nextDue, slot.due);
      ++it;
    } else {
      // Its turn came with nothing new: forget it. Its next block starts a fresh slot,
      // whose first turn is after this beat, so turns stay at least k beats apart.
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
