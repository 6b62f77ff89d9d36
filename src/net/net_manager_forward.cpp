// NetManager: forwarding client-owned state to the other clients. The server queues
// each owner's accepted blocks per receiver (net/forward_queue.h) and sends what is
// due for a receiver as one packet of several owners' sections, within
// NetConfig::forwardWindowMs of the first; a client reads every section as it would
// a packet of that owner's.

#include "base/log.h"

#include <algorithm>
#include <cmath>

#include "ferrum/net_manager.h"
#include "net/forward_queue.h"
#include "net/net_manager_internal.h"
#include "net/referee.h"

namespace ferrum {

void NetManager::forward(Remote& from, const wire::StatePacket& packet, std::vector<wire::StateBlock> blocks) {
  auto section = std::make_shared<ForwardSection>();
  section->origin = from.slot;
  section->originTick = packet.header.originTick;
  // Keeping the owner's tick: the header says when on the server's timeline it sent it.
  section->senderTick = Referee::claimedServerTick(packet.header.senderTick, m_tick);
  section->blocks = std::move(blocks);
  const double now = m_forwards->now(m_clock());
  for (auto& [link, remote] : m_remotes) {
    if (!remote->joined || remote->slot == from.slot) continue;
    // Only what it holds, confirmed: a block must never come before its entity's
    // spawn (net_manager_replication.cpp). Usually that is all of it, and the section
    // is shared; otherwise this receiver gets a copy with the rest left out.
    const Remote& to = *remote; // a structured binding cannot be captured (clang)
    const auto held = [&to](const wire::StateBlock& b) { return to.replication.confirmed(b.id); };
    ForwardSectionPtr forThem = section;
    if (!std::all_of(section->blocks.begin(), section->blocks.end(), held)) {
      auto part = std::make_shared<ForwardSection>(*section);
      std::erase_if(part->blocks, [&held](const wire::StateBlock& b) { return !held(b); });
      if (part->blocks.empty()) continue;
      forThem = std::move(part);
    }
    m_forwards->add(link, forThem, now);
    m_counters.blocksForwarded += forThem->blocks.size();
  }
  // A window of 0: out at once, each update as its own packet, as it came. Otherwise
  // service() flushes once it has drained what already arrived, so the owners'
  // updates read in one go share a packet even when it leaves at once.
  if (m_config.forwardWindowMs <= 0) flushForwards(false);
}

void NetManager::flushForwards(bool all) {
  if (m_forwards->empty()) return;
  bool sent = false;
  for (auto& [link, sections] : m_forwards->takeDue(m_forwards->now(m_clock()), all)) {
    Remote* to = remoteByLink(link);
    if (!to || !to->joined || to->referee.kicked || to->tooSlow) continue; // gone meanwhile
    sendForwards(*to, sections);
    sent = true;
  }
  if (sent) m_transport.flush();
}

// How long service() may wait for the transport: no longer than until the earliest
// forward window closes.
uint32_t NetManager::forwardWaitMs(uint32_t waitMs) const {
  const double due = m_forwards->secondsUntilDue(m_forwards->now(m_clock()));
  if (due < 0) return waitMs;
  return std::min(waitMs, static_cast<uint32_t>(std::ceil(due * 1000.0)));
}

void NetManager::sendForwards(Remote& to, const std::vector<std::shared_ptr<const ForwardSection>>& sections) {
  for (size_t first = 0; first < sections.size();) {
    const ForwardSection& lead = *sections[first];
    wire::StateHeader header;
    header.sequence = to.nextForwardSequence++;
    header.hasAck = to.received.any();
    header.ack = to.received.newest();
    header.ackBits = to.received.bits();
    header.senderTick = lead.senderTick;
    header.origin = lead.origin;
    header.originTick = lead.originTick;
    header.needFull = needFullFor(to);
    WriteStream out(m_config.maxPacketBytes);
    header.serialize(out);
    first = writeForwardSections(out, sections, first, m_config.maxPacketBytes);
    if (!out.ok()) {
      log::error("forwarded state packet to peer {} could not be written", to.slot);
      continue;
    }
    const std::vector<uint8_t>& bytes = out.buffer();
    m_transport.send(to.link, Channel::State, bytes);
    countSent(to, bytes.size());
    ++m_counters.forwardPackets;
    to.stats.largestStatePacket = std::max<uint64_t>(to.stats.largestStatePacket, bytes.size());
    if (m_config.budgetKbps > 0) to.budget.spend(static_cast<float>(bytes.size()));
  }
}

// Client: the further owners' sections of a forwarded packet, each read as a packet
// of its own origin would be (the packet's sequence and acks were taken already).
void NetManager::acceptForwardedSections(Remote& from, wire::StatePacket& packet) {
  if (packet.header.origin != kServerPeer) ++m_counters.forwardPackets;
  for (wire::StateSection& s : packet.sections) {
    wire::StatePacket part;
    part.header.sequence = packet.header.sequence;
    part.header.senderTick = s.senderTick;
    part.header.origin = s.origin;
    part.header.originTick = s.originTick;
    part.blocks = std::move(s.blocks);
    rebuildDeltas(from, part, false); // forwarded blocks are whole; a delta here cannot be rebuilt
    if (!part.blocks.empty()) onStateArrived.emit(part.header.origin, part.header.originTick);
    acceptBlocks(from, part, nullptr);
  }
}

} // namespace ferrum
