#include "ferrum/net_manager.h"

#include "base/log.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "ferrum/clock.h"
#include "net/forward_queue.h"
#include "core/entity_walk.h"
#include "net/net_manager_internal.h"
#include "wire/payload_extent.h"
#include "net/referee.h"
#include "net/send_limiter.h"

namespace ferrum {

NetManager::NetManager(const NetConfig& config, Transport& transport, EntityGroup& group, Effects& effects)
    : m_config(config), m_transport(transport), m_group(group), m_effects(effects),
      m_limiter(std::make_unique<SendLimiter>(config.tickHz, config.sendHz)),
      m_referee(std::make_unique<Referee>(m_config, group)),
      m_forwards(std::make_unique<ForwardQueue>(config.forwardWindowMs / 1000.0)),
      m_walk(std::make_unique<EntityWalk>(group)), m_clock(steadySeconds), m_workClock(steadySeconds),
      m_spawnPass(std::make_unique<SpawnPass>()) {
  assert(config.validate().empty() && "validate NetConfig before constructing a NetManager");
  const int perSend = config.sendHz > 0 ? config.tickHz / config.sendHz : 1;
  if (config.role == Role::Server && config.staggerSends && perSend >= 2 && config.tickHz % config.sendHz == 0)
    m_turns = perSend;
  m_turnSends.assign(static_cast<size_t>(m_turns), 0);
  m_blockChanges.resize(static_cast<size_t>(m_turns));
  m_blockChangesSend.assign(static_cast<size_t>(m_turns), 0);
  m_joined = config.role == Role::Server;
  m_group.setLocalPeer(config.role == Role::Server ? kServerPeer : kNoPeer);
  m_group.setTickSeconds(static_cast<float>(config.tickSeconds()));
  m_group.setHooks(this);
}

NetManager::~NetManager() { m_group.setHooks(nullptr); }

bool NetManager::connect(const std::string& host, uint16_t port) {
  assert(m_config.role == Role::Client);
  const uint16_t proto = m_config.protocolOverride ? m_config.protocolOverride : protocolVersion();
  const LinkId link = m_transport.connect(host, port, wire::packConnectData(proto, m_config.gameId));
  if (link == kNoLink) return false;
  auto remote = std::make_unique<Remote>();
  newRemote(remote);
  remote->link = link;
  remote->slot = kServerPeer;
  remote->stats.slot = kServerPeer;
  remote->referee.slot = kServerPeer;
  m_remotes[link] = std::move(remote);
  return true;
}

// Both are read every frame: never empty.
void NetManager::setClock(std::function<double()> clock) {
  m_clock = clock ? std::move(clock) : std::function<double()>(steadySeconds);
}

void NetManager::setWorkClock(std::function<double()> clock) {
  m_workClock = clock ? std::move(clock) : std::function<double()>(steadySeconds);
}

void NetManager::frame(double nowSeconds) {
  // The join budget's measure of how long the ticks take: the work clock (real time),
  // not `nowSeconds`, which says when the ticks are due.
  const double busySince = m_workClock();
  m_frameTime = nowSeconds;
  m_forwards->onFrame(nowSeconds, m_clock());
  m_catchingUp = true;
  service(0);
  m_catchingUp = false;
  closeSilentConnections();
  if (!m_started) {
    m_started = true;
    m_nextTickTime = nowSeconds;
  }
  const double dt = m_config.tickSeconds();
  int ran = 0;
  m_spawnSecondsInFrame = 0;
  m_stepWaitSecondsInFrame = 0;
  while (nowSeconds >= m_nextTickTime && ran < m_config.maxCatchUpTicks) {
    runTick();
    if (m_config.role == Role::Server && !m_spawnsWaiting) m_spawnBudget = 0; // no join: the next starts at the floor
    m_nextTickTime += dt;
    ++ran;
  }
  // The join budget is judged over a send period's ticks, not tick by tick: the tick
  // that writes the packets costs more than the one between. Judged alone, a sending
  // tick over the budget's share shrank it (x0.6) more than the tick with room grew it
  // (x1.25), and joins sat at the floor while the ticks kept their rate on average.
  // A period holds a sending tick (rates that do not divide, catch-up frames).
  if (ran > 0 && m_config.role == Role::Server) {
    m_budgetTicks += ran;
    m_budgetBusySeconds += m_workClock() - busySince;
    m_budgetSpawnSeconds += m_spawnSecondsInFrame;
    m_budgetStepWaitSeconds += m_stepWaitSecondsInFrame;
    const int period = std::max(1, static_cast<int>(std::lround(m_config.tickHz / static_cast<double>(m_config.sendHz))));
    if (m_budgetTicks >= period && m_budgetSawSend) {
      updateSpawnBudget(m_budgetBusySeconds / m_budgetTicks, m_budgetSpawnSeconds / m_budgetTicks,
                        m_budgetStepWaitSeconds / m_budgetTicks);
      m_budgetTicks = 0;
      m_budgetBusySeconds = 0;
      m_budgetSpawnSeconds = 0;
      m_budgetStepWaitSeconds = 0;
      m_budgetSawSend = false;
    }
  }
  if (nowSeconds >= m_nextTickTime) { // too far behind: drop the backlog
    // Counted, because m_tick then lags the wall clock while the clients' ticks,
    // counted on their own clocks from the welcome, do not: the referee's clock
    // checks must measure time (clockTick()), or an overloaded server would take
    // every honest client for one whose clock runs ahead.
    const double behind = std::min((nowSeconds - m_nextTickTime) / dt + 1.0, 1e9);
    m_droppedTicks += static_cast<uint32_t>(behind);
    m_nextTickTime = nowSeconds + dt;
  }
}

void NetManager::runTick() {
  ++m_tick;
  updateViewTimeline();
  onTick.emit(m_tick);
  buildLocalBlocks();
  updateRemoteEntities();
  applyDespawnRequests();
  // The state packets carry m_localBlocks, packed above, and the paced spawns are
  // coded before the step (chooseSpawns): writing either reads no body, so physics
  // may step meanwhile on its own thread (a sending tick then costs about the longer
  // of the two, not their sum; a join's spawns hide behind the step). Nothing else
  // runs in between: no game code, no spawn or despawn.
  // Staggered (m_turns > 1): every tick sends, to the clients whose turn it is.
  const bool sending = m_turns > 1 || m_limiter->tick();
  // Slot 1 on the ticks an unstaggered server sends on (each m_turns-th), the next
  // slot one tick later, and so on.
  if (m_turns > 1) m_turn = static_cast<int>((m_tick + 1) % static_cast<uint32_t>(m_turns));
  m_budgetSawSend = m_budgetSawSend || sending;
  if (m_config.role == Role::Server) chooseSpawns();
  const bool spawning = !m_spawnPass->chosen.empty();
  bool sentOurs = false;
  if ((sending || spawning) && m_config.physicsThread) {
    m_group.beginStep();
    struct FinishStep { // also when sending throws: nothing may unwind past a running step
      EntityGroup& group;
      const std::function<double()>& clock;
      double& waited; // the join budget's: this thread's wait for the step
      ~FinishStep() {
        const WorkTimer timed{clock, waited};
        group.finishStep();
      }
    } finish{m_group, m_workClock, m_stepWaitSecondsInFrame};
    if (sending) sentOurs = sendState();
    sendChosenSpawns();
  } else {
    m_group.step();
    if (sending) sentOurs = sendState();
    sendChosenSpawns();
  }
  if (sentOurs) onStateSent.emit(m_tick);
  removeNonFinite();
  if (m_config.role == Role::Server) updateRelevance();
  onTickEnd.emit(m_tick);
}

// The last line of defence: whatever got past the referee and the types' checks, a
// body of ours that physics turned non-finite is removed everywhere (and said), not
// sent on as NaN or left to poison what it touches.
void NetManager::removeNonFinite() {
  auto finite = [](Vec3 v) { return std::isfinite(v.x) && std::isfinite(v.y) && std::isfinite(v.z); };
  std::vector<EntityId> broken;
  m_walk->forEach([&](const Entity& e) {
    if (e.authority() != localPeer()) return;
    const Body& b = e.body();
    if (!finite(b.position()) || !finite(b.linearVelocity()) || !finite(b.angularVelocity())) broken.push_back(e.id());
  });
  for (EntityId id : broken) {
    log::error("entity {:#x}: its physics state turned non-finite; removed", id.value);
    ++m_counters.nonFiniteRemoved;
    despawn(id);
  }
}

// The seed's loopback: the authority packs its entities, then reads its own packet
// back through the same client path every other peer uses.
void NetManager::buildLocalBlocks() {
  LocalSendFacts& facts = localFacts();
  for (wire::StateBlock& old : m_localBlocks) facts.sparePayloads.push_back(std::move(old.payload));
  m_localBlocks.clear();
  facts.clear();
  if (!m_joined) return;
  const PeerId self = localPeer();
  m_walk->forEach([&](Entity& entity) {
    Entity* e = &entity;
    const EntityId id = e->id();
    if (e->authority() != self) return;
    WriteStream& out = facts.blockWriter;
    out.clear();
    e->controller().serverUpdate(out);
    if (!out.ok()) {
      log::error("entity {:#x}: serverUpdate exceeded {} bits; not sent", id.value, wire::kMaxBlockBits);
      return;
    }
    wire::StateBlock block;
    block.id = id;
    block.bits = static_cast<uint32_t>(out.bits());
    if (!facts.sparePayloads.empty()) {
      block.payload = std::move(facts.sparePayloads.back());
      facts.sparePayloads.pop_back();
    }
    const std::vector<uint8_t>& bytes = out.buffer();
    block.payload.assign(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(out.bytes()));
    ReadStream loopback(block.payload.data(), block.bits);
    if (!e->controller().clientUpdate(&loopback, {m_effects, m_group.viewTimeline().serverNow})) {
      log::error("entity {:#x}: its controller cannot read its own block", id.value);
      return;
    }
    // What every receiver's sender would otherwise look up per block (LocalSendFacts).
    const EntityType* type = m_group.registry().find(e->type());
    facts.add(facts.slots.assign(id), blockHash(block.bits, block.payload), e->controller().fieldLayout(),
              type ? type->priority : 1.0f);
    m_localBlocks.push_back(std::move(block));
  });
}

LocalSendFacts& NetManager::localFacts() {
  if (!m_localFacts) m_localFacts = std::make_unique<LocalSendFacts>();
  return *m_localFacts;
}

void NetManager::updateRemoteEntities() {
  const PeerId self = localPeer();
  // A controller may despawn something meanwhile: the walk skips what is gone.
  m_walk->forEach([&](Entity& entity) {
    Entity* e = &entity;
    if (e->authority() == self) return;
    auto it = m_entityNet.find(e->id());
    if (it != m_entityNet.end() && it->second.hasPending) {
      EntityNet& net = it->second;
      net.hasPending = false;
      ReadStream block(net.pending.payload.data(), net.pending.bits);
      if (e->controller().clientUpdate(&block, {m_effects, net.pendingTime})) {
        ++m_counters.blocksApplied;
        return;
      }
      ++m_counters.malformedBlocks;
    }
    e->controller().clientUpdate(nullptr, {m_effects, m_group.viewTimeline().serverNow});
  });
}

// When a packet being read arrived, in our ticks. At the start of a frame, before its
// tick runs, it is that tick's moment, not the previous one's; and what is read then
// has piled up since the previous frame: half a frame earlier on average. (Packets
// read while an app waits in service() are read as they come.)
double NetManager::fractionalTick() const {
  if (!m_started) return static_cast<double>(m_tick);
  const double dt = m_config.tickSeconds();
  const double since = std::clamp((m_frameTime - (m_nextTickTime - dt)) / dt, 0.0, 1.0);
  return static_cast<double>(m_tick) + since - (m_catchingUp ? 0.5 : 0.0);
}

// A client stamps its state with its estimate of the server's tick, so the server and
// everyone it forwards to place the owner's state on one timeline. The whole-tick
// offset is sticky: rounding a fractional estimate afresh each time would flip
// between two neighbours, and stamps 1 and 3 ticks apart (where the states are 2)
// make a view interpolate against the wrong times.
uint32_t NetManager::serverTickNow() {
  if (m_config.role == Role::Server) return m_tick;
  const double offset = m_group.viewTimeline().serverNow / m_config.tickSeconds() - static_cast<double>(m_tick);
  if (!m_hasStampOffset || std::abs(offset - static_cast<double>(m_stampOffset)) > 0.75) {
    m_stampOffset = std::llround(offset);
    m_hasStampOffset = true;
  }
  const int64_t stamp = static_cast<int64_t>(m_tick) + m_stampOffset;
  return stamp > 0 ? static_cast<uint32_t>(stamp) : 0;
}

// Interpolation buffers two send intervals plus twice the measured jitter, within
// 1.5 to 4 send intervals: enough to bridge a lost packet, no more.
void NetManager::updateViewTimeline() {
  ViewTimeline& clock = m_group.viewTimeline();
  const double dt = m_config.tickSeconds();
  const TickOffset* server = nullptr;
  if (m_config.role == Role::Client)
    for (const auto& [link, remote] : m_remotes)
      if (remote->slot == kServerPeer) server = &remote->clock;
  clock.serverNow = (static_cast<double>(m_tick) + (server ? server->offset() : 0.0)) * dt;
  const double sendInterval = 1.0 / m_config.sendHz;
  clock.sendInterval = sendInterval;
  const double jitter = server ? server->jitter() : 0.0;
  clock.interpolationDelay = std::clamp(2 * sendInterval + 2 * jitter * dt, 1.5 * sendInterval, 4 * sendInterval);
}

bool NetManager::sendState() {
  if (!m_joined) return false; // a client has no slot (no origin to claim) before its welcome
  ++m_sends;
  const uint32_t turnSend = ++m_turnSends[static_cast<size_t>(m_turn)];
  if (m_config.role == Role::Client) sendSpawnAck();
  const float bytesPerSend = budgetBytesPerSend(m_config);
  bool served = false;
  for (auto& [link, remote] : m_remotes) {
    if (!remote->joined || remote->referee.kicked || remote->tooSlow) continue;
    if (turnOf(remote->slot) != m_turn) continue; // served on another tick of the period
    if (m_config.role == Role::Server && m_transport.queuedBytes(link) > m_config.maxQueuedBytes) {
      log::warn("client {}: {} bytes queued (limit {}), dropping it", remote->slot, m_transport.queuedBytes(link),
                   m_config.maxQueuedBytes);
      remote->tooSlow = true;
      ++m_counters.clientsTooSlow; // counted now: a stalled peer may never confirm the goodbye
      m_transport.disconnect(link, wire::packDisconnect(wire::DisconnectReason::TooSlow));
      continue;
    }
    remote->stats.rttMs = m_transport.stats(link).rttMs; // sampled here: gone once the link closes
    // An ack takes a round trip plus the receiver's send interval to come back; a
    // resend before that only repeats what is probably on its way. The transport's
    // round trip misses delays above it (a link simulator, a peer slow to send), so
    // the ack delay measured on this link's own packets counts too.
    const auto byRtt = static_cast<uint32_t>(
        std::ceil((remote->stats.rttMs / 1000.0 * 1.25 + 2.0 / m_config.sendHz) * m_config.tickHz));
    const uint32_t measured = remote->delta->ackDelayTicks();
    remote->delta->setResendTicks(std::max(byRtt, measured + measured / 4 + 1));
    size_t budgetBytes = m_config.maxPacketBytes;
    if (bytesPerSend > 0) {
      remote->budget.refill(turnSend);
      budgetBytes = std::min(budgetBytes, static_cast<size_t>(std::max(0.0f, remote->budget.tokens())));
    }
    const Remote& to = *remote; // a structured binding cannot be captured (clang)
    const size_t headerBits = [&] {
      MeasureStream m;
      wire::StateHeader h = nextStateHeader(to, localPeer(), m_tick, serverTickNow());
      h.serialize(m);
      return m.bits() + 1; // and the end marker
    }();
    size_t blockBits = budgetBytes * 8 > headerBits ? budgetBytes * 8 - headerBits : 0;
    // Corrections (rare; the owner's feel depends on them) get their room first, at
    // their standalone cost; they are not the sender's own state, so the delta
    // tracking never sees them. Written after the chosen blocks: select() costs its
    // first block from a fresh context, and a block never costs more chained than alone.
    std::vector<const wire::StateBlock*> corrected;
    for (const wire::StateBlock& c : remote->corrections) {
      const size_t bits = wire::measureBlock(c);
      if (bits > blockBits) break;
      blockBits -= bits;
      corrected.push_back(&c);
    }
    const size_t corrections = corrected.size();
    auto chosen = selectStateFor(*remote, blockBits);
    std::vector<const wire::StateBlock*> packet = chosen;
    packet.insert(packet.end(), corrected.begin(), corrected.end());
    std::vector<const wire::StateBlock*> written;
    const uint16_t sequence = sendBlocks(*remote, localPeer(), m_tick, serverTickNow(), packet, &written,
                                         chosen.size());
    // Only what is on the wire counts as sent (all of `chosen`, unless its budget was
    // wrong): a block recorded but not written would become a baseline the receiver
    // never had.
    if (written.size() < packet.size()) {
      log::warn("state packet to peer {}: {} of {} blocks did not fit", remote->slot,
                packet.size() - written.size(), packet.size());
      std::erase_if(chosen, [&](const wire::StateBlock* b) {
        return std::find(written.begin(), written.end(), b) == written.end();
      });
    }
    const uint64_t spawnDeltas = remote->delta->spawnDeltas();
    remote->delta->recordSent(sequence, chosen, m_tick);
    m_counters.spawnDeltaBlocks += remote->delta->spawnDeltas() - spawnDeltas;
    if (turnSend % 32 == 0) pruneNoLongerHeld(*remote);
    served = true;
    m_counters.correctionsSent += corrections;
    remote->corrections.erase(remote->corrections.begin(),
                              remote->corrections.begin() + static_cast<std::ptrdiff_t>(corrections));
  }
  m_counters.codingsReused = localFacts().codings.hits;
  m_counters.codingsMade = localFacts().codings.misses;
  return served && !m_localBlocks.empty();
}

uint32_t NetManager::sendsOf(const Remote& to) const { return m_turnSends[static_cast<size_t>(turnOf(to.slot))]; }

wire::StateHeader NetManager::nextStateHeader(const Remote& to, PeerId origin, uint32_t originTick,
                                              uint32_t stateTick) const {
  wire::StateHeader header;
  header.sequence = origin == localPeer() ? to.nextSequence : to.nextForwardSequence;
  header.hasAck = to.received.any();
  header.ack = to.received.newest();
  header.ackBits = to.received.bits();
  header.senderTick = stateTick;
  header.origin = origin;
  header.originTick = originTick;
  header.needFull = needFullFor(to);
  return header;
}

uint16_t NetManager::sendBlocks(Remote& to, PeerId origin, uint32_t originTick, uint32_t stateTick,
                                const std::vector<const wire::StateBlock*>& blocks,
                                std::vector<const wire::StateBlock*>* written, size_t delimitDecided) {
  wire::StateHeader header = nextStateHeader(to, origin, originTick, stateTick); // serialize() is not const
  ++(origin == localPeer() ? to.nextSequence : to.nextForwardSequence);

  WriteStream out(m_config.maxPacketBytes);
  header.serialize(out);
  const size_t budgetBits = m_config.maxPacketBytes * 8 - 1; // keep room for the end marker
  wire::BlockContext context; // each block's id and length coded against the one before
  const bool own = origin == localPeer();
  for (size_t i = 0; i < blocks.size(); ++i) {
    const wire::StateBlock* block = blocks[i];
    if (!wire::isNameable(block->id) || block->bits > wire::kMaxBlockBits) continue; // would spoil the packet
    const bool delimited = own && (i < delimitDecided ? block->selfDelimited : leavesOutLength(to, *block));
    if (out.bits() + wire::measureBlock(*block, context, delimited) > budgetBits) break;
    wire::writeBlock(out, *block, context, delimited);
    if (written) written->push_back(block);
  }
  wire::writeEnd(out);
  if (!out.ok()) {
    log::error("state packet to peer {} could not be written", to.slot);
    return header.sequence;
  }
  const std::vector<uint8_t>& bytes = out.buffer();
  m_transport.send(to.link, Channel::State, bytes);
  countSent(to, bytes.size());
  to.stats.largestStatePacket = std::max<uint64_t>(to.stats.largestStatePacket, bytes.size());
  if (m_config.budgetKbps > 0) to.budget.spend(static_cast<float>(bytes.size()));
  return header.sequence;
}

// Server: whether `block` of our own series goes to `to` without its length. Only for
// an entity it provably holds with its layout (Remote::delimited), and only when the
// receiver's walk of the payload ends exactly where it does (wire::walkEndsExactly).
// The blocks a DeltaSender chose come decided (DeltaSender::setTakesUndelimited, the
// same rule); this decides the others sendBlocks writes.
bool NetManager::leavesOutLength(const Remote& to, const wire::StateBlock& block) const {
  if (m_config.role != Role::Server || !to.delimited.contains(block.id) || !m_localFacts) return false;
  // The layout this tick's own block of it was built with (LocalSendFacts), not the
  // entity's controller: physics may be stepping meanwhile (NetConfig::physicsThread),
  // and nothing sendState reaches may touch an entity then. Not one of our blocks
  // this tick (a forwarded entity): null, as its controller's was for a non-authority.
  const FieldLayout* layout = m_localFacts->layoutOf(block.id);
  return layout && wire::walkEndsExactly(block.payload.data(), block.bits, block.baselineAge, *layout);
}

std::vector<EntityId> NetManager::needFullFor(const Remote& to) {
  const size_t n = std::min<size_t>(to.needFull.size(), wire::kMaxNeedFull);
  return {to.needFull.begin(), to.needFull.begin() + static_cast<std::ptrdiff_t>(n)};
}

void NetManager::newRemote(std::unique_ptr<Remote>& remote) {
  const auto refreshTicks = static_cast<uint32_t>(m_config.refreshSeconds * static_cast<float>(m_config.tickHz));
  remote->delta = std::make_unique<DeltaSender>(refreshTicks, DeltaSender::Framing::Chained, &localFacts().slots);
  remote->delta->setOptimistic(m_config.optimisticBaselines);
  remote->replication.useSlots(&localFacts().slots);
  remote->delimited.useSlots(&localFacts().slots);
  // The sender costs each block as sendBlocks() will write it to this receiver. The
  // Remote owns the sender, so the reference outlives it.
  remote->delta->setTakesUndelimited(
      [this, &to = *remote](EntityId id, uint32_t slot) {
        return m_config.role == Role::Server && to.delimited.contains(id, slot);
      });
  const float bytesPerSend = budgetBytesPerSend(m_config);
  remote->budget = TokenBucket::empty(2 * bytesPerSend, bytesPerSend, sendsOf(*remote));
}

void NetManager::sendReliable(Remote& to, const std::vector<uint8_t>& bytes) {
  if (bytes.empty()) { // encodeMessage refused it: a local bug, not the peer's
    ++m_counters.unencodable;
    log::error("a reliable message to peer {} could not be encoded (a non-finite value?); not sent", to.slot);
    return;
  }
  m_transport.send(to.link, Channel::Reliable, bytes);
  countSent(to, bytes.size());
}

void NetManager::countSent(Remote& to, size_t bytes) {
  ++to.stats.packetsSent;
  to.stats.bytesSent += bytes;
  ++m_counters.packetsSent;
  m_counters.bytesSent += bytes;
}

void NetManager::broadcastReliable(const std::vector<uint8_t>& bytes, PeerId except) {
  for (auto& [link, remote] : m_remotes)
    if (remote->joined && remote->slot != except) sendReliable(*remote, bytes);
}

EntityId NetManager::spawn(EntityTypeId type, const SpawnState& state) {
  if (!m_joined) return kNullEntity;
  const auto finite = [](Vec3 v) { return std::isfinite(v.x) && std::isfinite(v.y) && std::isfinite(v.z); };
  const Quat& q = state.transform.orientation;
  if (!finite(state.transform.position) || !finite(state.linearVelocity) || !finite(state.angularVelocity) ||
      !std::isfinite(q.x + q.y + q.z + q.w)) {
    log::error("spawn of type {} refused: its state is not finite", type);
    return kNullEntity;
  }
  const EntityType* info = m_group.registry().find(type);
  if (!info) return kNullEntity;
  if (m_config.role == Role::Client && !info->clientMaySpawn) {
    log::warn("a client may not spawn entities of type '{}'", info->name);
    return kNullEntity;
  }
  const EntityId id = m_group.allocateId();
  Entity* e = m_group.spawn(id, type, localPeer(), state);
  if (!e) return kNullEntity;
  wire::Spawn msg{id, type, localPeer(), m_group.spawnStateOf(*e), serverTickNow()};
  announceSpawn(*e, wire::encodeMessage(wire::MessageType::Spawn, msg, spawnPrecisions(m_group.registry())), kNoPeer);
  ++m_counters.spawnsSent;
  return id;
}

bool NetManager::despawn(EntityId id) {
  const Entity* e = m_group.find(id);
  if (!e) return false;
  if (m_config.role == Role::Client && e->authority() != localPeer()) return false;
  sendToHolders(id, wire::encodeMessage(wire::MessageType::Despawn, wire::Despawn{id, wire::DespawnReason::Gone}),
                kNoPeer);
  despawnLocal(id);
  return true;
}

void NetManager::raiseEvent(EntityId source, const WriteStream& payload) {
  if (!m_joined || payload.bits() > wire::kMaxEventBits) {
    log::error("entity {:#x}: event dropped ({})", source.value, m_joined ? "too large" : "not joined");
    return;
  }
  // Handled here at once (the authority's own loopback), then by everyone else.
  ReadStream local(payload.buffer().data(), payload.bits());
  m_group.dispatchEvent(source, local, m_effects);
  ++m_counters.eventsRaised;
  wire::EntityEvent event{source, static_cast<uint32_t>(payload.bits()), payload.buffer()};
  sendToHolders(source, wire::encodeMessage(wire::MessageType::EntityEvent, event), kNoPeer);
}

void NetManager::requestDespawn(EntityId id) { m_despawnRequests.push_back(id); }

// Deferred to here so no controller is destroyed while one of its updates runs.
void NetManager::applyDespawnRequests() {
  std::vector<EntityId> requests;
  requests.swap(m_despawnRequests);
  for (EntityId id : requests) despawn(id);
}

void NetManager::despawnLocal(EntityId id) {
  for (auto& [link, remote] : m_remotes) remote->delimitAnchors.gone(id);
  m_group.despawn(id);
  m_entityNet.erase(id);
  forgetBaselines(id);
  forgetReplicated(id);
  for (auto& [link, remote] : m_remotes) remote->delta->forget(id);
  localFacts().slots.release(id); // every sender forgot it: the slot may go to a new entity
}

void NetManager::shutdown() {
  m_leaving = true;
  const auto reason = m_config.role == Role::Client ? wire::DisconnectReason::Leaving
                      : m_draining                  ? wire::DisconnectReason::Draining
                                                    : wire::DisconnectReason::ServerShutdown;
  for (auto& [link, remote] : m_remotes) m_transport.disconnect(link, wire::packDisconnect(reason));
  m_transport.flush();
  // Bounded: wait for the goodbyes to be acknowledged, then give up.
  const uint32_t stepMs = 10;
  for (uint32_t waited = 0; !m_remotes.empty() && waited < m_config.shutdownWaitMs; waited += stepMs) service(stepMs);
  m_remotes.clear();
  if (m_config.role == Role::Client) m_joined = false;
}

NetStats NetManager::stats() const {
  NetStats s;
  s.role = m_config.role;
  s.self = localPeer();
  s.tick = m_tick;
  s.liveEntities = m_group.size();
  s.counters = m_counters;
  const TransportCounters t = m_transport.counters();
  s.counters.garbageDatagrams = t.garbageDatagrams;
  s.counters.handshakesRefused = t.connectsRefused;
  s.counters.halfOpenReaped = t.halfOpenReaped;
  s.counters.hoardersDropped = t.hoardersDropped;
  s.counters.hoardedBytes = t.hoardedBytes;
  for (const auto& [link, remote] : m_remotes) {
    if (!remote->joined) continue;
    PeerStats p = remote->stats;
    p.stateLost = remote->stateLost();
    p.entitiesHeld = remote->replication.held();
    p.spawnsQueued = remote->replication.queued();
    s.peers.push_back(p);
  }
  s.peers.insert(s.peers.end(), m_departed.begin(), m_departed.end());
  return s;
}

// Its id may be reused, or its state may now come from another sender: nothing
// received about it before may be a baseline again.
void NetManager::forgetBaselines(EntityId id) {
  for (auto& [link, remote] : m_remotes) {
    remote->baselines.forget(id);
    std::erase(remote->needFull, id);
  }
}

NetManager::Remote* NetManager::remoteByLink(LinkId link) {
  auto it = m_remotes.find(link);
  return it == m_remotes.end() ? nullptr : it->second.get();
}

NetManager::Remote* NetManager::remoteBySlot(PeerId slot) {
  for (auto& [link, remote] : m_remotes)
    if (remote->slot == slot) return remote.get();
  return nullptr;
}

} // namespace ferrum
