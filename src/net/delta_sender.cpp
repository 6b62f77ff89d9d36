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
    const bool refreshDue = m_refreshTicks > 0 && tick - st.lastSentTick >= m_refreshTicks;
    if (unchanged && st.lastAcked && !refreshDue) continue; // the receiver has exactly this
    // Changed state matters more than a resend of something possibly still in flight.
    st.priority += weight(b.id) * (unchanged ? 0.1f : 1.0f);
    candidates.push_back({&b, st.priority});
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.priority > b.priority; });
  std::vector<const wire::StateBlock*> chosen;
  size_t used = 0;
  for (const Candidate& c : candidates) {
    const size_t bits = wire::measureBlock(*c.block);
    if (used + bits > budgetBits) continue; // a smaller one further down may still fit
    used += bits;
    chosen.push_back(c.block);
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
    // Only the newest block sent for an entity counts: an older one being acked says
    // nothing about what the receiver holds now.
    if (it != m_entities.end() && it->second.lastSequence == sequence) it->second.lastAcked = true;
  }
}

void DeltaSender::onAck(uint16_t ack, uint32_t ackBits) {
  acknowledge(ack);
  for (uint16_t i = 0; i < 32; ++i)
    if (ackBits & (1u << i)) acknowledge(static_cast<uint16_t>(ack - 1 - i));
}

} // namespace ferrum
