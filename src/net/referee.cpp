#include "net/referee.h"

#include "base/log.h"

#include <algorithm>
#include <string>

#include "ferrum/entity.h"

namespace ferrum {

RefereeRecord Referee::admit(PeerId slot, uint32_t firstCounter, uint32_t now) const {
  RefereeRecord record;
  record.slot = slot;
  record.firstCounter = firstCounter;
  const float packetsPerSecond = static_cast<float>(m_config.maxPacketsPerSecond);
  const float tickHz = static_cast<float>(m_config.tickHz);
  record.packets = TokenBucket::full(packetsPerSecond, packetsPerSecond / tickHz, now);
  record.spawns = TokenBucket::full(static_cast<float>(m_config.spawnBurst), m_config.maxSpawnsPerSecond / tickHz, now);
  return record;
}

bool Referee::withinPacketRate(RefereeRecord& client, uint32_t now) const {
  client.packets.refill(now);
  return client.packets.take();
}

// Violations leak away at one per second, so an honest peer's rare misstep (a clamp
// after a lag spike) never adds up to a kick, while a flood does within moments.
bool Referee::violation(RefereeRecord& client, const char* what, uint32_t now) const {
  ++client.violations;
  const float elapsed = static_cast<float>(now - client.violationTick) / static_cast<float>(m_config.tickHz);
  client.violationScore = std::max(0.0f, client.violationScore - elapsed) + 1.0f;
  client.violationTick = now;
  if (client.violations == 1)
    log::warn("peer {}: {} (further violations are counted, not logged)", client.slot, what);
  if (m_config.role != Role::Server || client.kicked ||
      client.violationScore <= static_cast<float>(m_config.maxViolations))
    return false;
  log::warn("peer {}: {} violations, disconnecting", client.slot, client.violations);
  client.kicked = true;
  return true;
}

// A client's spawn must be a type clients may spawn, in its own id range and under
// its own authority, within its rate and count limits, and plausible for the game.
const char* Referee::checkSpawn(RefereeRecord& client, const wire::Spawn& s, uint32_t now) const {
  const EntityType* type = m_group.registry().find(s.type);
  if (!type) return "spawn of an unknown type";
  if (!type->clientMaySpawn) return "spawn of a server-only type";
  if (s.id.creator() != client.slot || s.authority != client.slot) return "spawn outside its own id range or authority";
  if (!client.mayCreate(s.id)) return "spawn outside the counters its welcome gave it";
  if (m_group.find(s.id)) return "spawn of an id already in use";
  // Written as !(x <= limit) so that a NaN, had one got this far, fails too.
  if (!(s.state.transform.position.length() <= m_config.maxSpawnDistance)) return "spawn too far from the world";
  if (!(s.state.linearVelocity.length() <= m_config.maxSpawnSpeed)) return "spawn moving too fast";
  if (!(s.state.angularVelocity.length() <= m_config.maxSpawnSpin)) return "spawn spinning too fast";

  client.spawns.refill(now);
  if (client.spawns.tokens() < 1.0f) return "spawn rate limit exceeded";

  int owned = 0;
  m_group.forEach([&](const Entity& e) { owned += e.authority() == client.slot; });
  if (owned >= m_config.maxEntitiesPerClient) return "entity count limit exceeded";

  static thread_local std::string why;
  why.clear();
  if (type->validateSpawn && !type->validateSpawn(s.state, client.slot, m_group, why)) {
    log::debug("peer {}: implausible spawn of {}: {}", client.slot, type->name, why);
    return "implausible spawn state";
  }
  client.spawns.take();
  return nullptr;
}

Referee::BlockVerdict Referee::checkBlock(Entity& entity, const BlockTiming& timing, uint32_t now,
                                          wire::StateBlock& block) const {
  // The owner's ticks between its two updates, but never more than our own clock saw
  // pass (plus jitter): the owner stamps its ticks itself, and a jump of its clock
  // must not make a teleport look like a long walk.
  constexpr uint32_t kJitterTicks = 6;
  uint32_t ticks = m_config.tickHz / m_config.sendHz;
  if (timing.known)
    ticks = std::min(timing.originTick - timing.lastOriginTick, now - timing.lastAcceptedTick + kJitterTicks);
  const float elapsed = static_cast<float>(ticks) / static_cast<float>(m_config.tickHz);
  WriteStream corrected(wire::kMaxBlockBits / 8);
  const ReadStream in(block.payload.data(), block.bits);
  switch (entity.controller().checkRemoteState(in, elapsed, corrected)) {
  case Controller::Verdict::Accept:
    return BlockVerdict::Accept;
  case Controller::Verdict::Clamp:
    if (!m_config.rejectImplausible && corrected.ok() && corrected.bits() > 0) {
      block.bits = static_cast<uint32_t>(corrected.bits());
      block.payload = corrected.take();
      return BlockVerdict::Clamped;
    }
    [[fallthrough]];
  case Controller::Verdict::Reject:
    break;
  }
  return BlockVerdict::Rejected;
}

uint32_t Referee::claimedServerTick(uint32_t stamped, uint32_t now) {
  const uint32_t oldest = now > kMaxClaimedAgeTicks ? now - kMaxClaimedAgeTicks : 0;
  return std::clamp(stamped, oldest, now);
}

} // namespace ferrum
