// NetManager: forwarding client-owned state to the other clients. The server queues
// each owner's accepted blocks per receiver (net/forward_queue.h) and sends what is
// due for a receiver as one packet of several owners' sections, within
// NetConfig::forwardWindowMs of the first; a client reads every section as it would
// a packet of that owner's. With the built-in interest rule, an entity far from a
// receiver's own goes to it less often (net/forward_pacing.h, NetConfig's
// forwardFullRateMeters and forwardFalloffMeters): what is held back waits there, and
// on its turn the newest block of it goes in its place, with the other far entities'
// whose turn it is too.

#include "base/log.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "ferrum/net_manager.h"
#include "net/forward_pacing.h"
#include "net/forward_queue.h"
#include "net/net_manager_internal.h"
#include "net/referee.h"

namespace ferrum {

namespace {
// The forwarding fall-off's beat for receiver `to` (net/forward_pacing.h): owner send
// periods on the server's clock, offset by the receiver's slot so that different
// receivers' far players' turns (multiples of 2, 4, 8, 16 or 32 beats) are spread over
// the beats rather than all in the same one.
uint64_t forwardBeatOf(PeerId receiver, double now, int sendHz) {
  return static_cast<uint64_t>(std::max(0.0, std::floor(now * sendHz))) + receiver;
}
} // namespace

void NetManager::forward(Remote& from, const wire::StatePacket& packet, std::vector<wire::StateBlock> blocks) {
  auto section = std::make_shared<ForwardSection>();
  section->origin = from.slot;
  section->originTick = packet.header.originTick;
  // Keeping the owner's tick: the header says when on the server's timeline it sent it.
  section->senderTick = Referee::claimedServerTick(packet.header.senderTick, m_tick);
  section->blocks = std::move(blocks);
  const double now = m_forwards->now(m_clock());
  // The forwarding rate by distance: with the built-in interest rule only (a game's
  // own relevance function says nothing of distances). Measured from where each
  // receiver's own entities are, found in one pass over the world once a tick.
  const bool paced = m_config.role == Role::Server && !m_relevance && m_config.relevanceRadius > 0 &&
                     m_config.forwardFalloffMeters > 0;
  if (paced && !std::all_of(m_remotes.begin(), m_remotes.end(), [this](const auto& r) {
        return r.second->hasOwnPositions && r.second->ownPositionsTick == m_tick;
      })) {
    const auto points = ownedPositions();
    for (auto& [link, remote] : m_remotes) {
      auto it = points.find(remote->slot);
      remote->ownPositions = it == points.end() ? std::vector<Vec3>{} : it->second;
      remote->ownPositionsTick = m_tick;
      remote->hasOwnPositions = true;
    }
  }
  const ForwardFalloff falloff{m_config.forwardFullRateMeters, m_config.forwardFalloffMeters};
  const auto admits = [&](Remote& to, EntityId id) {
    const uint64_t beat = forwardBeatOf(to.slot, now, m_config.sendHz);
    const Entity* e = paced && !to.ownPositions.empty() ? m_group.find(id) : nullptr;
    if (!e) return to.pacing.admit(id, beat, 1); // not paced, or a spectator: everything
    float d = std::numeric_limits<float>::infinity();
    for (Vec3 p : to.ownPositions) d = std::min(d, distance(e->body().position(), p));
    if (to.pacing.admit(id, beat, forwardEvery(d, falloff, m_config.sendHz))) return true;
    ++m_counters.forwardsDeferred;
    return false;
  };
  // Each block's slot once: every receiver's replication set is asked by it.
  std::vector<uint32_t> slots(section->blocks.size());
  for (size_t i = 0; i < slots.size(); ++i) slots[i] = localFacts().slots.find(section->blocks[i].id);
  for (auto& [link, remote] : m_remotes) {
    if (!remote->joined || remote->slot == from.slot) continue;
    // Only what it holds, confirmed: a block must never come before its entity's
    // spawn (net_manager_replication.cpp); and of a far entity only what its forward
    // pace lets through now (the rest goes when due: flushForwards). Usually
    // that is all of it, and the section is shared; otherwise this receiver gets a
    // copy with the rest left out.
    Remote& to = *remote;
    std::vector<bool> keep(section->blocks.size());
    size_t kept = 0;
    for (size_t i = 0; i < keep.size(); ++i) {
      const EntityId id = section->blocks[i].id;
      keep[i] = to.replication.confirmed(id, slots[i]) && admits(to, id);
      kept += keep[i] ? 1 : 0;
    }
    if (kept == 0) continue;
    ForwardSectionPtr forThem = section;
    if (kept != keep.size()) {
      auto part = std::make_shared<ForwardSection>(*section);
      part->blocks.clear();
      for (size_t i = 0; i < keep.size(); ++i)
        if (keep[i]) part->blocks.push_back(section->blocks[i]);
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
  // Held-back entities whose turn has come (forward()): the newest block the server
  // accepted of each, if the receiver still holds it, one section per owner's packet.
  const double now = m_forwards->now(m_clock());
  for (auto& [link, remote] : m_remotes) {
    Remote& to = *remote;
    if (to.pacing.empty() || !to.joined || to.referee.kicked || to.tooSlow) continue;
    std::map<std::pair<PeerId, uint32_t>, std::shared_ptr<ForwardSection>> byOrigin; // (owner, origin tick)
    for (EntityId id : to.pacing.takeDue(forwardBeatOf(to.slot, now, m_config.sendHz))) {
      const Entity* e = m_group.find(id);
      auto net = m_entityNet.find(id);
      if (!e || e->authority() == kServerPeer || e->authority() == to.slot || net == m_entityNet.end() ||
          !net->second.hasTick || !to.replication.confirmed(id))
        continue; // gone, changed hands, or left this receiver meanwhile
      auto& section = byOrigin[{e->authority(), net->second.lastOriginTick}];
      if (!section) {
        section = std::make_shared<ForwardSection>();
        section->origin = e->authority();
        section->originTick = net->second.lastOriginTick;
        section->senderTick = static_cast<uint32_t>(std::llround(net->second.pendingTime / m_config.tickSeconds()));
      }
      section->blocks.push_back(net->second.pending);
    }
    for (auto& [key, section] : byOrigin) {
      m_counters.blocksForwarded += section->blocks.size();
      m_counters.forwardsReleased += section->blocks.size();
      m_forwards->add(link, std::move(section), now);
    }
  }
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
    wire::StateHeader header = nextStateHeader(to, lead.origin, lead.originTick, lead.senderTick);
    ++to.nextForwardSequence;
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
