#include "ferrum/net_config.h"

#include <fmt/format.h>

#include "wire/messages.h"

namespace ferrum {

const char* roleName(Role role) { return role == Role::Server ? "server" : "client"; }

uint16_t protocolVersion() { return wire::kProtocolVersion; }

std::string NetConfig::validate() const {
  if (tickHz < 1 || tickHz > 1000) return fmt::format("tickHz must be in 1..1000 (got {})", tickHz);
  if (sendHz < 1 || sendHz > 30) return fmt::format("sendHz must be in 1..30 (got {})", sendHz);
  if (sendHz > tickHz) return fmt::format("sendHz ({}) must not exceed tickHz ({})", sendHz, tickHz);
  if (maxPacketBytes < 64 || maxPacketBytes > 1400)
    return fmt::format("maxPacketBytes must be in 64..1400 (got {})", maxPacketBytes);
  if (maxClients < 1 || maxClients > kMaxClientPeer)
    return fmt::format("maxClients must be in 1..{} (got {})", int{kMaxClientPeer}, maxClients);
  if (!(budgetKbps >= 0)) return "budgetKbps must not be negative";
  if (!(refreshSeconds >= 0)) return "refreshSeconds must not be negative";
  if (maxCatchUpTicks < 1) return "maxCatchUpTicks must be at least 1";
  if (maxViolations < 1) return "maxViolations must be at least 1";
  if (!(maxSpawnsPerSecond > 0)) return "maxSpawnsPerSecond must be positive";
  if (spawnBurst < 1) return "spawnBurst must be at least 1";
  if (maxEntitiesPerClient < 1) return "maxEntitiesPerClient must be at least 1";
  if (!(maxSpawnDistance > 0 && maxSpawnDistance < 1e9f)) return "maxSpawnDistance must be positive and finite";
  if (!(maxSpawnSpeed > 0 && maxSpawnSpeed < 1e9f)) return "maxSpawnSpeed must be positive and finite";
  if (!(maxSpawnSpin > 0 && maxSpawnSpin < 1e9f)) return "maxSpawnSpin must be positive and finite";
  if (maxPacketsPerSecond < sendHz) return "maxPacketsPerSecond must be at least sendHz";
  if (maxQueuedBytes < 1024) return "maxQueuedBytes must be at least 1024";
  if (spawnsPerTick < 1 || spawnsPerTick > 100000)
    return fmt::format("spawnsPerTick must be in 1..100000 (got {})", spawnsPerTick);
  if (maxSpawnsPerTick < 1 || maxSpawnsPerTick > 100000)
    return fmt::format("maxSpawnsPerTick must be in 1..100000 (got {})", maxSpawnsPerTick);
  if (!(joinTickShare > 0 && joinTickShare <= 1)) return "joinTickShare must be in (0, 1]";
  if (!(joinShareWhenBehind >= 0 && joinShareWhenBehind <= 1)) return "joinShareWhenBehind must be in [0, 1]";
  if (!(relevanceRadius >= 0 && relevanceRadius < 1e9f)) return "relevanceRadius must be zero (off) or positive and finite";
  if (!(relevanceHysteresis >= 0 && relevanceHysteresis < 1e9f))
    return "relevanceHysteresis must not be negative and must be finite";
  if (!(helloTimeoutSeconds > 0 && helloTimeoutSeconds <= 3600)) return "helloTimeoutSeconds must be in (0, 3600]";
  if (!(kickCoolOffSeconds >= 0 && kickCoolOffSeconds <= 86400)) return "kickCoolOffSeconds must be in 0..86400";
  if (!(forwardWindowMs >= 0 && forwardWindowMs <= 1000)) return "forwardWindowMs must be in 0..1000";
  if (!(forwardFullRateMeters >= 0 && forwardFullRateMeters < 1e9f))
    return "forwardFullRateMeters must not be negative and must be finite";
  if (!(forwardFalloffMeters >= 0 && forwardFalloffMeters < 1e9f))
    return "forwardFalloffMeters must be zero (off) or positive and finite";
  return {};
}

} // namespace ferrum
