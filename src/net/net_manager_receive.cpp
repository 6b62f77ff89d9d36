// NetManager: everything that arrives from the transport.

#include "base/log.h"

#include <algorithm>
#include <cmath>

#include "core/type_table.h"
#include "wire/field_delta.h"
#include "wire/message_batch.h"
#include "wire/payload_extent.h"
#include "ferrum/net_manager.h"
#include "net/net_manager_internal.h"
#include "net/referee.h"

namespace ferrum {

void NetManager::service(uint32_t waitMs) {
  TransportEvent event;
  event.payload.swap(m_servicePayload); // (swapped, not a member event: safe if handle() re-enters)
  event.payload.clear();
  if (m_transport.service(event, forwardWaitMs(waitMs))) {
    handle(event);
    // Drain whatever else is already here without waiting (bounded: a flood cannot pin us).
    for (int i = 0; i < 10000 && m_transport.service(event, 0); ++i) handle(event);
  }
  m_servicePayload.swap(event.payload);
  flushForwards(false);
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
  if (!from || from->referee.kicked || from->tooSlow) return;
  if (m_config.role == Role::Server && !m_referee->withinPacketRate(from->referee, clockTick())) {
    ++from->stats.rateLimited;
    return violation(*from, "packet rate limit exceeded");
  }
  ++from->stats.packetsReceived;
  from->stats.bytesReceived += event.payload.size();
  ++m_counters.packetsReceived;
  m_counters.bytesReceived += event.payload.size();
  if (m_config.role == Role::Server && !from->joined) return onHello(*from, event);
  if (event.channel == Channel::Reliable)
    onReliable(*from, event.payload);
  else
    onState(*from, event);
}

void NetManager::onConnected(const TransportEvent& event) {
  if (m_config.role == Role::Client) {
    if (Remote* server = remoteByLink(event.link)) {
      server->joined = true; // the link is up; our slot comes with the welcome
      // First thing on the link: the type table we registered, which the server checks.
      // (The table built once for its size and its fingerprint.)
      const std::vector<wire::TypeEntry> table = typeTableOf(m_group.registry());
      const wire::Hello hello{static_cast<uint32_t>(table.size()), wire::typeTableFingerprint(table)};
      sendReliable(*server, wire::encodeMessage(wire::MessageType::Hello, hello));
      log::info("connected to server, waiting for welcome");
    }
    return;
  }
  const uint16_t proto = wire::connectProtocol(event.data);
  const uint16_t game = wire::connectGame(event.data);
  auto refuse = [&](wire::DisconnectReason reason, uint16_t detail, const std::string& why) {
    log::warn("refused a connection: {}", why);
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
  if (const double left = coolOffLeft(event.link); left > 0) {
    ++m_counters.refusedCoolingOff;
    return refuse(wire::DisconnectReason::Kicked, static_cast<uint16_t>(std::ceil(left)),
                  fmt::format("{} was kicked; cooling off for {:.1f} s more", coolOffKey(event.link), left));
  }
  PeerId slot = kNoPeer;
  for (int candidate = 1; candidate <= m_config.maxClients; ++candidate) {
    if (!remoteBySlot(static_cast<PeerId>(candidate))) {
      slot = static_cast<PeerId>(candidate);
      break;
    }
  }
  if (slot == kNoPeer)
    return refuse(wire::DisconnectReason::ServerFull, 0, fmt::format("server full ({} clients)", m_config.maxClients));

  // The slot is held from here; the welcome waits for the client's hello.
  auto remote = std::make_unique<Remote>();
  newRemote(remote);
  remote->link = event.link;
  remote->slot = slot;
  remote->stats.slot = slot;
  remote->referee = m_referee->admit(slot, m_slotCounters.count(slot) ? m_slotCounters[slot] : 1, clockTick());
  m_remotes[event.link] = std::move(remote);
  log::debug("client in slot {} connected, waiting for its hello", slot);
}

// A connected client's first message must be its hello, naming the type table it
// registered: the same as ours, and it is welcomed; another, and it is refused with
// our table, so that it can say what differs.
void NetManager::onHello(Remote& from, const TransportEvent& event) {
  if (from.refused) return; // told already; its link closes once our table is delivered
  wire::Hello hello;
  if (event.channel != Channel::Reliable || !wire::decodeMessage(event.payload, wire::MessageType::Hello, hello)) {
    ++from.stats.malformed;
    return violation(from, "a message before its hello");
  }
  const ControllerRegistry& registry = m_group.registry();
  const std::vector<wire::TypeEntry> table = typeTableOf(registry);
  const uint64_t ours = wire::typeTableFingerprint(table);
  if (hello.fingerprint == ours && hello.typeCount == table.size()) return welcome(from);
  log::warn("refused a connection: its type table differs ({} types, fingerprint {:016x}; this server: {} types, "
               "{:016x})",
               hello.typeCount, hello.fingerprint, table.size(), ours);
  ++m_counters.connectionsRefused;
  from.refused = true;
  sendReliable(from, wire::encodeMessage(wire::MessageType::TypeTable, wire::TypeTable{table}));
  m_transport.disconnectWhenSent(
      from.link, wire::packDisconnect(wire::DisconnectReason::TypeTableMismatch, static_cast<uint16_t>(ours)));
}

void NetManager::welcome(Remote& r) {
  const PeerId slot = r.slot;
  r.joined = true;
  // Its state budget starts now, empty, as if it had connected this moment.
  const float bytesPerSend = budgetBytesPerSend(m_config);
  r.budget = TokenBucket::empty(2 * bytesPerSend, bytesPerSend, sendsOf(r));

  wire::Welcome msg;
  msg.yourSlot = slot;
  msg.serverTick = m_tick;
  r.droppedTicksAtWelcome = m_droppedTicks;
  msg.tickHz = static_cast<uint16_t>(m_config.tickHz);
  msg.sendHz = static_cast<uint16_t>(m_config.sendHz);
  msg.firstCounter = r.referee.firstCounter;
  sendReliable(r, wire::encodeMessage(wire::MessageType::Welcome, msg));
  // Late joiner: the world is queued, not sent: chooseSpawns() and sendChosenSpawns() send it a budgeted
  // number per tick (shared by every joiner), then says WorldComplete. With interest
  // management it is queued once the joiner's player exists (its spawn, below), or
  // when updateRelevance() finds the wait over (kWorldWaitForPlayerSeconds).
  if (relevanceActive()) {
    r.worldDeferred = true;
    r.worldWaitUntil = m_tick + static_cast<uint32_t>(std::ceil(kWorldWaitForPlayerSeconds * m_config.tickHz));
  } else {
    queueWorld(r);
  }
  broadcastReliable(wire::encodeMessage(wire::MessageType::PeerJoined, wire::PeerNotice{slot}), slot);
  ++m_counters.clientsJoined;
  log::info("client {} joined ({} of {} entities queued for it)", slot, r.replication.queued(), m_group.size());
  onPeerJoined.emit(slot);
}

void NetManager::onDisconnected(const TransportEvent& event) {
  auto it = m_remotes.find(event.link);
  if (it == m_remotes.end()) return; // refused before it ever joined
  if (m_config.role == Role::Server && !it->second->joined) { // refused for its types, or gone before its hello
    m_remotes.erase(it);
    return;
  }
  const PeerId slot = it->second->slot;
  const bool kicked = it->second->referee.kicked;
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
    // Welcomed once, then told goodbye because the server itself is ending (not lost,
    // not kicked): the game is over, cleanly.
    m_serverEndedGame = localPeer() != kNoPeer && (reason == wire::DisconnectReason::ServerShutdown ||
                                                   reason == wire::DisconnectReason::Draining);
    switch (reason) {
    case wire::DisconnectReason::ProtocolMismatch:
      m_disconnectReason = fmt::format("server refused us: protocol version mismatch (server speaks {}, we speak {})",
                                       detail, m_config.protocolOverride ? m_config.protocolOverride : protocolVersion());
      break;
    case wire::DisconnectReason::GameMismatch:
      m_disconnectReason = fmt::format("server refused us: game id mismatch (server runs {:#06x}, we run {:#06x})",
                                       detail, m_config.gameId);
      break;
    case wire::DisconnectReason::TypeTableMismatch:
      // The server sent its table first; without it (lost on the way) only the fingerprints are known.
      m_disconnectReason =
          m_serverTypeTable.empty()
              ? fmt::format("server refused us: type table differs (server's fingerprint ends in {:04x}, ours is {:016x})",
                            detail, m_group.registry().fingerprint())
              : "server refused us: type table differs: " + describeServerTypeTable();
      break;
    case wire::DisconnectReason::TimedOut:
      m_disconnectReason = "no answer from the server (timed out or unreachable)";
      break;
    case wire::DisconnectReason::Kicked:
      // Before a welcome: refused at the door, this address being in its cooling-off.
      m_disconnectReason = localPeer() == kNoPeer && detail > 0
                               ? fmt::format("server refused us: this address was kicked; try again in {} s", detail)
                               : "disconnected: " + wire::describe(reason);
      break;
    default:
      m_disconnectReason = "disconnected: " + wire::describe(reason);
    }
    log::warn("{}", m_disconnectReason);
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
  log::info("client {} {}", slot,
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
      forgetBaselines(id);
      for (auto& [link, remote] : m_remotes) { // nothing sent of it in our series is a baseline
        remote->delta->forget(id);
        remote->pendingSpawnBaselines.erase(id);
      }
      ++m_counters.authorityHandovers;
      sendToHolders(id, wire::encodeMessage(wire::MessageType::SetAuthority, wire::SetAuthority{id, kServerPeer}),
                    slot);
      continue;
    }
    sendToHolders(id, wire::encodeMessage(wire::MessageType::Despawn, wire::Despawn{id, wire::DespawnReason::OwnerLeft}),
                  slot);
    despawnLocal(id);
  }
}

void NetManager::violation(Remote& from, const char* what) {
  if (m_referee->violation(from.referee, what, clockTick())) {
    startCoolOff(from);
    m_transport.disconnect(from.link, wire::packDisconnect(wire::DisconnectReason::Kicked));
  }
}

// How the server's table (its TypeTable message, read once already) differs from ours.
std::string NetManager::describeServerTypeTable() const {
  wire::TypeTable table;
  if (!wire::decodeMessage(m_serverTypeTable, wire::MessageType::TypeTable, table)) return "its table could not be read";
  return describeTypeTableDifference(table.entries, typeTableOf(m_group.registry()));
}

void NetManager::onReliable(Remote& from, std::span<const uint8_t> payload) {
  ReadStream in(payload);
  uint32_t type = 0;
  wire::readMessageType(in, type); // too short: type 0, no message's, malformed below
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
    m_welcomeTick = m_tick;
    log::info("joined as client {} (server tick {}, {} Hz, sending {} Hz)", w.yourSlot, w.serverTick, w.tickHz,
                 w.sendHz);
    onJoined.emit(w.yourSlot);
    return;
  }
  case wire::MessageType::Spawn: {
    if (!isServer) ++m_spawnsReceived; // counted as the server counts it: every one, in order
    wire::Spawn s;
    if (!s.serialize(in, spawnPrecisions(m_group.registry()))) return malformed();
    ++m_counters.spawnsReceived;
    onSpawnMessage(from, s);
    if (!isServer) keepSpawnBaseline(from, s, payload);
    if (!isServer && s.authority == from.slot && m_group.find(s.id)) from.delimitAnchors.held(s.id);
    return;
  }
  case wire::MessageType::Despawn: {
    wire::Despawn d;
    if (!d.serialize(in)) return malformed();
    ++m_counters.despawnsReceived;
    const Entity* e = m_group.find(d.id);
    if (!e) {
      if (!isServer) std::erase(from.needFull, d.id); // asked for after an unreadable packet: never coming
      return;
    }
    if (isServer) {
      if (e->authority() != from.slot) {
        ++from.stats.rejected;
        return violation(from, "despawn of an entity it does not own");
      }
      sendToHolders(d.id, wire::encodeMessage(wire::MessageType::Despawn, d), from.slot);
      despawnLocal(d.id);
      return;
    }
    if (d.reason == wire::DespawnReason::Rejected && e->authority() == localPeer())
      log::warn("server rejected our entity {:#x}", d.id.value);
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
      from.delimitAnchors.gone(a.id); // its blocks come in another series now
      m_entityNet.erase(a.id);
      forgetBaselines(a.id);
      ++m_counters.authorityHandovers;
    }
    return;
  }
  case wire::MessageType::TypeTable: {
    // The server refuses our type table and says what its own is; the disconnect follows.
    wire::TypeTable table;
    if (isServer || m_joined || !table.serialize(in)) return malformed();
    // Kept as it came: described only if the refusal follows (a hostile server may
    // send any number of tables, and only the refusal's reason shows one).
    m_serverTypeTable.assign(payload.begin(), payload.end());
    return;
  }
  case wire::MessageType::Leave: {
    wire::Leave l;
    if (isServer || !l.serialize(in)) return malformed();
    return onLeave(l);
  }
  case wire::MessageType::WorldComplete: {
    wire::WorldComplete c;
    if (isServer || !m_joined || !c.serialize(in)) return malformed();
    return onWorldCompleteMessage(c);
  }
  case wire::MessageType::Spawns: {
    // Checked whole before any is used: a packet that is not one well-formed batch of
    // spawns is dropped as one malformed message.
    std::vector<std::span<const uint8_t>> spawns;
    if (isServer || !wire::readBatch(payload, spawns)) return malformed();
    const wire::PrecisionOf precisions = spawnPrecisions(m_group.registry());
    for (std::span<const uint8_t> spawn : spawns) { // each one a Spawn that reads
      wire::Spawn s;
      if (!wire::decodeMessage(spawn, wire::MessageType::Spawn, s, precisions)) return malformed();
    }
    for (std::span<const uint8_t> spawn : spawns) onReliable(from, spawn);
    return;
  }
  case wire::MessageType::SpawnAck: {
    wire::SpawnAck a;
    if (!isServer || !a.serialize(in)) return malformed();
    std::vector<EntityId> confirmed;
    if (!from.replication.onSpawnAck(a.count, &confirmed)) {
      ++from.stats.rejected;
      violation(from, "spawn ack beyond the spawns it was sent");
    }
    useSpawnBaselines(from, confirmed);
    return forwardNewestTo(from, confirmed);
  }
  case wire::MessageType::Hello:
    return malformed(); // a client's first message only, handled by onHello
  case wire::MessageType::PeerJoined:
  case wire::MessageType::PeerLeft: {
    wire::PeerNotice n;
    if (isServer || !n.serialize(in)) return malformed();
    log::debug("peer {} {}", n.slot, type == uint32_t(wire::MessageType::PeerJoined) ? "joined" : "left");
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
      log::warn("cannot create entity {:#x} of unknown type {}", s.id.value, s.type);
      return;
    }
    showSpawnAsFirstNews(*e, s.state, s.serverTick);
    return;
  }
  // Server: a client announces something it spawned, stamped with its clock.
  s.serverTick = Referee::claimedServerTick(s.serverTick, m_tick);
  const char* problem = m_referee->checkSpawn(from.referee, s, clockTick());
  Entity* spawned = problem ? nullptr : m_group.spawn(s.id, s.type, s.authority, s.state);
  if (!problem && !spawned) problem = "spawn its factory refused";
  if (spawned) {
    showSpawnAsFirstNews(*spawned, s.state, s.serverTick);
    from.replication.markOwn(s.id); // its own: it holds it, always
  }
  // Whatever the verdict, this counter is used: the slot's next owner starts after it.
  if (from.referee.mayCreate(s.id))
    m_slotCounters[from.slot] = std::max(m_slotCounters[from.slot], s.id.counter() + 1);
  if (problem) {
    ++from.stats.rejected;
    ++from.stats.spawnsRejected;
    violation(from, problem);
    sendReliable(from, wire::encodeMessage(wire::MessageType::Despawn, wire::Despawn{s.id, wire::DespawnReason::Rejected}));
    return;
  }
  announceSpawn(*spawned, wire::encodeMessage(wire::MessageType::Spawn, s, spawnPrecisions(m_group.registry())), from.slot);
  if (from.worldDeferred) { // its first entity: its world, nearest first from here
    from.worldDeferred = false;
    queueWorld(from);
  }
}

