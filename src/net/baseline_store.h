#pragma once
// The receiving half of the field-delta codec: per link, the whole blocks received in
// the other side's own packet series, per entity and sequence, so a delta naming
// "your copy from packet S" is rebuilt against exactly that copy or not at all; and per
// entity the block its Spawn stands for, which a delta may name instead.
//
// What a sender may still name: a delta against packet S drops every older entry, a
// predicted delta against S and its older block P every entry older than P. The sender
// (net/delta_sender.h) keeps the newest such drop point it sent per entity and never
// names anything older, so B1 and B2 are here unless the ring itself lost them.

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <unordered_map>
#include <vector>

#include "ferrum/bit_stream.h"
#include "ferrum/field_layout.h"
#include "ferrum/ids.h"
#include "net/spawn_baseline.h"
#include "wire/field_delta.h"
#include "wire/messages.h"

namespace ferrum {

class BaselineStore {
public:
  struct Entry {
    uint16_t sequence = 0;
    uint32_t bits = 0;
    std::vector<uint8_t> payload;
  };
  /// Per entity at most this many (the sender's unacknowledged sends); past it the
  /// oldest goes, and a delta against it is a counted mismatch, repaired by whole state.
  static constexpr size_t kMaxPerEntity = 96;

  /// The entity's whole block from packet `sequence`. Entries too old for any delta
  /// to name (wire::kMaxBaselineAge) go, so an old sequence can never alias a new one.
  void store(EntityId id, uint16_t sequence, uint32_t bits, const std::vector<uint8_t>& payload) {
    Newest& newest = m_newest[id];
    if (!newest.any || wire::sequenceNewer(sequence, newest.sequence)) newest = {true, sequence};
    std::vector<Entry>& list = m_entries[id];
    std::erase_if(list, [&](const Entry& e) {
      return e.sequence == sequence || (static_cast<uint16_t>(sequence - e.sequence) > wire::kMaxBaselineAge &&
                                        wire::sequenceNewer(sequence, e.sequence));
    });
    list.push_back({sequence, bits, payload});
    if (list.size() > kMaxPerEntity) list.erase(list.begin()); // stored in arrival order: the oldest first
  }
  const Entry* find(EntityId id, uint16_t sequence) const {
    auto it = m_entries.find(id);
    if (it == m_entries.end()) return nullptr;
    for (const Entry& e : it->second)
      if (e.sequence == sequence) return &e;
    return nullptr;
  }
  /// Rebuilds into `full` the field delta (`payload`, `bits`) of entity `id` that packet
  /// `sequence` carried with baseline age `age` (1..kMaxBaselineAge, or kSpawnBaseline),
  /// against exactly the blocks it names: its baseline B1 (or the spawn) and, when it is
  /// predicted, B2 `span` packets before B1. Then drops what no later delta can name.
  /// False, changing nothing, when a named block is not here or the delta is malformed.
  bool rebuild(EntityId id, uint16_t sequence, uint16_t age, const FieldLayout& layout, const uint8_t* payload,
               uint32_t bits, WriteStream& full) {
    const bool againstSpawn = age == wire::kSpawnBaseline;
    const auto baseSequence = static_cast<uint16_t>(sequence - age);
    const Entry* base = againstSpawn ? findSpawn(id, sequence) : find(id, baseSequence);
    uint32_t span = 0;
    if (!base || !wire::peekPredictionSpan(payload, bits, span)) return false;
    const auto olderSequence = static_cast<uint16_t>(baseSequence - span);
    wire::FieldPrediction prediction;
    if (span != 0) {
      const Entry* older = againstSpawn ? nullptr : find(id, olderSequence); // a spawn has no older block
      if (!older) return false;
      prediction = {older->payload.data(), older->bits, span, age};
    }
    ReadStream in(payload, bits);
    if (!wire::readFieldDelta(in, layout, base->payload.data(), base->bits, full, span ? &prediction : nullptr))
      return false;
    if (!againstSpawn) dropOlderThan(id, span ? olderSequence : baseSequence);
    return true;
  }

  /// A delta naming `sequence` as its oldest block arrived: the sender's baselines only
  /// move forward, so older entries are never named again, nor is the spawn baseline
  /// (the sender drops it once a packet's block is acknowledged).
  void dropOlderThan(EntityId id, uint16_t sequence) {
    m_spawns.erase(id);
    auto it = m_entries.find(id);
    if (it == m_entries.end()) return;
    std::erase_if(it->second, [&](const Entry& e) { return wire::sequenceNewer(sequence, e.sequence); });
  }

  /// The whole block the entity's Spawn stands for (net/spawn_baseline.h), replacing
  /// any earlier one. `anchor`: the newest packet of the series received when the spawn
  /// was read (0xFFFF before any): only packets after it may name this baseline, so a
  /// late block about an earlier spawn of the same id can never be rebuilt against it.
  void storeSpawn(EntityId id, uint16_t anchor, uint32_t bits, std::vector<uint8_t> payload) {
    m_spawns[id] = {anchor, bits, std::move(payload)};
  }
  /// The spawn baseline a delta in packet `sequence` may use, or nullptr.
  const Entry* findSpawn(EntityId id, uint16_t sequence) const {
    auto it = m_spawns.find(id);
    if (it == m_spawns.end() || !inSpawnWindow(sequence, it->second.sequence)) return nullptr;
    return &it->second;
  }
  size_t spawnBaselines() const { return m_spawns.size(); }
  /// A block of the entity from a packet after `sequence` was already taken in: this
  /// one is late (or replayed) and must not become a baseline or be applied.
  bool hasNewer(EntityId id, uint16_t sequence) const {
    auto it = m_newest.find(id);
    return it != m_newest.end() && it->second.any && wire::sequenceNewer(it->second.sequence, sequence);
  }
  /// Drops what no delta can name any more, `newest` being the newest packet of the
  /// series received. Run it every few hundred packets: an entity nobody sent for
  /// 2^16 packets must not have an old entry alias a new sequence.
  void expire(uint16_t newest) {
    auto old = [&](uint16_t sequence) { return static_cast<uint16_t>(newest - sequence) > wire::kMaxBaselineAge; };
    for (auto it = m_entries.begin(); it != m_entries.end();) {
      std::erase_if(it->second, [&](const Entry& e) { return old(e.sequence); });
      it = it->second.empty() ? m_entries.erase(it) : std::next(it);
    }
    for (auto it = m_newest.begin(); it != m_newest.end();) it = old(it->second.sequence) ? m_newest.erase(it) : std::next(it);
    // A spawn baseline no later packet can name any more.
    std::erase_if(m_spawns, [&](const auto& s) {
      return static_cast<uint16_t>(newest - s.second.sequence) > kSpawnBaselineWindow;
    });
  }
  static constexpr uint32_t kExpireEvery = 256; ///< packets between expire() runs

  void forget(EntityId id) {
    m_entries.erase(id);
    m_newest.erase(id);
    m_spawns.erase(id);
  }
  size_t entities() const { return m_entries.size(); }

private:
  struct Newest {
    bool any = false;
    uint16_t sequence = 0;
  };
  std::unordered_map<EntityId, std::vector<Entry>> m_entries;
  std::unordered_map<EntityId, Newest> m_newest;
  std::unordered_map<EntityId, Entry> m_spawns; ///< Entry::sequence: the anchor
};

} // namespace ferrum
