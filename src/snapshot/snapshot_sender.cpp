#include <algorithm>
#include <cassert>
#include <numeric>

#include "snapshot/snapshot_wire.h"

namespace ferrum::snapshot {

namespace {
const Snapshot kEmpty;

/// The Exp-Golomb order that makes the given gaps shortest.
uint32_t bestGapK(const std::vector<uint32_t>& ranks) {
  uint32_t bestK = 0;
  size_t bestBits = SIZE_MAX;
  for (uint32_t k = 0; k < (1u << wire::kGapKBits); ++k) {
    size_t bits = 0;
    uint32_t next = 0;
    for (uint32_t r : ranks) {
      bits += wire::expGolombBits(r - next, k);
      next = r + 1;
    }
    if (bits < bestBits) {
      bestBits = bits;
      bestK = k;
    }
  }
  return bestK;
}

/// A moving object: interacting, or displaced by more than ~2 cm since the baseline.
bool isMoving(const CubeState& base, const CubeState& cur) {
  constexpr int64_t kMovingUnits = 10;
  return cur.interacting || std::llabs(int64_t{cur.x} - base.x) > kMovingUnits ||
         std::llabs(int64_t{cur.y} - base.y) > kMovingUnits || std::llabs(int64_t{cur.z} - base.z) > kMovingUnits;
}
} // namespace

SnapshotSender::SnapshotSender(const SnapshotConfig& config) : m_config(config) {
  [[maybe_unused]] const bool valid = m_config.validate();
  assert(valid && "invalid SnapshotConfig");
  m_ring.resize(m_config.ringSize);
  m_budgetBytes = static_cast<double>(m_config.maxPacketBytes);
}

void SnapshotSender::onAck(uint16_t sequence) {
  // Acks come from the network: only one for a packet we sent and still hold counts.
  const Entry& e = m_ring[sequence % m_config.ringSize];
  if (!e.valid || e.sequence != sequence) return;
  if (static_cast<uint16_t>(m_nextSequence - sequence) > m_config.ringSize) return;
  m_ring[sequence % m_config.ringSize].acked = true;
  if (!m_newestAck || sequenceGreater(sequence, *m_newestAck)) m_newestAck = sequence;
}

void SnapshotSender::resetBaselines() {
  for (Entry& e : m_ring) e = Entry{};
  m_newestAck.reset();
}

const Snapshot* SnapshotSender::sentSnapshot(uint16_t sequence) const {
  const Entry& e = m_ring[sequence % m_config.ringSize];
  return e.valid && e.sequence == sequence ? &e.snapshot : nullptr;
}

const Snapshot* SnapshotSender::pickBaseline(uint16_t sequence, uint16_t* baselineSequence) const {
  if (!m_newestAck) return nullptr;
  // The header can say "ringSize - 1 packets back" at most, and the receiver's ring
  // holds exactly that far.
  const uint16_t age = static_cast<uint16_t>(sequence - *m_newestAck);
  if (age == 0 || age >= m_config.ringSize) return nullptr;
  const Entry& e = m_ring[*m_newestAck % m_config.ringSize];
  if (!e.valid || !e.acked || e.sequence != *m_newestAck) return nullptr;
  *baselineSequence = *m_newestAck;
  return &e.snapshot;
}

size_t SnapshotSender::packetCapBytes() const {
  if (m_config.budgetKbps <= 0) return m_config.maxPacketBytes;
  return std::min(m_config.maxPacketBytes, static_cast<size_t>(std::max(0.0, m_budgetBytes)));
}

std::vector<uint8_t> SnapshotSender::encode(const std::vector<CubeState>& current, EncodeInfo* info) {
  assert(current.size() <= m_config.maxObjects);
  if (m_config.budgetKbps > 0) {
    // Token bucket: a packet's worth per send interval, at most one cap of burst.
    const double perPacket = m_config.budgetKbps * 125.0 / m_config.sendHz;
    m_budgetBytes = std::min(m_budgetBytes + perPacket, perPacket + static_cast<double>(m_config.maxPacketBytes));
  }
  const uint16_t sequence = m_nextSequence;
  wire::PacketHeader header;
  header.sequence = sequence;
  header.objectCount = static_cast<uint32_t>(current.size());
  const Snapshot* basePtr = pickBaseline(sequence, &header.baselineSequence);
  header.hasBaseline = basePtr != nullptr;
  const Snapshot& base = basePtr ? *basePtr : kEmpty;

  MeasureStream headerMeasure;
  header.serialize(headerMeasure, m_config);
  const size_t capBits = packetCapBytes() * 8;
  // Count field and gap order are paid once, when anything is sent at all.
  const size_t fixedBits = headerMeasure.bits() + static_cast<size_t>(bitsRequired(current.size())) + wire::kGapKBits;
  if (capBits < headerMeasure.bits() + static_cast<size_t>(bitsRequired(current.size()))) return {};

  const uint32_t count = header.objectCount;
  const std::vector<uint32_t> order = wire::changeOrder(base, count, m_config.focusIndex);
  std::vector<uint32_t> rankOf(count);
  for (uint32_t r = 0; r < count; ++r) rankOf[order[r]] = r;

  // Priority: objects that differ from what the receiver holds accumulate weight
  // every packet until sent, so even resting ones get through eventually.
  m_priority.resize(count, 0.0f);
  std::vector<uint32_t> candidates;
  for (uint32_t i = 0; i < count; ++i) {
    if (base.has(i) && base.objects[i] == current[i]) {
      m_priority[i] = 0;
      continue;
    }
    float w = m_config.restingWeight;
    if (static_cast<int32_t>(i) == m_config.focusIndex) w = m_config.playerWeight;
    else if (!base.has(i)) w = m_config.unknownWeight;
    else if (isMoving(base.objects[i], current[i])) w = m_config.movingWeight;
    m_priority[i] += w;
    candidates.push_back(i);
  }
  std::sort(candidates.begin(), candidates.end(), [&](uint32_t l, uint32_t r) {
    return m_priority[l] != m_priority[r] ? m_priority[l] > m_priority[r] : l < r;
  });

  // Greedy fill by priority with each object's exact size plus a gap estimate, then
  // trim by exact measurement (the estimate rarely overshoots).
  const size_t gapEstimate = static_cast<size_t>(bitsRequired(count)) + 2;
  std::vector<uint32_t> chosen;
  size_t used = fixedBits;
  for (uint32_t i : candidates) {
    MeasureStream m;
    CubeState s = current[i];
    if (base.has(i)) wire::serializeCubeDelta(m, base.objects[i], s);
    else wire::serializeCubeFull(m, s);
    const size_t cost = m.bits() + gapEstimate;
    if (used + cost > capBits) continue; // a smaller, lower-priority one may still fit
    used += cost;
    chosen.push_back(i);
  }

  wire::PacketBody body;
  for (;;) {
    std::vector<uint32_t> byRank(chosen);
    std::sort(byRank.begin(), byRank.end(), [&](uint32_t l, uint32_t r) { return rankOf[l] < rankOf[r]; });
    body.ranks.clear();
    body.states.clear();
    for (uint32_t i : byRank) {
      body.ranks.push_back(rankOf[i]);
      body.states.push_back(current[i]);
    }
    body.gapK = bestGapK(body.ranks);
    MeasureStream m;
    header.serialize(m, m_config);
    body.serialize(m, base, order);
    if (m.bits() <= capBits || chosen.empty()) break;
    chosen.pop_back(); // lowest priority goes first
  }

  WriteStream out(m_config.maxPacketBytes);
  header.serialize(out, m_config);
  body.serialize(out, base, order);
  assert(out.ok());

  // What the receiver will hold for this sequence: the baseline plus what we sent.
  Entry& e = m_ring[sequence % m_config.ringSize];
  e.snapshot.objects = base.objects;
  e.snapshot.known = base.known;
  e.snapshot.objects.resize(count);
  e.snapshot.known.resize(count, 0);
  for (uint32_t i : chosen) {
    e.snapshot.objects[i] = current[i];
    e.snapshot.known[i] = 1;
    m_priority[i] = 0;
  }
  e.valid = true;
  e.acked = false;
  e.sequence = sequence;
  if (m_newestAck && *m_newestAck % m_config.ringSize == sequence % m_config.ringSize) m_newestAck.reset();
  ++m_nextSequence;

  const size_t bits = out.bits();
  std::vector<uint8_t> bytes = out.take();
  if (m_config.budgetKbps > 0) m_budgetBytes -= static_cast<double>(bytes.size());
  if (info) {
    info->sequence = sequence;
    info->baseline = header.hasBaseline ? std::optional<uint16_t>(header.baselineSequence) : std::nullopt;
    info->candidates = static_cast<uint32_t>(candidates.size());
    info->sent = static_cast<uint32_t>(chosen.size());
    info->bits = bits;
  }
  return bytes;
}

} // namespace ferrum::snapshot
