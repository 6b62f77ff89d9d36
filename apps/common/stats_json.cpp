#include "apps/common/stats_json.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <utility>

#include "game/types.h"

namespace app {

nlohmann::json statsJson(ferrum::Host& peer) {
  const ferrum::NetStats s = peer.net().stats();
  nlohmann::json doc;
  doc["role"] = ferrum::roleName(s.role);
  doc["self"] = s.self;
  doc["tick"] = s.tick;
  doc["tickHz"] = peer.net().config().tickHz;
  doc["uptimeSeconds"] = peer.uptimeSeconds();
  doc["joined"] = s.self != ferrum::kNoPeer; // ever joined
  doc["disconnectReason"] = peer.net().disconnectReason();
  doc["liveEntities"] = s.liveEntities;
  doc["entitiesSeen"] = peer.group().spawnedCount();
  const auto& c = s.counters;
  doc["counters"] = {{"packetsSent", c.packetsSent},         {"packetsReceived", c.packetsReceived},
                     {"bytesSent", c.bytesSent},             {"bytesReceived", c.bytesReceived},
                     {"clientsJoined", c.clientsJoined},     {"clientsLeft", c.clientsLeft},
                     {"clientsTimedOut", c.clientsTimedOut}, {"clientsKicked", c.clientsKicked}, {"clientsTooSlow", c.clientsTooSlow},
                     {"connectionsRefused", c.connectionsRefused}, {"spawnsSent", c.spawnsSent},
                     {"spawnsReceived", c.spawnsReceived},   {"despawnsReceived", c.despawnsReceived},
                     {"blocksApplied", c.blocksApplied},     {"blocksForwarded", c.blocksForwarded},
                     {"forwardPackets", c.forwardPackets},
                     {"forwardsDeferred", c.forwardsDeferred}, {"forwardsReleased", c.forwardsReleased},
                     {"correctionsSent", c.correctionsSent}, {"correctionsApplied", c.correctionsApplied},
                     {"malformedBlocks", c.malformedBlocks}, {"baselineMismatches", c.baselineMismatches},
                     {"unreadablePackets", c.unreadablePackets},
                     {"deltaBlocksReceived", c.deltaBlocksReceived}, {"spawnDeltaBlocks", c.spawnDeltaBlocks},
                     {"codingsReused", c.codingsReused},     {"codingsMade", c.codingsMade},
                     {"eventsRaised", c.eventsRaised},
                     {"eventsReceived", c.eventsReceived},   {"authorityHandovers", c.authorityHandovers},
                     {"unencodable", c.unencodable},         {"nonFiniteRemoved", c.nonFiniteRemoved},
                     {"helloTimeouts", c.helloTimeouts},     {"refusedCoolingOff", c.refusedCoolingOff},
                     {"garbageDatagrams", c.garbageDatagrams}, {"handshakesRefused", c.handshakesRefused},
                     {"halfOpenReaped", c.halfOpenReaped},   {"hoardersDropped", c.hoardersDropped},
                     {"hoardedBytes", c.hoardedBytes}};
  // Paced joins and interest management (docs/protocol.md, "Replication sets").
  const std::initializer_list<std::pair<const char*, uint64_t>> replication{
      {"spawnsPaced", c.spawnsPaced},   {"maxSpawnsPacedInTick", c.maxSpawnsPacedInTick},
      {"spawnCodings", c.spawnCodings},
      {"joinQueueScorings", c.joinQueueScorings},
      {"worldCompletesSent", c.worldCompletesSent}, {"leavesSent", c.leavesSent},
      {"leavesReceived", c.leavesReceived}, {"worldCompleteTicks", c.worldCompleteTicks}};
  for (const auto& [name, value] : replication) doc["counters"][name] = value;
  nlohmann::json effects = nlohmann::json::object();
  for (int k = 0; k < ferrum::kEffectKindCount; ++k) {
    const auto kind = static_cast<ferrum::EffectKind>(k);
    effects[ferrum::effectKindName(kind)] = peer.effects().count(kind);
  }
  doc["effects"] = effects;
  nlohmann::json peers = nlohmann::json::array();
  for (const ferrum::PeerStats& p : s.peers) {
    peers.push_back({{"id", p.slot},
                     {"connected", p.connected},
                     {"rttMs", p.rttMs},
                     {"packetsSent", p.packetsSent},
                     {"packetsReceived", p.packetsReceived},
                     {"bytesSent", p.bytesSent},
                     {"bytesReceived", p.bytesReceived},
                     {"malformed", p.malformed},
                     {"rejected", p.rejected},
                     {"unknownEntity", p.unknownEntity},
                     {"stale", p.stale},
                     {"unreadable", p.unreadable},
                     {"clamped", p.clamped},
                     {"spawnsRejected", p.spawnsRejected},
                     {"rateLimited", p.rateLimited},
                     {"largestStatePacket", p.largestStatePacket},
                     {"stateLost", p.stateLost}});
    peers.back()["entitiesHeld"] = p.entitiesHeld;
    peers.back()["spawnsQueued"] = p.spawnsQueued;
  }
  doc["peers"] = peers;
  nlohmann::json byType = nlohmann::json::object();
  nlohmann::json crates = nlohmann::json::array();
  peer.group().forEach([&](const ferrum::Entity& e) {
    const ferrum::EntityType* type = peer.group().registry().find(e.type());
    const std::string name = type ? type->name : "unknown";
    byType[name] = byType.value(name, 0) + 1;
    if (e.type() == game::kCrateType) {
      const ferrum::Vec3 p = e.body().position();
      crates.push_back({{"id", e.id().value}, {"position", {p.x, p.y, p.z}}});
    }
  });
  doc["entitiesByType"] = byType;
  doc["crates"] = crates;
  return doc;
}

bool makeDirectories(const std::string& dir, std::string& error) {
  if (dir.empty()) return true;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec); // false without an error when it exists
  if (!ec && std::filesystem::is_directory(dir, ec)) return true;
  error = "cannot create directory " + dir + ": " + (ec ? ec.message() : "a file is in the way");
  return false;
}

bool makeParentDirectory(const std::string& path, std::string& error) {
  return makeDirectories(std::filesystem::path(path).parent_path().string(), error);
}

bool writeJson(const std::string& path, const nlohmann::json& doc, std::string& error) {
  if (!makeParentDirectory(path, error)) return false;
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    if (!out) {
      error = "cannot write " + tmp;
      return false;
    }
    out << doc.dump(2) << '\n';
    if (!out) {
      error = "write failed: " + tmp;
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    error = "cannot rename " + tmp + " to " + path;
    return false;
  }
  return true;
}

} // namespace app
