#include "net/send_watch.h"

#include <algorithm>

namespace ferrum {

void SendWatch::watch(EntityId id) {
  Record& r = m_records[id];
  if (r.watched) return;
  r.watched = true;
  r.slot = static_cast<uint32_t>(m_watched.size());
  m_watched.push_back(id);
}

void SendWatch::unwatch(Record& r) {
  if (!r.watched) return;
  const EntityId moved = m_watched.back();
  m_watched[r.slot] = moved;
  m_records[moved].slot = r.slot;
  m_watched.pop_back();
  r.watched = false;
}

void SendWatch::rest(EntityId id, uint32_t until) {
  Record& r = m_records[id];
  unwatch(r);
  r.until = extend(until);
  m_due.push_back({r.until, id});
  std::push_heap(m_due.begin(), m_due.end(), later);
  // Each rest() adds an entry and a superseded one stays until its tick: rebuild the
  // heap from the records when stale entries outnumber true ones.
  if (m_due.size() > 2 * m_records.size() + 64) {
    m_due.clear();
    for (const auto& [rid, rec] : m_records)
      if (!rec.watched && rec.until != kNever) m_due.push_back({rec.until, rid});
    std::make_heap(m_due.begin(), m_due.end(), later);
  }
}

void SendWatch::restForever(EntityId id) {
  Record& r = m_records[id];
  unwatch(r);
  r.until = kNever;
}

void SendWatch::forget(EntityId id) {
  auto it = m_records.find(id);
  if (it == m_records.end()) return;
  unwatch(it->second);
  m_records.erase(it); // a heap entry left for it finds no record: skipped
}

// A tick behind the newest seen (a caller's rest() for a moment already past) counts
// as that far back, so it is due at once.
uint64_t SendWatch::extend(uint32_t tick) const {
  const auto ahead = static_cast<int32_t>(tick - m_lastTick);
  return ahead >= 0 || m_lastTick64 >= static_cast<uint64_t>(-static_cast<int64_t>(ahead))
             ? m_lastTick64 + static_cast<uint64_t>(static_cast<int64_t>(ahead))
             : 0;
}

void SendWatch::advance(uint32_t tick) {
  m_lastTick64 += static_cast<uint32_t>(tick - m_lastTick);
  m_lastTick = tick;
}

void SendWatch::collect(uint32_t tick, std::vector<EntityId>& out) {
  advance(tick);
  while (!m_due.empty() && m_due.front().until <= m_lastTick64) {
    std::pop_heap(m_due.begin(), m_due.end(), later);
    const Due due = m_due.back();
    m_due.pop_back();
    auto it = m_records.find(due.id);
    // Only the entry of its current rest counts (it may have been watched, rested
    // again or forgotten since this one was pushed).
    if (it == m_records.end() || it->second.watched || it->second.until != due.until) continue;
    watch(due.id);
  }
  out.insert(out.end(), m_watched.begin(), m_watched.end());
}

bool SendWatch::watched(EntityId id) const {
  auto it = m_records.find(id);
  return it != m_records.end() && it->second.watched;
}

bool SendWatch::resting(EntityId id) const {
  auto it = m_records.find(id);
  return it != m_records.end() && !it->second.watched;
}

} // namespace ferrum
