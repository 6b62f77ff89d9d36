#include "net/replication_set.h"

#include <algorithm>

namespace ferrum {

void ReplicationSet::queue(EntityId id, float score) {
  if (holds(id) || !m_queued.insert(id).second) return;
  m_heap.push_back({score, id});
  std::push_heap(m_heap.begin(), m_heap.end(), lower);
}

void ReplicationSet::setQueue(const std::vector<std::pair<EntityId, float>>& entries) {
  m_queued.clear();
  m_heap.clear();
  for (const auto& [id, score] : entries) {
    if (holds(id) || !m_queued.insert(id).second) continue;
    m_heap.push_back({score, id});
  }
  std::make_heap(m_heap.begin(), m_heap.end(), lower);
}

EntityId ReplicationSet::popNext() {
  while (!m_heap.empty()) {
    std::pop_heap(m_heap.begin(), m_heap.end(), lower);
    const EntityId id = m_heap.back().id;
    m_heap.pop_back();
    // Entries whose entity was forgotten (or re-queued) since stay in the heap: skipped here.
    if (m_queued.erase(id)) return id;
  }
  return kNullEntity;
}

void ReplicationSet::mirror(EntityId id, const Held& h) {
  if (!m_slots) return;
  const uint32_t slot = m_slots->assign(id);
  if (slot >= m_bySlot.size()) m_bySlot.resize(std::max<size_t>(slot + 1, m_bySlot.size() * 3 / 2));
  m_bySlot[slot] = {id, h.confirmed ? h.scale : 0.0f, h.confirmed};
}

void ReplicationSet::unmirror(EntityId id) {
  if (!m_slots) return;
  const uint32_t slot = m_slots->find(id);
  if (slot < m_bySlot.size() && m_bySlot[slot].id == id) m_bySlot[slot] = {};
}

void ReplicationSet::markSent(EntityId id) {
  m_queued.erase(id);
  ++m_spawnsSent;
  mirror(id, m_held[id] = Held{m_spawnsSent, false, 1.0f});
  m_unconfirmed.emplace_back(m_spawnsSent, id);
}

void ReplicationSet::markOwn(EntityId id) {
  m_queued.erase(id);
  mirror(id, m_held[id] = Held{0, true, 1.0f});
}

bool ReplicationSet::onSpawnAck(uint32_t count, std::vector<EntityId>* confirmedNow) {
  // Counts only grow, and never past what was sent (compared as distances: wraps safely).
  if (static_cast<int32_t>(count - m_spawnsSent) > 0 || static_cast<int32_t>(count - m_spawnsAcked) < 0) return false;
  m_spawnsAcked = count;
  while (m_unconfirmedHead < m_unconfirmed.size() &&
         static_cast<int32_t>(m_unconfirmed[m_unconfirmedHead].first - count) <= 0) {
    const auto [index, id] = m_unconfirmed[m_unconfirmedHead++];
    auto it = m_held.find(id);
    // Only the spawn that made it held counts: after a leave and a new spawn, the
    // old spawn's ack says nothing about the new one.
    if (it != m_held.end() && it->second.index == index) {
      it->second.confirmed = true;
      mirror(it->first, it->second);
      if (confirmedNow) confirmedNow->push_back(it->first);
    }
  }
  // Confirmed entries are dropped from the front: all at once when none is left
  // (the storage kept), else once they are most of the vector.
  if (m_unconfirmedHead == m_unconfirmed.size()) {
    m_unconfirmed.clear();
    m_unconfirmedHead = 0;
  } else if (m_unconfirmedHead > 64 && m_unconfirmedHead * 2 > m_unconfirmed.size()) {
    m_unconfirmed.erase(m_unconfirmed.begin(), m_unconfirmed.begin() + static_cast<std::ptrdiff_t>(m_unconfirmedHead));
    m_unconfirmedHead = 0;
  }
  return true;
}

bool ReplicationSet::forget(EntityId id) {
  m_queued.erase(id);
  unmirror(id);
  return m_held.erase(id) != 0;
}

} // namespace ferrum
