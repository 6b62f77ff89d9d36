#pragma once
// The spawn baseline: the whole state block an entity's Spawn message stands for, so
// that once the receiver has acknowledged the spawn (SpawnAck) the sender may code the
// entity's next blocks as field deltas against it, and a body that has not moved since
// its spawn is not sent at all until its refresh.
//
// Sender and receiver must hold the very same bits. Both build them with this one
// function from the very same bytes: the encoded Spawn message the sender put on the
// reliable channel, and the same bytes as the receiver took them off it. Nothing goes
// through a float: the spawn's ranged integers (position, "smallest three"
// orientation, velocities, all at the type's EntityType::statePrecision) are copied
// into a block laid out as serializeRigidState writes it at that precision, with the
// at-rest flag set when the spawn's velocities are all zero (or not on the wire) and
// an empty tail. For a RigidBodyController type whose block precision is its spawn
// precision, that is bit for bit the block of a body that has not moved since.

#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "wire/messages.h"

namespace ferrum {

struct SpawnBaseline {
  uint32_t bits = 0;
  std::vector<uint8_t> payload;
};

/// The baseline a Spawn message (`message`: [type:4][Spawn] as on the reliable
/// channel) stands for. False (nothing to use) when it is not a Spawn, is malformed, or
/// its type declares no precision (its state is raw floats).
bool spawnBaselineOf(std::span<const uint8_t> message, const wire::PrecisionOf& precisionOf, SpawnBaseline& out);

/// A spawn baseline is named only by blocks in packets 1..kSpawnBaselineWindow
/// sequences after its anchor (net/baseline_store.h, net/delta_sender.h): far from the
/// 16-bit wrap, and never by a packet sent before the spawn could be known.
constexpr uint16_t kSpawnBaselineWindow = 8192;

/// Whether packet `sequence` may name a spawn baseline anchored at `anchor`.
constexpr bool inSpawnWindow(uint16_t sequence, uint16_t anchor) {
  const uint16_t ahead = static_cast<uint16_t>(sequence - anchor);
  return ahead >= 1 && ahead <= kSpawnBaselineWindow;
}

/// Receiver side, per link: the sender's own entities whose blocks may come
/// self-delimited (wire::StateBlock::selfDelimited), i.e. read by the entity's layout
/// with no length, and from which packet of the sender's series on. An entity is
/// entered when its Spawn is read off the link (and the entity is held here), anchored
/// at the newest packet of the series received by then: the sender writes a block of
/// it without a length only in packets sent after it heard this spawn acknowledged
/// (SpawnAck), all newer than the anchor, so a packet at or before the anchor (one
/// about an earlier spawn of the same id, still on its way) is never read by this
/// spawn's layout. Sequences are unwrapped to 64 bits against the newest received, so
/// an anchor never expires; packets more than 2^15 behind the newest would alias (a
/// UDP packet that late is not delivered by ENet's channels in practice).
class DelimitAnchors {
public:
  enum class Verdict : uint8_t {
    Readable, ///< held since before this packet: read it by the entity's layout
    Late,     ///< a packet from before its spawn was read, or about a copy since dropped
    Unknown,  ///< never spawned here: the sender thinks we hold it and we do not
  };
  /// A packet of the series was read (call after reading it, before the next one).
  void onPacket(uint16_t sequence) {
    if (!m_any) {
      m_any = true;
      m_newest = 0;
      m_newest16 = sequence;
      return;
    }
    const int64_t at = unwrap(sequence);
    if (at > m_newest) {
      m_newest = at;
      m_newest16 = sequence;
    }
  }
  /// The entity's Spawn was read and the entity is held here.
  void held(EntityId id) {
    m_gone.erase(id);
    m_since[id] = m_any ? m_newest : kBeforeAll;
  }
  /// The copy is gone (despawned, left our interest, handed to another authority).
  void gone(EntityId id) {
    if (m_since.erase(id) > 0) m_gone[id] = m_any ? m_newest : 0;
  }
  Verdict check(EntityId id, uint16_t sequence) const {
    if (auto it = m_since.find(id); it != m_since.end())
      return !m_any || unwrap(sequence) > it->second ? Verdict::Readable : Verdict::Late;
    // A copy we dropped: packets sent up to its Leave or Despawn are still on their
    // way for a while; one sent long after means the sender still takes us for
    // holding it (we dropped it on our own): Unknown, so that it is told.
    if (auto it = m_gone.find(id); it != m_gone.end())
      return m_any && unwrap(sequence) > it->second + kGoneGrace ? Verdict::Unknown : Verdict::Late;
    return Verdict::Unknown;
  }
  /// Packets after a copy was dropped still taken for late (about 1 s at 60 packets/s).
  static constexpr int64_t kGoneGrace = 64;
  /// Drops the memory of copies gone more than 2^14 packets ago (run now and then).
  void expire() {
    std::erase_if(m_gone, [&](const auto& g) { return m_newest - g.second > (int64_t{1} << 14); });
  }
  size_t entities() const { return m_since.size(); }

private:
  static constexpr int64_t kBeforeAll = INT64_MIN;
  int64_t unwrap(uint16_t sequence) const {
    return m_newest + static_cast<int16_t>(static_cast<uint16_t>(sequence - m_newest16));
  }
  bool m_any = false;
  int64_t m_newest = 0;  ///< the newest packet received, unwrapped (the first one is 0)
  uint16_t m_newest16 = 0;
  std::unordered_map<EntityId, int64_t> m_since; ///< held entities: their anchor
  std::unordered_map<EntityId, int64_t> m_gone;  ///< dropped copies: when
};

} // namespace ferrum