// What the server will code this entity's first blocks against once it hears of our
// SpawnAck: the block the spawn stands for, built from the very bytes we read.
void NetManager::keepSpawnBaseline(Remote& from, const wire::Spawn& spawn, std::span<const uint8_t> bytes) {
  const Entity* e = m_group.find(spawn.id);
  // Only the sender's own entities are coded in its own series.
  if (!e || e->authority() != from.slot || spawn.authority != from.slot) return;
  SpawnBaseline baseline;
  if (!spawnBaselineOf(bytes, spawnPrecisions(m_group.registry()), baseline)) return;
  const uint16_t anchor = from.received.any() ? from.received.newest() : uint16_t{0xFFFF};
  from.baselines.storeSpawn(spawn.id, anchor, baseline.bits, std::move(baseline.payload));
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
  view->push(serverTick * m_config.tickSeconds(), first, m_group.viewTimeline().serverNow);
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
    sendToHolders(ev.source, wire::encodeMessage(wire::MessageType::EntityEvent, ev), from.slot);
}

void NetManager::onState(Remote& from, const TransportEvent& event) {
  wire::StatePacket packet;
  const bool isClient = m_config.role == Role::Client;
  // Only a client reads blocks without a length (its server's own entities); a
  // server is sent none, so one from a client is malformed.
  const wire::PacketRead read =
      wire::readStatePacket(event.payload, packet, isClient ? delimitLayouts(from) : wire::DelimitLayout{});
  if (read == wire::PacketRead::Unreadable && isClient) return onUnreadable(from, packet);
  if (read != wire::PacketRead::Ok) {
    ++from.stats.malformed;
    return violation(from, "malformed state packet");
  }
  const bool forwarded = isClient && packet.header.origin != kServerPeer;
  (forwarded ? from.receivedForwarded : from.received).onReceived(packet.header.sequence);
  if (isClient && !forwarded) {
    from.delimitAnchors.onPacket(packet.header.sequence);
    if (packet.header.sequence % 256 == 0) from.delimitAnchors.expire();
  }
  // Forwarded packets are stamped with their owner's time, not the server's present:
  // only the server's own packets teach a client the server's clock.
  if (m_config.role == Role::Client && packet.header.origin == kServerPeer)
    from.clock.onPacket(packet.header.senderTick, fractionalTick(), m_transport.stats(from.link).rttMs, m_config.tickHz);
  if (packet.header.hasAck) from.delta->onAck(packet.header.ack, packet.header.ackBits, m_tick);
  for (EntityId id : packet.header.needFull) {
    from.delta->onNeedFull(id);
    from.delimited.erase(id); // it may not be able to read it by its layout: a length from now on
  }
  if (m_config.role == Role::Server && (packet.header.origin != from.slot || !packet.sections.empty())) {
    ++from.stats.rejected;
    return violation(from, "state packet claiming another peer's origin");
  }
  // A client's own series comes from the server (origin 0); what it forwards is whole.
  rebuildDeltas(from, packet, m_config.role == Role::Server || packet.header.origin == kServerPeer);
  if (!packet.blocks.empty()) onStateArrived.emit(packet.header.origin, packet.header.originTick);
  if (m_config.role == Role::Client) {
    acceptBlocks(from, packet, nullptr);
    return acceptForwardedSections(from, packet);
  }

  std::vector<wire::StateBlock> forward;
  acceptBlocks(from, packet, &forward);
  if (!forward.empty()) this->forward(from, packet, std::move(forward));
}

