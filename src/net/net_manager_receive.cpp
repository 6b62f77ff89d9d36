// NetManager: everything that arrives from the transport.

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "ferrum/net_manager.h"
#include "net/net_manager_internal.h"

namespace ferrum {

void NetManager::service(uint32_t waitMs) {
  TransportEvent event;
  if (!m_transport.service(event, waitMs)) return;
  handle(event);
  // Drain whatever else is already here without waiting (bounded: a flood cannot pin us).
  for (int i = 0; i < 10000 && m_transport.service(event, 0); ++i) handle(event);
}

void NetManager::handle(TransportEvent& event) {
  switch (event.type) {
  case TransportEvent::Type::Connected:
    onConnected(event);
    return;
  case TransportEvent::Type::Disconnected:
    onDisconnected(event);
    return;
  case TransportEvent::Type::Received:
    break;
  }
  Remote* from = remoteByLink(event.link);
  if (!from || from->kicked || from->tooSlow) return;
  if (m_config.role == Role::Server && !withinPacketRate(*from)) return;
  ++from->stats.packetsReceived;
  from->stats.bytesReceived += event.payload.size();
  ++m_counters.packetsReceived;
  m_counters.bytesReceived += event.payload.size();
  if (event.channel == Channel::Reliable)
    onReliable(*from, event);
  else
    onState(*from, event);
}

// Token bucket over ticks: maxPacketsPerSecond, with one second's worth as burst.
bool NetManager::withinPacketRate(Remote& from) {
  const float rate = static_cast<float>(m_config.maxPacketsPerSecond);
  if (from.packetTokens < 0) from.packetTokens = rate;
  from.packetTokens = std::min(rate, from.packetTokens + rate * static_cast<float>(m_tick - from.packetTokensTick) /
                                                             static_cast<float>(m_config.tickHz));
  from.packetTokensTick = m_tick;
  if (from.packetTokens >= 1.0f) {
    from.packetTokens -= 1.0f;
    return true;
  }
  ++from.stats.rateLimited;
  violation(from, "packet rate limit exceeded");
  return false;
}

void NetManager::onConnected(const TransportEvent& event) {
  if (m_config.role == Role::Client) {
    if (Remote* server = remoteByLink(event.link)) {
      server->joined = true; // the link is up; our slot comes with the welcome
      spdlog::info("connected to server, waiting for welcome");
    }
    return;
  }
  const uint16_t proto = wire::connectProtocol(event.data);
  const uint16_t game = wire::connectGame(event.data);
  auto refuse = [&](wire::DisconnectReason reason, uint16_t detail, const std::string& why) {
    spdlog::warn("refused a connection: {}", why);
    ++m_counters.connectionsRefused;
    m_transport.disconnect(event.link, wire::packDisconnect(reason, detail));
  };
  if (m_draining) return refuse(wire::DisconnectReason::Draining, 0, "the server is draining (shutting down)");
  if (proto != protocolVersion())
    return refuse(wire::DisconnectReason::ProtocolMismatch, protocolVersion(),
                  fmt::format("client speaks protocol {}, this server speaks {}", proto, protocolVersion()));
  if (game != m_config.gameId)
    return refuse(wire::DisconnectReason::GameMismatch, m_config.gameId,
                  fmt::format("client runs game id {:#06x}, this server runs {:#06x}", game, m_config.gameId));
  PeerId slot = kNoPeer;
  for (int candidate = 1; candidate <= m_config.maxClients; ++candidate) {
    if (!remoteBySlot(static_cast<PeerId>(candidate))) {
      slot = static_cast<PeerId>(candidate);
      break;
    }
  }
  if (slot == kNoPeer)
    return refuse(wire::DisconnectReason::ServerFull, 0, fmt::format("server full ({} clients)", m_config.maxClients));

  auto remote = std::make_unique<Remote>();
  newRemote(remote);
  remote->link = event.link;
  remote->slot = slot;
  remote->stats.slot = slot;
  remote->joined = true;
  Remote& r = *remote;
  m_remotes[event.link] = std::move(remote);

  wire::Welcome welcome;
  welcome.yourSlot = slot;
  welcome.serverTick = m_tick;
  welcome.tickHz = static_cast<uint16_t>(m_config.tickHz);
  welcome.sendHz = static_cast<uint16_t>(m_config.sendHz);
  welcome.firstCounter = m_slotCounters.count(slot) ? m_slotCounters[slot] : 1;
  r.firstCounter = welcome.firstCounter;
  sendReliable(r, wire::encodeMessage(wire::MessageType::Welcome, welcome));
  // Late joiner: every live entity, in its current state, before any state block.
  m_group.forEach([&](const Entity& e) {
    wire::Spawn spawn{e.id(), e.type(), e.authority(), m_group.spawnStateOf(e), m_tick};
    sendReliable(r, wire::encodeMessage(wire::MessageType::Spawn, spawn));
  });
  broadcastReliable(wire::encodeMessage(wire::MessageType::PeerJoined, wire::PeerNotice{slot}), slot);
  ++m_counters.clientsJoined;
  spdlog::info("client {} joined ({} entities sent)", slot, m_group.size());
  onPeerJoined.emit(slot);
}

void NetManager::onDisconnected(const TransportEvent& event) {
  auto it = m_remotes.find(event.link);
  if (it == m_remotes.end()) return; // refused before it ever joined
  const PeerId slot = it->second->slot;
  const bool kicked = it->second->kicked;
  const bool tooSlow = it->second->tooSlow;
  if (it->second->joined) {
    PeerStats last = it->second->stats;
    last.connected = false;
    last.stateLost = it->second->stateLost();
    m_departed.push_back(last);
  }
  m_remotes.erase(it);
  const auto reason = wire::disconnectReason(event.data);

  if (m_config.role == Role::Client) {
    m_disconnected = true;
    m_joined = false;
    if (m_leaving) return; // our own goodbye, acknowledged
    const uint16_t detail = wire::disconnectDetail(event.data);
    switch (reason) {
    case wire::DisconnectReason::ProtocolMismatch:
      m_disconnectReason = fmt::format("server refused us: protocol version mismatch (server speaks {}, we speak {})",
                                       detail, m_config.protocolOverride ? m_config.protocolOverride : protocolVersion());
      break;
    case wire::DisconnectReason::GameMismatch:
      m_disconnectReason = fmt::format("server refused us: game id mismatch (server runs {:#06x}, we run {:#06x})",
                                       detail, m_config.gameId);
      break;
    case wire::DisconnectReason::TimedOut:
      m_disconnectReason = "no answer from the server (timed out or unreachable)";
      break;
    default:
      m_disconnectReason = "disconnected: " + wire::describe(reason);
    }
    spdlog::warn("{}", m_disconnectReason);
    return;
  }

  if (tooSlow) {
    // counted in clientsTooSlow when it was dropped
  } else if (kicked) {
    ++m_counters.clientsKicked;
  } else if (reason == wire::DisconnectReason::TimedOut) {
    ++m_counters.clientsTimedOut;
  } else {
    ++m_counters.clientsLeft;
  }
  spdlog::info("client {} {}", slot,
               tooSlow ? "was dropped (too slow)" : kicked ? "was kicked" : wire::describe(reason));
  removePeerEntities(slot);
  broadcastReliable(wire::encodeMessage(wire::MessageType::PeerLeft, wire::PeerNotice{slot}), kNoPeer);
  onPeerLeft.emit(slot);
}

// A departed client's entities follow their type's policy: gone everywhere, or
// adopted by the server (which then simulates them, e.g. a grenade's fuse).
void NetManager::removePeerEntities(PeerId slot) {
  for (EntityId id : m_group.ids()) {
    Entity* e = m_group.find(id);
    if (!e || e->authority() != slot) continue;
    const EntityType* type = m_group.registry().find(e->type());
    if (type && type->onOwnerLeave == OwnerLeavePolicy::HandToServer) {
      m_group.setAuthority(id, kServerPeer);
      m_entityNet.erase(id); // a new timeline starts with the new authority
      ++m_counters.authorityHandovers;
      broadcastReliable(wire::encodeMessage(wire::MessageType::SetAuthority, wire::SetAuthority{id, kServerPeer}),
                        slot);
      continue;
    }
    despawnLocal(id);
    broadcastReliable(
        wire::encodeMessage(wire::MessageType::Despawn, wire::Despawn{id, wire::DespawnReason::OwnerLeft}), slot);
  }
}

// Violations leak away at one per second, so an honest peer's rare misstep (a clamp
// after a lag spike) never adds up to a kick, while a flood does within moments.
void NetManager::violation(Remote& from, const char* what) {
  ++from.violations;
  const float elapsed = static_cast<float>(m_tick - from.violationTick) / static_cast<float>(m_config.tickHz);
  from.violationScore = std::max(0.0f, from.violationScore - elapsed) + 1.0f;
  from.violationTick = m_tick;
  if (from.violations == 1) spdlog::warn("peer {}: {} (further violations are counted, not logged)", from.slot, what);
  if (m_config.role == Role::Server && !from.kicked && from.violationScore > static_cast<float>(m_config.maxViolations)) {
    spdlog::warn("peer {}: {} violations, disconnecting", from.slot, from.violations);
    from.kicked = true;
    m_transport.disconnect(from.link, wire::packDisconnect(wire::DisconnectReason::Kicked));
  }
}

void NetManager::onReliable(Remote& from, const TransportEvent& event) {
  ReadStream in(event.payload);
  uint32_t type = 0;
  in.serializeBits(type, 4);
  const bool isServer = m_config.role == Role::Server;
  auto malformed = [&] {
    ++from.stats.malformed;
    violation(from, "malformed reliable message");
  };
  switch (static_cast<wire::MessageType>(type)) {
  case wire::MessageType::Welcome: {
    wire::Welcome w;
    if (isServer || !w.serialize(in)) return malformed();
    if (m_joined) return; // a second welcome changes nothing
    m_group.setLocalPeer(w.yourSlot);
    m_group.setNextCounter(w.firstCounter);
    m_joined = true;
    m_tick = w.serverTick;
    spdlog::info("joined as client {} (server tick {}, {} Hz, sending {} Hz)", w.yourSlot, w.serverTick, w.tickHz,
                 w.sendHz);
    onJoined.emit(w.yourSlot);
    return;
  }
  case wire::MessageType::Spawn: {
    wire::Spawn s;
    if (!s.serialize(in)) return malformed();
    ++m_counters.spawnsReceived;
    return onSpawnMessage(from, s);
  }
  case wire::MessageType::Despawn: {
    wire::Despawn d;
    if (!d.serialize(in)) return malformed();
    ++m_counters.despawnsReceived;
    const Entity* e = m_group.find(d.id);
    if (!e) return;
    if (isServer) {
      if (e->authority() != from.slot) {
        ++from.stats.rejected;
        return violation(from, "despawn of an entity it does not own");
      }
      despawnLocal(d.id);
      broadcastReliable(wire::encodeMessage(wire::MessageType::Despawn, d), from.slot);
      return;
    }
    if (d.reason == wire::DespawnReason::Rejected && e->authority() == localPeer())
      spdlog::warn("server rejected our entity {:#x}", d.id.value);
    despawnLocal(d.id);
    return;
  }
  case wire::MessageType::EntityEvent: {
    wire::EntityEvent ev;
    if (!ev.serialize(in)) return malformed();
    return onEventMessage(from, ev);
  }
  case wire::MessageType::SetAuthority: {
    wire::SetAuthority a;
    if (isServer || !a.serialize(in)) return malformed();
    if (m_group.setAuthority(a.id, a.authority)) {
      m_entityNet.erase(a.id);
      ++m_counters.authorityHandovers;
    }
    return;
  }
  case wire::MessageType::PeerJoined:
  case wire::MessageType::PeerLeft: {
    wire::PeerNotice n;
    if (isServer || !n.serialize(in)) return malformed();
    spdlog::debug("peer {} {}", n.slot, type == uint32_t(wire::MessageType::PeerJoined) ? "joined" : "left");
    return;
  }
  }
  malformed();
}

void NetManager::onSpawnMessage(Remote& from, const wire::Spawn& received) {
  wire::Spawn s = received;
  if (m_config.role == Role::Client) {
    if (m_group.find(s.id) || s.authority == localPeer()) return;
    Entity* e = m_group.spawn(s.id, s.type, s.authority, s.state);
    if (!e) {
      ++from.stats.rejected;
      spdlog::warn("cannot create entity {:#x} of unknown type {}", s.id.value, s.type);
      return;
    }
    showSpawnAsFirstNews(*e, s.state, s.serverTick);
    return;
  }
  // Server: a client announces something it spawned, stamped with its clock.
  s.serverTick = claimedServerTick(s.serverTick);
  const char* problem = checkClientSpawn(from, s);
  Entity* spawned = problem ? nullptr : m_group.spawn(s.id, s.type, s.authority, s.state);
  if (!problem && !spawned) problem = "spawn its factory refused";
  if (spawned) showSpawnAsFirstNews(*spawned, s.state, s.serverTick);
  // Whatever the verdict, this counter is used: the slot's next owner starts after it.
  if (from.mayCreate(s.id))
    m_slotCounters[from.slot] = std::max(m_slotCounters[from.slot], s.id.counter() + 1);
  if (problem) {
    ++from.stats.rejected;
    ++from.stats.spawnsRejected;
    violation(from, problem);
    sendReliable(from, wire::encodeMessage(wire::MessageType::Despawn, wire::Despawn{s.id, wire::DespawnReason::Rejected}));
    return;
  }
  broadcastReliable(wire::encodeMessage(wire::MessageType::Spawn, s), from.slot);
}

// The spawn state is a remote entity's first news: stamped with the spawn's time, it
// is the first sample of the entity's remote view, so an interpolating view shows it
// where it was spawned until its state catches up, instead of letting physics fling
// the copy ahead and then pulling it back to the first state that arrives.
void NetManager::showSpawnAsFirstNews(Entity& e, const SpawnState& spawn, uint32_t serverTick) {
  RemoteView* view = e.controller().remoteView();
  if (!view) return;
  RigidState first;
  first.position = spawn.transform.position;
  first.orientation = spawn.transform.orientation;
  first.linearVelocity = spawn.linearVelocity;
  first.angularVelocity = spawn.angularVelocity;
  view->push(serverTick * m_config.tickSeconds(), first, m_group.viewClock().serverNow);
}

// A client's spawn must be a type clients may spawn, in its own id range and under
// its own authority, within its rate and count limits, and plausible for the game.
const char* NetManager::checkClientSpawn(Remote& from, const wire::Spawn& s) {
  const EntityType* type = m_group.registry().find(s.type);
  if (!type) return "spawn of an unknown type";
  if (!type->clientMaySpawn) return "spawn of a server-only type";
  if (s.id.creator() != from.slot || s.authority != from.slot) return "spawn outside its own id range or authority";
  if (!from.mayCreate(s.id)) return "spawn outside the counters its welcome gave it";
  if (m_group.find(s.id)) return "spawn of an id already in use";

  // Token bucket: spawnBurst at once, then maxSpawnsPerSecond.
  const float perTick = m_config.maxSpawnsPerSecond / static_cast<float>(m_config.tickHz);
  const float burst = static_cast<float>(m_config.spawnBurst);
  if (from.spawnTokensTick == 0) from.spawnTokens = burst;
  from.spawnTokens = std::min(burst, from.spawnTokens + perTick * static_cast<float>(m_tick - from.spawnTokensTick));
  from.spawnTokensTick = m_tick == 0 ? 1 : m_tick;
  if (from.spawnTokens < 1.0f) return "spawn rate limit exceeded";

  int owned = 0;
  m_group.forEach([&](const Entity& e) { owned += e.authority() == from.slot; });
  if (owned >= m_config.maxEntitiesPerClient) return "entity count limit exceeded";

  static thread_local std::string why;
  why.clear();
  if (type->validateSpawn && !type->validateSpawn(s.state, from.slot, m_group, why)) {
    spdlog::debug("peer {}: implausible spawn of {}: {}", from.slot, type->name, why);
    return "implausible spawn state";
  }
  from.spawnTokens -= 1.0f;
  return nullptr;
}

void NetManager::onEventMessage(Remote& from, const wire::EntityEvent& ev) {
  const Entity* e = m_group.find(ev.source);
  if (m_config.role == Role::Server) {
    if (!e || e->authority() != from.slot) {
      ++from.stats.rejected;
      return violation(from, "event for an entity it is not authority for");
    }
  } else if (!e) {
    ++from.stats.unknownEntity;
    return;
  }
  ReadStream payload(ev.payload.data(), ev.bits);
  m_group.dispatchEvent(ev.source, payload, m_effects);
  ++m_counters.eventsReceived;
  if (m_config.role == Role::Server)
    broadcastReliable(wire::encodeMessage(wire::MessageType::EntityEvent, ev), from.slot);
}

void NetManager::onState(Remote& from, const TransportEvent& event) {
  wire::StatePacket packet;
  if (!wire::readStatePacket(event.payload, packet)) {
    ++from.stats.malformed;
    return violation(from, "malformed state packet");
  }
  const bool forwarded = m_config.role == Role::Client && packet.header.origin != kServerPeer;
  (forwarded ? from.receivedForwarded : from.received).onReceived(packet.header.sequence);
  // Forwarded packets are stamped with their owner's time, not the server's present:
  // only the server's own packets teach a client the server's clock.
  if (m_config.role == Role::Client && packet.header.origin == kServerPeer)
    from.clock.onPacket(packet.header.senderTick, fractionalTick(), m_transport.stats(from.link).rttMs, m_config.tickHz);
  if (packet.header.hasAck) from.delta->onAck(packet.header.ack, packet.header.ackBits);
  if (!packet.blocks.empty()) onStateArrived.emit(packet.header.origin, packet.header.originTick);
  if (m_config.role == Role::Client) return acceptBlocks(from, packet, nullptr);

  if (packet.header.origin != from.slot) {
    ++from.stats.rejected;
    return violation(from, "state packet claiming another peer's origin");
  }
  std::vector<wire::StateBlock> forward;
  acceptBlocks(from, packet, &forward);
  if (forward.empty()) return;
  std::vector<const wire::StateBlock*> blocks;
  for (const auto& b : forward) blocks.push_back(&b);
  // Forward at once, keeping the owner's tick, instead of waiting for our next send;
  // the header says when on the server's timeline the owner sent it.
  const uint32_t ownerTime = claimedServerTick(packet.header.senderTick);
  for (auto& [link, remote] : m_remotes) {
    if (!remote->joined || remote->slot == from.slot) continue;
    sendBlocks(*remote, from.slot, packet.header.originTick, ownerTime, blocks);
    m_counters.blocksForwarded += forward.size();
  }
  m_transport.flush();
}

// When on the server's timeline a client's packet was sent: the client stamps its own
// estimate; trusted only within the last kMaxClaimedAgeTicks, so a lying clock can
// misplace nothing but its own entities, and by little.
uint32_t NetManager::claimedServerTick(uint32_t stamped) const {
  constexpr uint32_t kMaxClaimedAgeTicks = 60;
  const uint32_t oldest = m_tick > kMaxClaimedAgeTicks ? m_tick - kMaxClaimedAgeTicks : 0;
  return std::clamp(stamped, oldest, m_tick);
}

// The entity's controller judges a client's update (speed, teleports...); what it
// finds implausible is clamped or dropped, per config, and counted either way.
bool NetManager::checkClientBlock(Remote& from, Entity& entity, const EntityNet& net, uint32_t originTick,
                                  wire::StateBlock& block) {
  // The owner's ticks between its two updates, but never more than our own clock saw
  // pass (plus jitter): the owner stamps its ticks itself, and a jump of its clock
  // must not make a teleport look like a long walk.
  constexpr uint32_t kJitterTicks = 6;
  uint32_t ticks = m_config.tickHz / m_config.sendHz;
  if (net.hasTick) ticks = std::min(originTick - net.lastOriginTick, m_tick - net.lastAcceptedTick + kJitterTicks);
  const float elapsed = static_cast<float>(ticks) / static_cast<float>(m_config.tickHz);
  WriteStream corrected(wire::kMaxBlockBits / 8);
  const ReadStream in(block.payload.data(), block.bits);
  switch (entity.controller().checkRemoteState(in, elapsed, corrected)) {
  case Controller::Verdict::Accept:
    return true;
  case Controller::Verdict::Clamp:
    if (!m_config.rejectImplausible && corrected.ok() && corrected.bits() > 0) {
      ++from.stats.clamped;
      violation(from, "implausible update (clamped)");
      block.bits = static_cast<uint32_t>(corrected.bits());
      block.payload = corrected.take();
      // The owner learns the verdict too, or it would keep simulating from a state
      // nobody else sees.
      std::erase_if(from.corrections, [&](const wire::StateBlock& b) { return b.id == block.id; });
      from.corrections.push_back(block);
      return true;
    }
    [[fallthrough]];
  case Controller::Verdict::Reject:
    break;
  }
  ++from.stats.rejected;
  violation(from, "implausible update (dropped)");
  return false;
}

void NetManager::acceptBlocks(Remote& from, wire::StatePacket& packet, std::vector<wire::StateBlock>* forward) {
  const bool isServer = m_config.role == Role::Server;
  for (wire::StateBlock& block : packet.blocks) {
    Entity* e = m_group.find(block.id);
    if (!e) {
      ++from.stats.unknownEntity; // e.g. its spawn is still on the reliable channel
      continue;
    }
    if (e->authority() == localPeer()) {
      // A server never echoes an owner's state: a block about our own entity is the
      // referee's correction.
      if (!isServer && from.slot == kServerPeer) {
        const ReadStream corrected(block.payload.data(), block.bits);
        if (e->controller().onCorrection(corrected)) ++m_counters.correctionsApplied;
        else ++from.stats.malformed;
      }
      continue;
    }
    if (isServer && e->authority() != from.slot) {
      ++from.stats.rejected;
      violation(from, "update for an entity it is not authority for");
      continue;
    }
    if (!isServer && packet.header.origin != e->authority()) {
      // From an owner it no longer has (forwarded before a hand-over, still on the
      // way): its ticks are another clock's, so it must not pass for the newest.
      ++from.stats.stale;
      continue;
    }
    EntityNet& net = m_entityNet[block.id];
    if (net.hasTick && static_cast<int32_t>(packet.header.originTick - net.lastOriginTick) <= 0) {
      ++from.stats.stale;
      continue;
    }
    if (isServer && !checkClientBlock(from, *e, net, packet.header.originTick, block)) continue;
    net.hasTick = true;
    net.lastOriginTick = packet.header.originTick;
    net.lastAcceptedTick = m_tick;
    net.pending = block;
    net.hasPending = true;
    // On the server's timeline: the header says when (the server's send tick, or the
    // owner's estimate of it for client-owned state, kept when forwarded).
    const uint32_t when = isServer ? claimedServerTick(packet.header.senderTick) : packet.header.senderTick;
    net.pendingTime = when * m_config.tickSeconds();
    if (forward) forward->push_back(block);
  }
}

} // namespace ferrum
