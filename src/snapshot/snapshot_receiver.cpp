#include <cassert>

#include "snapshot/snapshot_wire.h"

namespace ferrum::snapshot {

namespace {
const Snapshot kEmpty;
} // namespace

SnapshotReceiver::SnapshotReceiver(const SnapshotConfig& config) : m_config(config) {
  [[maybe_unused]] const bool valid = m_config.validate();
  assert(valid && "invalid SnapshotConfig");
  m_ring.resize(m_config.ringSize);
}

const Snapshot* SnapshotReceiver::find(uint16_t sequence) const {
  const Entry& e = m_ring[sequence % m_config.ringSize];
  return e.valid && e.sequence == sequence ? &e.snapshot : nullptr;
}

const Snapshot* SnapshotReceiver::latest() const { return m_newest ? find(*m_newest) : nullptr; }

DecodeResult SnapshotReceiver::decode(std::span<const uint8_t> bytes) {
  DecodeResult result;
  ReadStream in(bytes);
  wire::PacketHeader header;
  if (!header.serialize(in, m_config)) return result;
  result.sequence = header.sequence;
  if (m_newest && sequenceGreater(*m_newest, header.sequence) &&
      static_cast<uint16_t>(*m_newest - header.sequence) >= m_config.ringSize) {
    result.status = DecodeStatus::Stale;
    return result;
  }
  const Snapshot* base = &kEmpty;
  if (header.hasBaseline) {
    base = find(header.baselineSequence);
    // Never decode against the wrong state: the sender must fall back to an older
    // acked baseline or to full state. We simply do not ack this packet.
    if (!base) {
      result.status = DecodeStatus::MissingBaseline;
      return result;
    }
  }
  const std::vector<uint32_t> order = wire::changeOrder(*base, header.objectCount, m_config.focusIndex);
  wire::PacketBody body;
  if (!body.serialize(in, *base, order)) return result;
  // Only the zero padding of the last byte may follow.
  if (in.bitsRemaining() >= 8) return result;

  Snapshot decoded;
  decoded.objects = base->objects;
  decoded.known = base->known;
  decoded.objects.resize(header.objectCount);
  decoded.known.resize(header.objectCount, 0);
  for (size_t j = 0; j < body.ranks.size(); ++j) {
    const uint32_t index = order[body.ranks[j]];
    decoded.objects[index] = body.states[j];
    decoded.known[index] = 1;
  }
  Entry& e = m_ring[header.sequence % m_config.ringSize];
  e.snapshot = std::move(decoded);
  e.sequence = header.sequence;
  e.valid = true;
  if (!m_newest || sequenceGreater(header.sequence, *m_newest)) m_newest = header.sequence;
  result.status = DecodeStatus::Ok;
  result.snapshot = &e.snapshot;
  return result;
}

} // namespace ferrum::snapshot