// Client: the layout a block of the server's own series without a length is read by:
// that of the entity we hold, if we have held it since before the packet was sent
// (DelimitAnchors); otherwise none, and the packet cannot be read past the block.
wire::DelimitLayout NetManager::delimitLayouts(Remote& from) {
  return [this, &from](const wire::StateHeader& header, EntityId id) -> const FieldLayout* {
    if (header.origin != kServerPeer ||
        from.delimitAnchors.check(id, header.sequence) != DelimitAnchors::Verdict::Readable)
      return nullptr;
    const Entity* e = m_group.find(id);
    return e ? e->controller().fieldLayout() : nullptr;
  };
}

// A block without a length that we cannot read by a layout: nothing after it can be
// found, and nothing before it is applied either (simplest to prove safe). Not
// acknowledged, so the sender counts the packet lost and its baselines stay what we
// hold. Unless the packet is merely late (sent before we read the entity's spawn, or
// about a copy we dropped since), the sender takes us for holding an entity we cannot
// read: asked for it whole, it stops leaving out that entity's length, so a receiver
// cannot be starved by packets it cannot read.
void NetManager::onUnreadable(Remote& from, const wire::StatePacket& packet) {
  ++from.stats.unreadable;
  ++m_counters.unreadablePackets;
  const EntityId id = packet.unreadable;
  if (packet.header.origin != kServerPeer ||
      from.delimitAnchors.check(id, packet.header.sequence) == DelimitAnchors::Verdict::Late)
    return;
  if (std::find(from.needFull.begin(), from.needFull.end(), id) == from.needFull.end() &&
      from.needFull.size() < 4 * wire::kMaxNeedFull)
    from.needFull.push_back(id);
}

