#pragma once
// Delta against acknowledged state, per receiver, at the block level: an entity whose
// block is bit-for-bit the one the receiver has acknowledged (and nothing newer was
// sent since) is not sent again, except for a refresh that backs off while the entity
// rests (see DeltaSender). What must go out is chosen by a priority accumulator when
// it does not all fit: every tick an entity waits, its type's weight is added, so
// starved entities rise until they are sent.

#include <array>
#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

#include "wire/messages.h"

namespace ferrum {

/// Tracks which of the other side's packets arrived: the newest sequence and a bitfield
/// of the 32 before it (bit i = newest - 1 - i arrived). Sent back as ack / ackBits.
class ReceiveHistory {
public:
  void onReceived(uint16_t sequence);
  bool any() const { return m_any; }
  /// Sequences skipped and never seen since (application-level loss of state packets).
  uint64_t lost() const { return m_lost; }
  uint16_t newest() const { return m_newest; }
  uint32_t bits() const { return m_bits; }

private:
  bool m_any = false;
  uint16_t m_newest = 0;
  uint32_t m_bits = 0;
  uint64_t m_lost = 0;
};

class DeltaSender {
public:
  /// How the caller writes the selected blocks into the packet, which decides what
  /// they cost: Standalone = wire::writeBlock(out, block) one after another;
  /// Chained = wire::writeBlock(out, block, context) in the order select() returns.
  enum class Framing : uint8_t { Standalone, Chained };

  /// `refreshTicks`: an unchanged, acknowledged entity is sent again this many ticks
  /// after it was last sent (0 = never), then after twice as long, and so on up to
  /// kMaxRefreshDoublings doublings; a change starts over. This pulls back a receiver
  /// copy that is not what was acknowledged (a block that arrived before its entity's
  /// spawn and was skipped, a replica pushed by the receiver's own physics) without
  /// paying the full refresh rate for everything that rests.
  explicit DeltaSender(uint32_t refreshTicks, Framing framing = Framing::Standalone)
      : m_refreshTicks(refreshTicks), m_framing(framing) {}

  static constexpr uint32_t kMaxRefreshDoublings = 5;

  /// Blocks for the next packet, sorted by id, within `budgetBits` as the caller's
  /// framing will write them. When not everything fits, the highest priorities win.
  std::vector<const wire::StateBlock*> select(const std::vector<wire::StateBlock>& blocks,
                                              const std::function<float(EntityId)>& weight, size_t budgetBits,
                                              uint32_t tick);
  /// The packet `sequence` carried `sent`.
  void recordSent(uint16_t sequence, const std::vector<const wire::StateBlock*>& sent, uint32_t tick);
  /// The receiver reports `ack` and the 32 sequences before it (per `ackBits`) arrived.
  void onAck(uint16_t ack, uint32_t ackBits);
  /// The entity is gone: drop what is known about it.
  void forget(EntityId id) { m_entities.erase(id); }

private:
  struct EntityState {
    std::vector<uint8_t> lastPayload;
    uint32_t lastBits = 0;
    uint16_t lastSequence = 0;
    /// The first packet that carried `lastPayload` (every later one that carried the
    /// entity carried the same bytes), kept within the sent ring.
    uint16_t firstSequence = 0;
    bool sentOnce = false;
    bool lastAcked = false;
    uint32_t lastSentTick = 0;
    uint32_t refreshes = 0; ///< sends of this same block since it last changed
    float priority = 0;
  };
  struct SentPacket {
    uint16_t sequence = 0;
    bool valid = false;
    bool acked = false;
    std::vector<EntityId> entities;
  };
  static constexpr size_t kRing = 64; // > the 33 sequences one ack covers

  void acknowledge(uint16_t sequence);

  uint32_t m_refreshTicks;
  Framing m_framing;
  std::unordered_map<EntityId, EntityState> m_entities;
  std::array<SentPacket, kRing> m_sent{};
};

} // namespace ferrum
