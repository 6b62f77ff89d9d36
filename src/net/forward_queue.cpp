#include "net/forward_queue.h"

#include <algorithm>

namespace ferrum {

void ForwardQueue::add(LinkId to, ForwardSectionPtr section, double now) {
  auto [it, fresh] = m_pending.try_emplace(to);
  if (fresh || it->second.sections.empty()) {
    const auto last = m_lastSent.find(to);
    it->second.due = last == m_lastSent.end() ? now : std::max(now, last->second + m_window);
  }
  it->second.sections.push_back(std::move(section));
}

std::vector<std::pair<LinkId, std::vector<ForwardSectionPtr>>> ForwardQueue::takeDue(double now, bool all) {
  std::vector<std::pair<LinkId, std::vector<ForwardSectionPtr>>> due;
  for (auto it = m_pending.begin(); it != m_pending.end();) {
    if (all || it->second.due <= now) {
      due.emplace_back(it->first, std::move(it->second.sections));
      m_lastSent[it->first] = now;
      it = m_pending.erase(it);
    } else {
      ++it;
    }
  }
  // A receiver whose last packet is a window old is due at once again: forget it (and
  // so any link that closed meanwhile).
  std::erase_if(m_lastSent, [&](const auto& entry) { return entry.second + m_window <= now; });
  return due;
}

double ForwardQueue::secondsUntilDue(double now) const {
  double earliest = -1;
  for (const auto& [link, pending] : m_pending)
    if (earliest < 0 || pending.due - now < earliest) earliest = std::max(0.0, pending.due - now);
  return earliest;
}

namespace {

// Bits the section's blocks take from a fresh context, up to the first that would pass
// `room`; how many fit.
size_t blocksThatFit(const ForwardSection& s, size_t room, size_t& bits) {
  wire::BlockContext context;
  bits = 0;
  size_t n = 0;
  for (const wire::StateBlock& b : s.blocks) {
    if (!wire::isNameable(b.id) || b.bits > wire::kMaxBlockBits) continue; // never written
    const size_t more = wire::measureBlock(b, context);
    if (bits + more > room) break;
    bits += more;
    context.previous = b.id;
    context.previousBits = b.bits;
    ++n;
  }
  return n;
}

void writeBlocks(WriteStream& out, const ForwardSection& s, size_t count) {
  wire::BlockContext context;
  size_t written = 0;
  for (const wire::StateBlock& b : s.blocks) {
    if (written == count) break;
    if (!wire::isNameable(b.id) || b.bits > wire::kMaxBlockBits) continue;
    wire::writeBlock(out, b, context);
    ++written;
  }
  wire::writeEnd(out);
}

} // namespace

size_t writeForwardSections(WriteStream& out, const std::vector<ForwardSectionPtr>& sections, size_t first,
                            size_t maxBytes) {
  const size_t budget = maxBytes * 8;
  size_t bits = 0;
  // The header's own section: what fits of it, whatever that leaves.
  const size_t room = budget > out.bits() + 1 ? budget - out.bits() - 1 : 0;
  const size_t n = blocksThatFit(*sections[first], room, bits);
  writeBlocks(out, *sections[first], n);
  size_t next = first + 1;
  // Further sections only whole: one that does not fit starts the next packet, where
  // it has the room of a whole packet.
  for (; next < sections.size() && next - first <= wire::kMaxExtraSections; ++next) {
    const ForwardSection& s = *sections[next];
    const size_t all = blocksThatFit(s, budget, bits);
    if (all != s.blocks.size() || out.bits() + wire::kSectionStartBits + bits + 1 > budget) break;
    wire::writeSectionStart(out, s.senderTick, s.origin, s.originTick);
    writeBlocks(out, s, all);
  }
  return next;
}

} // namespace ferrum