// Every block becomes whole state before anyone reads it: a delta is rebuilt against
// the very block its sender named (by packet sequence) or dropped; what is rebuilt or
// arrived whole is kept as a baseline for later deltas, known entity or not (a block
// may come before its spawn). Whatever cannot be rebuilt is counted and asked for whole.
void NetManager::rebuildDeltas(Remote& from, wire::StatePacket& packet, bool ownSeries) {
  const uint16_t sequence = packet.header.sequence;
  if (ownSeries && ++from.ownPacketsReceived % BaselineStore::kExpireEvery == 0)
    from.baselines.expire(from.received.newest());
  std::erase_if(packet.blocks, [&](wire::StateBlock& block) {
    // Late or replayed: older than what was taken in already. A whole block goes on
    // (the tick order check counts it stale); a delta's baseline may be gone: stale too.
    if (ownSeries && from.baselines.hasNewer(block.id, sequence)) {
      if (block.baselineAge == 0) return false;
      ++from.stats.stale;
      return true;
    }
    if (block.baselineAge != 0) {
      // Against the state its spawn carried (only in packets after the spawn was read),
      // or against its block in an earlier packet.
      const bool againstSpawn = block.baselineAge == wire::kSpawnBaseline;
      const Entity* e = m_group.find(block.id);
      const FieldLayout* layout = e ? e->controller().fieldLayout() : nullptr;
      WriteStream full(wire::kMaxBlockBits / 8);
      if (!ownSeries || !layout ||
          !from.baselines.rebuild(block.id, sequence, block.baselineAge, *layout, block.payload.data(), block.bits,
                                  full) ||
          full.bits() > wire::kMaxBlockBits) {
        ++m_counters.baselineMismatches;
        // Whatever we hold of it may not be what the sender thinks: start over.
        from.baselines.forget(block.id);
        if (std::find(from.needFull.begin(), from.needFull.end(), block.id) == from.needFull.end() &&
            from.needFull.size() < 4 * wire::kMaxNeedFull)
          from.needFull.push_back(block.id);
        return true;
      }
      if (againstSpawn) ++m_counters.spawnDeltaBlocks;
      block.bits = static_cast<uint32_t>(full.bits());
      block.payload = full.take();
      block.baselineAge = 0;
      block.selfDelimited = false; // whole state now: its layout may not delimit it
      ++m_counters.deltaBlocksReceived;
    } else if (ownSeries) {
      std::erase(from.needFull, block.id);
    }
    if (ownSeries) from.baselines.store(block.id, sequence, block.bits, block.payload);
    return false;
  });
}

