#pragma once
// Server side, per client: which entities the client holds (it was sent their spawn),
// which of those it has confirmed (its SpawnAck counted the spawn), and which wait in
// its queue to be spawned there, highest score first. The queue is how a join, or an
// entity entering the client's interest, is paced: NetManager takes a few queued
// spawns per tick within a budget shared by every client, instead of sending the whole
// world at once.
//
// Why "confirmed": spawns travel on the reliable channel and state on the unreliable
// one; ENet orders neither against the other, and holds reliable data back behind its
// window. State (the server's own and forwarded) goes only to clients that confirmed
// the entity's spawn, so a block never arrives before the entity it describes.

#include <cstdint>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "ferrum/ids.h"
#include "net/entity_slots.h"

namespace ferrum {

class ReplicationSet {
public:
  /// Also keep each held entity's confirmed scale in a flat array by its slot (given
  /// by `slots`, which must not release a slot while its entity is held here): a
  /// server's senders ask it for every block they look at, for every client, every
  /// send (confirmedScale(id, slot)). Call before anything is held.
  void useSlots(EntitySlots* slots) { m_slots = slots; }
  /// Spawn `id` at this client when its turn comes (`score`: higher first; ties go
  /// to the lower id). No effect if the client holds it already.
  void queue(EntityId id, float score);
  /// Replaces the whole queue (fresh scores; what is missing is no longer wanted).
  /// Entries the client holds already are ignored.
  void setQueue(const std::vector<std::pair<EntityId, float>>& entries);
  /// Takes the highest-scored queued entity off the queue; null when it is empty.
  EntityId popNext();
  size_t queued() const { return m_queued.size(); }
  bool isQueued(EntityId id) const { return m_queued.count(id) != 0; }

  /// Its spawn was sent to the client now: it holds it, unconfirmed until its ack.
  void markSent(EntityId id);
  /// The client holds it without a spawn from us (it created the entity itself).
  void markOwn(EntityId id);
  /// The client says it received `count` spawns in all. False (nothing changes) if
  /// that is more than were sent or fewer than it said before: a broken client.
  /// What this confirms is appended to `confirmedNow` (when given).
  bool onSpawnAck(uint32_t count, std::vector<EntityId>* confirmedNow = nullptr);

  /// It was sent a spawn of `id` (so despawns, events and leaves about it go to it).
  bool holds(EntityId id) const { return m_held.count(id) != 0; }
  /// ... and it has confirmed that spawn: state about `id` may go to it.
  bool confirmed(EntityId id) const {
    auto it = m_held.find(id);
    return it != m_held.end() && it->second.confirmed;
  }
  /// The same, by its slot too (useSlots): an array read instead of a hash look-up.
  /// A server asks it of every forwarded block for every client.
  bool confirmed(EntityId id, uint32_t slot) const {
    if (!m_slots) return confirmed(id);
    return slot < m_bySlot.size() && m_bySlot[slot].id == id && m_bySlot[slot].confirmed;
  }
  /// The relevance scale of a confirmed entity; 0 if it is not confirmed (one lookup).
  float confirmedScale(EntityId id) const {
    auto it = m_held.find(id);
    return it != m_held.end() && it->second.confirmed ? it->second.scale : 0.0f;
  }
  /// The same, by its slot too (useSlots): an array read instead of a hash look-up.
  /// Every held entity has its entry there, so one without is not held: 0.
  float confirmedScale(EntityId id, uint32_t slot) const {
    if (!m_slots) return confirmedScale(id);
    return slot < m_bySlot.size() && m_bySlot[slot].id == id ? m_bySlot[slot].confirmedScale : 0.0f;
  }
  /// Relevance's priority scale for a held entity (1 unless set).
  float scale(EntityId id) const {
    auto it = m_held.find(id);
    return it == m_held.end() ? 0.0f : it->second.scale;
  }
  void setScale(EntityId id, float scale) {
    auto it = m_held.find(id);
    if (it == m_held.end()) return;
    it->second.scale = scale;
    mirror(id, it->second);
  }
  /// The entity is gone for this client (despawned or left its interest): held,
  /// queued or neither. Returns whether it held it.
  bool forget(EntityId id);
  size_t held() const { return m_held.size(); }
  template <class F>
  void forEachHeld(F&& visit) const {
    for (const auto& [id, h] : m_held) visit(id);
  }

  uint32_t spawnsSent() const { return m_spawnsSent; }

  /// The join's queue: WorldComplete goes once it has drained.
  bool joinPending = false;

private:
  struct Held {
    uint32_t index = 0; ///< which spawn (1-based count) carried it; 0: its own
    bool confirmed = false;
    float scale = 1.0f;
  };
  struct Entry {
    float score;
    EntityId id;
  };
  static bool lower(const Entry& a, const Entry& b) {
    return a.score < b.score || (a.score == b.score && b.id < a.id);
  }

  /// m_bySlot keeps what confirmed(id) and confirmedScale(id) say of every held entity
  /// (not held: no entry).
  void mirror(EntityId id, const Held& h);
  void unmirror(EntityId id);

  std::unordered_map<EntityId, Held> m_held;
  struct SlotEntry {
    EntityId id; ///< null: none
    float confirmedScale = 0;
    bool confirmed = false;
  };
  EntitySlots* m_slots = nullptr;
  std::vector<SlotEntry> m_bySlot;
  std::unordered_set<EntityId> m_queued;  ///< the truth; m_heap may hold stale entries
  std::vector<Entry> m_heap;              ///< max-heap by (score, lower id)
  /// (spawn index, id), oldest first: m_unconfirmed[m_unconfirmedHead...]. A queue on
  /// a vector (a std::deque allocates as it is built, and every Remote has one of
  /// these, also a client's, which never sends a spawn).
  std::vector<std::pair<uint32_t, EntityId>> m_unconfirmed;
  size_t m_unconfirmedHead = 0;
  uint32_t m_spawnsSent = 0;
  uint32_t m_spawnsAcked = 0;
};

} // namespace ferrum
