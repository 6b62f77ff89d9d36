#include "net/delta_sender.h"

#include <algorithm>

namespace ferrum {

void ReceiveHistory::onReceived(uint16_t sequence) {
  if (!m_any) {
    m_any = true;
    m_newest = sequence;
    m_bits = 0;
    return;
  }
  if (wire::sequenceNewer(sequence, m_newest)) {
    const uint16_t shift = static_cast<uint16_t>(sequence - m_newest);
    m_lost += shift - 1u; // the skipped ones; a late arrival gives its count back below
    // The old newest becomes bit (shift - 1); older history moves along with it.
    m_bits = shift >= 33 ? 0 : ((shift == 32 ? 0 : (m_bits << shift)) | (1u << (shift - 1)));
    m_newest = sequence;
    return;
  }
  const uint16_t back = static_cast<uint16_t>(m_newest - sequence);
  if (back >= 1 && back <= 32 && !(m_bits & (1u << (back - 1)))) {
    m_bits |= 1u << (back - 1);
    if (m_lost > 0) --m_lost; // late, not lost
  }
}

std::vector<const wire::StateBlock*> DeltaSender::select(const std::vector<wire::StateBlock>& blocks,
                                                         const std::function<float(EntityId)>& weight,
                                                         size_t budgetBits, uint32_t tick) {
  struct Candidate {
    const wire::StateBlock* block;
    float priority;
  };
  std::vector<Candidate> candidates;
  for (const wire::StateBlock& b : blocks) {
    EntityState& st = m_entities[b.id];
    const bool unchanged = st.sentOnce && st.lastBits == b.bits && st.lastPayload == b.payload;
    if (unchanged && st.lastAcked) {
      const uint64_t interval = uint64_t{m_refreshTicks} << std::min(st.refreshes, kMaxRefreshDoublings);
      const bool refreshDue = m_refreshTicks > 0 && tick - st.lastSentTick >= interval;
      if (!refreshDue) continue; // the receiver has exactly this
    }
    // Changed state matters more than a resend of something possibly still in flight.
    st.priority += weight(b.id) * (unchanged ? 0.1f : 1.0f);
    candidates.push_back({&b, st.priority});
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.priority > b.priority; });

  // Highest priority first, each taken if the packet still fits with it. The packet
  // is kept sorted by id: chained framing codes each id as a gap from the one before,
  // so a block's cost depends on its neighbours, and taking one changes what the
  // next one costs. Both are counted exactly.
  std::vector<const wire::StateBlock*> chosen;
  const bool chained = m_framing == Framing::Chained;
  auto cost = [](const wire::StateBlock* b, const wire::StateBlock* before) {
    return wire::measureBlock(*b, before ? wire::BlockContext{before->id, before->bits} : wire::BlockContext{});
  };
  int64_t used = 0;
  const auto budget = static_cast<int64_t>(budgetBits);
  for (const Candidate& c : candidates) {
    const auto at = std::lower_bound(chosen.begin(), chosen.end(), c.block->id,
                                     [](const wire::StateBlock* b, EntityId id) { return b->id < id; });
    int64_t added = 0;
    if (!chained) {
      added = static_cast<int64_t>(wire::measureBlock(*c.block));
    } else {
      const wire::StateBlock* before = at == chosen.begin() ? nullptr : *(at - 1);
      added = static_cast<int64_t>(cost(c.block, before));
      // The next block is now coded against this one (it may get cheaper).
      if (at != chosen.end())
        added += static_cast<int64_t>(cost(*at, c.block)) - static_cast<int64_t>(cost(*at, before));
    }
    if (used + added > budget) continue; // a smaller one further down may still fit
    used += added;
    chosen.insert(at, c.block);
  }
  return chosen;
}

void DeltaSender::recordSent(uint16_t sequence, const std::vector<const wire::StateBlock*>& sent, uint32_t tick) {
  SentPacket& p = m_sent[sequence % kRing];
  p.sequence = sequence;
  p.valid = true;
  p.acked = false;
  p.entities.clear();
  for (const wire::StateBlock* b : sent) {
    EntityState& st = m_entities[b->id];
    const bool unchanged = st.sentOnce && st.lastBits == b->bits && st.lastPayload == b->payload;
    if (!unchanged) {
      st.refreshes = 0;
      st.firstSequence = sequence;
    } else {
      if (st.lastAcked) ++st.refreshes; // a refresh: the next one waits twice as long
      // Older packets fall out of the ring anyway; keep the comparison in acknowledge()
      // far from the 16-bit wrap however long the entity keeps these bytes.
      if (static_cast<uint16_t>(sequence - st.firstSequence) >= kRing)
        st.firstSequence = static_cast<uint16_t>(sequence - (kRing - 1));
    }
    st.lastPayload = b->payload;
    st.lastBits = b->bits;
    st.lastSequence = sequence;
    st.sentOnce = true;
    st.lastAcked = false;
    st.lastSentTick = tick;
    st.priority = 0;
    p.entities.push_back(b->id);
  }
}

void DeltaSender::acknowledge(uint16_t sequence) {
  SentPacket& p = m_sent[sequence % kRing];
  if (!p.valid || p.sequence != sequence || p.acked) return;
  p.acked = true;
  for (EntityId id : p.entities) {
    auto it = m_entities.find(id);
    // Any packet that carried the entity's current bytes counts, not only the newest:
    // while the ack is on its way the same block is resent (it is not acked yet), and
    // demanding the ack of the newest resend would never be met when acks take two
    // sends or more. A packet from before the last change says nothing.
    if (it != m_entities.end() && !wire::sequenceNewer(it->second.firstSequence, sequence))
      it->second.lastAcked = true;
  }
}

void DeltaSender::onAck(uint16_t ack, uint32_t ackBits) {
  acknowledge(ack);
  for (uint16_t i = 0; i < 32; ++i)
    if (ackBits & (1u << i)) acknowledge(static_cast<uint16_t>(ack - 1 - i));
}

} // namespace ferrum