// The referee's verdict on a client's block, counted and charged; a clamped state goes
// back to its owner too, or it would keep simulating from a state nobody else sees.
bool NetManager::refereeBlock(Remote& from, Entity& entity, const EntityNet& net, uint32_t originTick,
                              wire::StateBlock& block) {
  const BlockTiming timing{net.hasTick, net.lastOriginTick, net.lastAcceptedTick, originTick};
  switch (m_referee->checkBlock(entity, timing, clockTick(), block)) { // time passed, dropped ticks too
  case Referee::BlockVerdict::Accept:
    return true;
  case Referee::BlockVerdict::Clamped:
    ++from.stats.clamped;
    violation(from, "implausible update (clamped)");
    std::erase_if(from.corrections, [&](const wire::StateBlock& b) { return b.id == block.id; });
    from.corrections.push_back(block);
    return true;
  case Referee::BlockVerdict::Rejected:
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
    // A client's ticks run on the server's count since its welcome: one far ahead of
    // ours is a jumped clock, a flipped bit or a cheat. Kept, it would be the entity's
    // newest clock and make every honest block after it look stale. "Ours" is our
    // clock in time: the ticks we dropped since its welcome (overloaded) are ticks it
    // ran, and left out they would push every honest client past the bound.
    const uint32_t ourTick = m_tick + (m_droppedTicks - from.droppedTicksAtWelcome);
    if (isServer && static_cast<int32_t>(packet.header.originTick - ourTick) > kMaxOriginLeadTicks) {
      ++from.stats.rejected;
      violation(from, "state stamped far ahead of the server's clock");
      continue;
    }
    EntityNet& net = m_entityNet[block.id];
    if (net.hasTick && static_cast<int32_t>(packet.header.originTick - net.lastOriginTick) <= 0) {
      ++from.stats.stale;
      continue;
    }
    if (isServer && !refereeBlock(from, *e, net, packet.header.originTick, block)) continue;
    net.hasTick = true;
    net.lastOriginTick = packet.header.originTick;
    net.lastAcceptedTick = clockTick();
    net.pending = block;
    net.hasPending = true;
    // On the server's timeline: the header says when (the server's send tick, or the
    // owner's estimate of it for client-owned state, kept when forwarded).
    const uint32_t when =
        isServer ? Referee::claimedServerTick(packet.header.senderTick, m_tick) : packet.header.senderTick;
    net.pendingTime = when * m_config.tickSeconds();
    if (forward) forward->push_back(block);
  }
}

} // namespace ferrum
