// NetManager and the clients' replication sets: paced joins (the world is spawned at
// a joiner a budgeted number per tick, nearest or most important first), interest
// management (relevance decides what each client holds), and the rule that a client
// hears of an entity (state, events, despawns) only once it was sent its spawn.

#include "base/log.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "ferrum/net_manager.h"
#include "core/entity_walk.h"
#include "net/join_budget.h"
#include "net/net_manager_internal.h"
#include "wire/message_batch.h"

namespace ferrum {

namespace {

float nearestDistance(Vec3 at, const std::vector<Vec3>& points) {
  float best = std::numeric_limits<float>::infinity();
  for (Vec3 p : points) best = std::min(best, distance(at, p));
  return best;
}

const std::vector<Vec3>* pointsOf(PeerId viewer, const std::unordered_map<PeerId, std::vector<Vec3>>& points) {
  auto it = points.find(viewer);
  return it == points.end() || it->second.empty() ? nullptr : &it->second;
}

// The same entities (as many) and none moved `metres` or more.
bool movedLessThan(const std::vector<Vec3>& then, const std::vector<Vec3>* now, float metres) {
  const size_t count = now ? now->size() : 0;
  if (then.size() != count) return false;
  for (size_t i = 0; i < count; ++i)
    if (!(distance(then[i], (*now)[i]) < metres)) return false;
  return true;
}

} // namespace

// Where each client's own entities are (its player): what the built-in interest rule
// and the spawn order measure distances from. One pass over the world for everyone.
std::unordered_map<PeerId, std::vector<Vec3>> NetManager::ownedPositions() const {
  std::unordered_map<PeerId, std::vector<Vec3>> points;
  m_walk->forEach([&](const Entity& e) {
    if (e.authority() != kServerPeer) points[e.authority()].push_back(e.body().position());
  });
  return points;
}

float NetManager::relevanceOf(const Remote& viewer, const Entity& e, bool held,
                              const std::unordered_map<PeerId, std::vector<Vec3>>& points) const {
  if (e.authority() == viewer.slot) return 1.0f; // its own: always
  if (m_relevance) {
    const float r = m_relevance(viewer.slot, e, held);
    return std::isfinite(r) && r > 0 ? r : 0.0f;
  }
  const float radius = m_config.relevanceRadius;
  if (radius <= 0) return 1.0f;
  const std::vector<Vec3>* own = pointsOf(viewer.slot, points);
  if (!own) return 1.0f; // nothing of its own to stand at: a spectator sees everything
  const float d = nearestDistance(e.body().position(), *own);
  if (d > radius + (held ? m_config.relevanceHysteresis : 0.0f)) return 0.0f;
  return 2 * radius / (radius + d); // 2 at its feet, about 1 at the edge
}

namespace {
// A queued spawn's turn: the type's priority times its relevance, and nearer first
// when the viewer has a place in the world.
float spawnScore(const EntityGroup& group, const Entity& e, float relevance, const std::vector<Vec3>* own) {
  const EntityType* type = group.registry().find(e.type());
  const float priority = (type ? type->priority : 1.0f) * relevance;
  return own ? priority / (1.0f + nearestDistance(e.body().position(), *own)) : priority;
}
} // namespace

void NetManager::queueWorld(Remote& to) {
  const auto points = ownedPositions();
  const std::vector<Vec3>* own = pointsOf(to.slot, points);
  std::vector<std::pair<EntityId, float>> entries;
  const EntityGroup& group = m_group;
  // The walk (core/entity_walk.h), not group.forEach: no map walk, no std::function
  // call per entity; this runs for every joiner.
  m_walk->forEach([&](const Entity& e) {
    if (e.authority() == to.slot) return to.replication.markOwn(e.id());
    const float relevance = relevanceOf(to, e, false, points);
    if (relevance > 0) entries.emplace_back(e.id(), spawnScore(group, e, relevance, own));
  });
  setScoredQueue(to, entries, own);
  to.replication.joinPending = true;
}

void NetManager::setScoredQueue(Remote& to, const std::vector<std::pair<EntityId, float>>& entries,
                                const std::vector<Vec3>* own) {
  to.replication.setQueue(entries);
  ++m_counters.joinQueueScorings;
  to.queueScoredFrom = own ? *own : std::vector<Vec3>{};
  to.queueScoredWithRelevance = relevanceActive();
}

// This tick's coding of `e`'s spawn (net/net_manager_spawn_pass.h): made on the first ask.
uint32_t NetManager::codedSpawnOf(const Entity& e) {
  SpawnPass& pass = *m_spawnPass;
  const auto [it, fresh] = pass.codedIndex.try_emplace(e.id(), static_cast<uint32_t>(pass.coded.size()));
  if (!fresh) return it->second;
  ++m_counters.spawnCodings;
  SpawnPass::Coded& coded = pass.coded.emplace_back();
  coded.id = e.id();
  coded.authority = e.authority();
  const wire::Spawn spawn{e.id(), e.type(), e.authority(), m_group.spawnStateOf(e), m_tick};
  const wire::PrecisionOf precisions = spawnPrecisions(m_group.registry());
  coded.bytes = wire::encodeMessage(wire::MessageType::Spawn, spawn, precisions);
  coded.hasBaseline = !coded.bytes.empty() && m_config.role == Role::Server && e.authority() == localPeer() &&
                      spawnBaselineOf(coded.bytes, precisions, coded.baseline);
  return it->second;
}

// The budget is shared: clients take one spawn each in turn (starting with a
// different one every tick), so simultaneous joiners all progress, and the server's
// tick never pays for more than the budget (updateSpawnBudget) however many join at once.
// Before the step: coding a spawn reads its body.
void NetManager::chooseSpawns() {
  const WorkTimer timed{m_workClock, m_spawnSecondsInFrame};
  SpawnPass& pass = *m_spawnPass;
  pass.clear();
  m_spawnBudgetUsed = false;
  m_spawnsWaiting = false;
  for (auto& [link, remote] : m_remotes)
    if (remote->joined && !remote->referee.kicked && !remote->tooSlow) pass.ready.push_back(remote.get());
  if (pass.ready.empty()) return;
  if (m_spawnBudget < 1) m_spawnBudget = m_config.spawnsPerTick;
  int budget = m_spawnBudget;
  const size_t start = m_paceCursor++ % pass.ready.size();
  for (bool progress = true; progress && budget > 0;) {
    progress = false;
    for (size_t k = 0; k < pass.ready.size() && budget > 0; ++k) {
      Remote& to = *pass.ready[(start + k) % pass.ready.size()];
      for (EntityId id = to.replication.popNext(); !id.isNull(); id = to.replication.popNext()) {
        const Entity* e = m_group.find(id);
        if (!e) continue; // despawned while it waited
        const uint32_t coded = codedSpawnOf(*e);
        pass.chosen.push_back({&to, coded});
        if (!pass.coded[coded].bytes.empty()) { // one that cannot be coded is counted when sent
          --budget;
          progress = true;
        }
        break;
      }
    }
  }
  m_spawnBudgetUsed = budget == 0;
}

// A batch of spawns fits one datagram with ENet's headers (a 1,400-byte MTU): ENet
// would split a longer one into fragments, each its own command.
constexpr size_t kSpawnBatchBytes = 1200;

// While the step runs (or after it, without the physics thread): touches no entity.
void NetManager::sendChosenSpawns() {
  SpawnPass& pass = *m_spawnPass;
  if (pass.ready.empty()) return;
  const WorkTimer timed{m_workClock, m_spawnSecondsInFrame};
  // Each client's spawns of this tick go in as few reliable packets as fit
  // (wire/message_batch.h): the chosen list takes clients in turns, so it is grouped
  // by client first, each client's in the order chosen.
  std::stable_sort(pass.chosen.begin(), pass.chosen.end(),
                   [](const SpawnPass::Chosen& a, const SpawnPass::Chosen& b) { return a.to->slot < b.to->slot; });
  uint64_t sent = 0; // what went on the wire (not what a client dropped meanwhile was chosen)
  wire::MessageBatch batch;
  const std::vector<uint8_t>* single = nullptr; // a batch of one goes as the plain Spawn it holds
  Remote* batchFor = nullptr;
  auto flush = [&] {
    if (!batchFor) return;
    if (batch.count() == 1) {
      batch.take();
      sendReliable(*batchFor, *single);
    } else if (batch.count() > 1) {
      sendReliable(*batchFor, batch.take());
    }
    batchFor = nullptr;
  };
  for (const SpawnPass::Chosen& chosen : pass.chosen) {
    Remote& to = *chosen.to;
    const SpawnPass::Coded& coded = pass.coded[chosen.coded];
    // Gone since it was chosen (a despawn requested of the group directly, which
    // EntityGroup::beginStep applies; NetManager's own are applied before choosing):
    // not held by `to`, so nothing was said, nor is anything now. Dropped meanwhile by
    // this tick's send (too slow): it will get nothing more.
    if (!m_group.find(coded.id) || to.tooSlow) continue;
    if (&to != batchFor || batch.bytes() + 1 + coded.bytes.size() > kSpawnBatchBytes) flush();
    if (coded.bytes.empty() || !batch.add(coded.bytes)) {
      flush(); // what went before it first: spawns are counted (SpawnAck) in the order sent
      sendReliable(to, coded.bytes); // alone: one too long to batch, or counted as not coded
      if (coded.bytes.empty()) continue;
    } else {
      batchFor = &to;
      if (batch.count() == 1) single = &coded.bytes;
    }
    to.replication.markSent(coded.id);
    rememberSpawnBaseline(to, coded.id, coded.authority, coded.bytes, coded.hasBaseline ? &coded.baseline : nullptr);
    ++sent;
  }
  flush();
  m_counters.spawnsPaced += sent;
  m_counters.maxSpawnsPacedInTick = std::max(m_counters.maxSpawnsPacedInTick, sent);
  for (const Remote* to : pass.ready) m_spawnsWaiting = m_spawnsWaiting || to->replication.queued() > 0;
  for (Remote* to : pass.ready) {
    if (!to->replication.joinPending || to->replication.queued() > 0 || to->tooSlow) continue;
    to->replication.joinPending = false;
    sendReliable(*to, wire::encodeMessage(wire::MessageType::WorldComplete,
                                          wire::WorldComplete{to->replication.spawnsSent()}));
    ++m_counters.worldCompletesSent;
    log::info("client {} holds the world ({} spawns sent)", to->slot, to->replication.spawnsSent());
  }
  pass.clear(); // holds pointers to clients: not kept past the tick
}

// After a send period's ticks (each taking `busySecondsPerTick` on the work clock on
// average, receiving included, `spawnSecondsPerTick` of it sending spawns and
// `stepWaitSecondsPerTick` waiting for the physics thread): the next ticks' spawn
// budget, from what the ticks leave spare.
void NetManager::updateSpawnBudget(double busySecondsPerTick, double spawnSecondsPerTick, double stepWaitSecondsPerTick) {
  JoinBudgetBounds bounds;
  bounds.minSpawns = m_config.spawnsPerTick;
  bounds.maxSpawns = m_config.maxSpawnsPerTick;
  bounds.targetSeconds = m_config.tickSeconds() * static_cast<double>(m_config.joinTickShare);
  bounds.tickSeconds = m_config.tickSeconds();
  bounds.behindSeconds = m_config.tickSeconds() * static_cast<double>(m_config.joinShareWhenBehind);
  JoinBudgetSample sample;
  sample.joining = m_spawnsWaiting;
  sample.usedAll = m_spawnBudgetUsed;
  sample.busySeconds = busySecondsPerTick;
  sample.spawnSeconds = spawnSecondsPerTick;
  sample.stepWaitSeconds = stepWaitSecondsPerTick;
  m_spawnBudget = nextSpawnBudget(m_spawnBudget < 1 ? m_config.spawnsPerTick : m_spawnBudget, sample, bounds);
}

// Clients take turns: each is evaluated every kRelevanceEveryTicks ticks. What became
// relevant joins its queue (re-scored from where its player is now); what it holds
// and is no longer relevant leaves it; what waits and is no longer relevant leaves
// the queue. Without relevance this still re-orders a join's queue once the joiner's
// player appears, so the world arrives from the player outwards, and again once its
// own entities have moved kRescoreQueueMetres (or come or gone); a client last scored
// by interest management (since switched off) is scored once more, for the rest of
// the world.
void NetManager::updateRelevance() {
  std::unordered_map<PeerId, std::vector<Vec3>> points;
  bool havePoints = false;
  const EntityGroup& group = m_group;
  for (auto& [link, remote] : m_remotes) {
    Remote& to = *remote;
    if (!to.joined || to.referee.kicked || to.tooSlow) continue;
    if ((to.slot + m_tick) % kRelevanceEveryTicks != 0) continue;
    if (to.worldDeferred) { // no player yet (see welcome()): a spectator once the wait is over
      if (static_cast<int32_t>(m_tick - to.worldWaitUntil) < 0) continue;
      to.worldDeferred = false;
      queueWorld(to);
      continue;
    }
    // Without interest management, and last scored without it, a re-score would only
    // re-order the queue: for a queue that waits, and its owner's moves.
    const bool reorderOnly = !relevanceActive() && !to.queueScoredWithRelevance;
    if (reorderOnly && to.replication.queued() == 0) continue;
    if (!havePoints) {
      points = ownedPositions();
      havePoints = true;
    }
    const std::vector<Vec3>* own = pointsOf(to.slot, points);
    if (reorderOnly && movedLessThan(to.queueScoredFrom, own, kRescoreQueueMetres)) continue;
    std::vector<std::pair<EntityId, float>> entries;
    std::vector<EntityId> leaving;
    m_walk->forEach([&](const Entity& e) {
      if (e.authority() == to.slot) {
        if (!to.replication.holds(e.id())) to.replication.markOwn(e.id());
        return;
      }
      const bool held = to.replication.holds(e.id());
      const float relevance = relevanceOf(to, e, held, points);
      if (held) {
        if (relevance > 0) to.replication.setScale(e.id(), relevance);
        else leaving.push_back(e.id());
      } else if (relevance > 0) {
        entries.emplace_back(e.id(), spawnScore(group, e, relevance, own));
      }
    });
    setScoredQueue(to, entries, own);
    for (EntityId id : leaving) {
      sendReliable(to, wire::encodeMessage(wire::MessageType::Leave, wire::Leave{id}));
      to.replication.forget(id);
      noteNoLongerHeld(to, id);
      to.delta->forget(id); // what it acknowledged of it is gone with its copy
      ++m_counters.leavesSent;
    }
  }
}

void NetManager::announceSpawn(const Entity& e, const std::vector<uint8_t>& bytes, PeerId except) {
  if (m_config.role == Role::Client) return broadcastReliable(bytes, except);
  std::unordered_map<PeerId, std::vector<Vec3>> points;
  if (relevanceActive() && !m_relevance) points = ownedPositions();
  SpawnBaseline made; // read out of `bytes` once for every client (bits 0: none)
  if (!bytes.empty() && e.authority() == localPeer() && !spawnBaselineOf(bytes, spawnPrecisions(m_group.registry()), made))
    made = {};
  for (auto& [link, remote] : m_remotes) {
    if (!remote->joined || remote->slot == except || remote->worldDeferred) continue; // its queue will have it
    if (relevanceOf(*remote, e, false, points) <= 0) continue; // it may enter its interest later
    sendReliable(*remote, bytes);
    if (bytes.empty()) continue;
    remote->replication.markSent(e.id());
    rememberSpawnBaseline(*remote, e.id(), e.authority(), bytes, made.bits > 0 ? &made : nullptr);
  }
}

void NetManager::sendToHolders(EntityId id, const std::vector<uint8_t>& bytes, PeerId except) {
  if (m_config.role == Role::Client) return broadcastReliable(bytes, except);
  for (auto& [link, remote] : m_remotes)
    if (remote->joined && remote->slot != except && remote->replication.holds(id)) sendReliable(*remote, bytes);
}

void NetManager::forgetReplicated(EntityId id) {
  for (auto& [link, remote] : m_remotes)
    if (remote->replication.forget(id)) noteNoLongerHeld(*remote, id);
}

// The spawn we just sent `to` stands for a block (built from the very bytes sent);
// kept until its SpawnAck says the client holds it. Only our own entities: theirs are
// coded in our series. Not after the client stopped holding an earlier spawn of this
// id, until it has acknowledged a packet sent after that (noLongerHeldAt).
void NetManager::rememberSpawnBaseline(Remote& to, EntityId id, PeerId authority, const std::vector<uint8_t>& bytes,
                                       const SpawnBaseline* made) {
  to.pendingSpawnBaselines.erase(id);
  to.spawnsToDelimit.erase(id);
  to.delimited.erase(id);
  if (m_config.role != Role::Server || authority != localPeer()) return;
  const bool acked = to.delta->anyAcked();
  const uint16_t anchor = acked ? to.delta->newestAcked() : uint16_t{0xFFFF};
  if (auto gone = to.noLongerHeldAt.find(id); gone != to.noLongerHeldAt.end()) {
    if (!acked || !wire::sequenceNewer(anchor, gone->second)) return;
    to.noLongerHeldAt.erase(gone);
  }
  // The same rule makes its blocks readable by its layout once acknowledged: every
  // packet about an earlier spawn of the id is at or before the receiver's anchor.
  to.spawnsToDelimit.insert(id);
  Remote::PendingSpawnBaseline pending{anchor, {}};
  if (made) pending.baseline = *made;
  else if (!spawnBaselineOf(bytes, spawnPrecisions(m_group.registry()), pending.baseline)) return;
  to.pendingSpawnBaselines[id] = std::move(pending);
}

// The client counted these spawns: each one's block is what it holds of the entity.
void NetManager::useSpawnBaselines(Remote& to, const std::vector<EntityId>& confirmed) {
  for (EntityId id : confirmed) {
    to.delta->watch(id); // state of it may go to `to` from now on
    const Entity* e = m_group.find(id);
    if (to.spawnsToDelimit.erase(id) > 0 && e && e->authority() == localPeer()) to.delimited.insert(id);
    auto it = to.pendingSpawnBaselines.find(id);
    if (it == to.pendingSpawnBaselines.end()) continue;
    if (e && e->authority() == localPeer())
      to.delta->setSpawnBaseline(id, {it->second.baseline.bits, std::move(it->second.baseline.payload)},
                                 it->second.anchor, to.nextSequence, m_tick);
    to.pendingSpawnBaselines.erase(it);
  }
}

void NetManager::noteNoLongerHeld(Remote& to, EntityId id) {
  to.pendingSpawnBaselines.erase(id);
  to.spawnsToDelimit.erase(id);
  to.delimited.erase(id);
  to.noLongerHeldAt[id] = static_cast<uint16_t>(to.nextSequence - 1);
}

// Once the client acknowledged a packet sent after it stopped holding an entity, a
// later spawn of that id may become a baseline at once: nothing to remember.
void NetManager::pruneNoLongerHeld(Remote& to) {
  if (to.noLongerHeldAt.empty() || !to.delta->anyAcked()) return;
  const uint16_t acked = to.delta->newestAcked();
  std::erase_if(to.noLongerHeldAt, [acked](const auto& gone) { return wire::sequenceNewer(acked, gone.second); });
}

// When the count changed; then again once a second for a few seconds: a server whose
// packet-rate limit dropped the last one must still learn the count, or the entities
// it covers would never get state.
void NetManager::sendSpawnAck() {
  if (m_spawnsReceived != m_spawnsAcked) m_spawnAckRepeats = 5;
  else if (m_spawnAckRepeats == 0 || m_sends % static_cast<uint32_t>(m_config.sendHz) != 0) return;
  else --m_spawnAckRepeats;
  for (auto& [link, remote] : m_remotes) {
    if (remote->slot != kServerPeer || !remote->joined) continue;
    sendReliable(*remote, wire::encodeMessage(wire::MessageType::SpawnAck, wire::SpawnAck{m_spawnsReceived}));
    m_spawnsAcked = m_spawnsReceived;
  }
}

// Client-owned state is forwarded as it arrives, to the clients that have confirmed
// the entity then; one that confirms it later gets the newest block the server
// accepted, at once, instead of waiting for the owner's next change or refresh.
void NetManager::forwardNewestTo(Remote& to, const std::vector<EntityId>& ids) {
  std::map<std::pair<PeerId, uint32_t>, std::vector<const wire::StateBlock*>> byOrigin; // (owner, origin tick)
  std::map<std::pair<PeerId, uint32_t>, uint32_t> stateTicks;
  for (EntityId id : ids) {
    const Entity* e = m_group.find(id);
    auto net = m_entityNet.find(id);
    if (!e || e->authority() == kServerPeer || e->authority() == to.slot || net == m_entityNet.end() ||
        !net->second.hasTick)
      continue;
    const std::pair<PeerId, uint32_t> key{e->authority(), net->second.lastOriginTick};
    byOrigin[key].push_back(&net->second.pending);
    stateTicks[key] = static_cast<uint32_t>(std::llround(net->second.pendingTime / m_config.tickSeconds()));
  }
  for (const auto& [key, blocks] : byOrigin) {
    sendBlocks(to, key.first, key.second, stateTicks[key], blocks);
    m_counters.blocksForwarded += blocks.size();
  }
}

// Our state for `to` in this send. A server's delta sender for a client that saw the
// previous send looks only at the blocks that changed since (worked out once per send
// for every client) and at what it watches itself: with the world at rest, next to
// nothing instead of every entity for every client. The packets are the same as a
// full look gives (DeltaSender::selectChanged); one that missed a send (just joined,
// or skipped) looks at everything once.
std::vector<const wire::StateBlock*> NetManager::selectStateFor(Remote& to, size_t budgetBits) {
  const uint32_t send = sendsOf(to); // its turn's
  const bool sawPrevious = to.selectedBefore && to.selectedSend + 1 == send;
  to.selectedBefore = true;
  to.selectedSend = send;
  // A server sends state only of what the receiver has confirmed the spawn of, with
  // its relevance to that receiver scaling the type's priority (LocalSendFacts has the
  // priority, worked out once per send for every receiver).
  const bool isServer = m_config.role == Role::Server;
  const DeltaSender::ScaleOf scale = [&to, isServer](EntityId id, uint32_t slot) {
    return isServer ? to.replication.confirmedScale(id, slot) : 1.0f;
  };
  const DeltaSender::SendFacts facts = localFacts().view();
  if (!isServer || !sawPrevious) {
    if (isServer) refreshBlockChanges();
    return to.delta->select(m_localBlocks, facts, scale, budgetBits, m_tick, to.nextSequence);
  }
  refreshBlockChanges();
  return to.delta->selectChanged(m_localBlocks, m_blockChanges[static_cast<size_t>(m_turn)]->changed(), facts, scale,
                                 budgetBits, m_tick,
                                 to.nextSequence);
}

// Once per send of a turn, whoever of it is served first: the changes then are
// against the blocks of the turn's previous send that served anyone, which is the
// previous send for every client of the turn that saw it.
void NetManager::refreshBlockChanges() {
  const auto turn = static_cast<size_t>(m_turn);
  std::unique_ptr<BlockChanges>& changes = m_blockChanges[turn];
  if (!changes) changes = std::make_unique<BlockChanges>();
  else if (m_blockChangesSend[turn] == m_turnSends[turn]) return;
  changes->update(m_localBlocks);
  m_blockChangesSend[turn] = m_turnSends[turn];
}

void NetManager::onLeave(const wire::Leave& leave) {
  const Entity* e = m_group.find(leave.id);
  if (!e || e->authority() == localPeer()) return; // ours never leave us
  ++m_counters.leavesReceived;
  onEntityLeft.emit(leave.id);
  despawnLocal(leave.id);
}

void NetManager::onWorldCompleteMessage(const wire::WorldComplete& complete) {
  if (m_worldComplete) return;
  m_worldComplete = true;
  m_counters.worldCompleteTicks = m_tick - m_welcomeTick;
  log::info("holding the whole world: {} spawns, {} ticks after the welcome", complete.entities,
            m_counters.worldCompleteTicks);
  onWorldComplete.emit();
}

} // namespace ferrum
