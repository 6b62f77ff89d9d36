#include "net/send_watch.h"

#include <algorithm>

namespace ferrum {

SendWatch::Record& SendWatch::recordAt(EntityId id, uint32_t slot) {
  if (slot >= m_records.size()) m_records.resize(std::max<size_t>(slot + 1, m_records.size() * 3 / 2));
  Record& r = m_records[slot];
  if (r.id == id) return r;
  // Empty, or the slot was reused after its old entity went: that one's record goes.
  if (!r.id.isNull()) {
    unwatch(r);
    --m_count;
  }
  r = Record{id, false, 0, kNever};
  ++m_count;
  return r;
}

const SendWatch::Record* SendWatch::find(EntityId id) const {
  const uint32_t slot = m_slots->find(id);
  if (slot >= m_records.size() || m_records[slot].id != id) return nullptr;
  return &m_records[slot];
}

void SendWatch::watch(EntityId id, uint32_t slot) {
  Record& r = recordAt(id, slot);
  if (r.watched) return;
  r.watched = true;
  r.index = static_cast<uint32_t>(m_watched.size());
  m_watched.push_back({id, slot});
}

void SendWatch::unwatch(Record& r) {
  if (!r.watched) return;
  const Entry moved = m_watched.back();
  m_watched[r.index] = moved;
  m_records[moved.slot].index = r.index;
  m_watched.pop_back();
  r.watched = false;
}

void SendWatch::rest(EntityId id, uint32_t slot, uint32_t until) {
  Record& r = recordAt(id, slot);
  unwatch(r);
  r.until = extend(until);
  m_due.push_back({r.until, id, slot});
  std::push_heap(m_due.begin(), m_due.end(), later);
  // Each rest() adds an entry and a superseded one stays until its tick: rebuild the
  // heap from the records when stale entries outnumber true ones.
  if (m_due.size() > 2 * m_count + 64) {
    m_due.clear();
    for (uint32_t s = 0; s < m_records.size(); ++s) {
      const Record& rec = m_records[s];
      if (!rec.id.isNull() && !rec.watched && rec.until != kNever) m_due.push_back({rec.until, rec.id, s});
    }
    std::make_heap(m_due.begin(), m_due.end(), later);
  }
}

void SendWatch::restForever(EntityId id, uint32_t slot) {
  Record& r = recordAt(id, slot);
  unwatch(r);
  r.until = kNever;
}

void SendWatch::forget(EntityId id) {
  const uint32_t slot = m_slots->find(id);
  if (slot == EntitySlots::kNone) return;
  forget(id, slot);
  if (m_slots == &m_ownSlots) m_ownSlots.release(id); // nobody else keeps state by it
}

void SendWatch::forget(EntityId id, uint32_t slot) {
  if (slot >= m_records.size() || m_records[slot].id != id) return;
  Record& r = m_records[slot];
  unwatch(r);
  r.id = kNullEntity; // a heap entry left for it finds no record: skipped
  --m_count;
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

void SendWatch::collect(uint32_t tick, std::vector<Entry>& out) {
  advance(tick);
  while (!m_due.empty() && m_due.front().until <= m_lastTick64) {
    std::pop_heap(m_due.begin(), m_due.end(), later);
    const Due due = m_due.back();
    m_due.pop_back();
    // Only the entry of its current rest counts (it may have been watched, rested
    // again or forgotten since this one was pushed, or its slot given to another id).
    if (due.slot >= m_records.size()) continue;
    const Record& r = m_records[due.slot];
    if (r.id != due.id || r.watched || r.until != due.until) continue;
    watch(due.id, due.slot);
  }
  out.insert(out.end(), m_watched.begin(), m_watched.end());
}

void SendWatch::collect(uint32_t tick, std::vector<EntityId>& out) {
  std::vector<Entry> entries;
  collect(tick, entries);
  for (const Entry& e : entries) out.push_back(e.id);
}

bool SendWatch::watched(EntityId id) const {
  const Record* r = find(id);
  return r && r->watched;
}

bool SendWatch::resting(EntityId id) const {
  const Record* r = find(id);
  return r && !r->watched;
}

} // namespace ferrum
