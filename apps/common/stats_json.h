#pragma once
// The --stats-json document every executable writes. Fields (all counts since start):
//   role            "server" | "client"
//   self            this peer's slot (0 = server; 255 = client never joined)
//   tick            simulation ticks run (a client's count is re-based to the server's at the welcome)
//   tickHz          ticks per second
//   uptimeSeconds   wall time since the peer started
//   joined          client: the server's welcome arrived (server: true)
//   disconnectReason  client: why the link closed ("" if it did not)
//   liveEntities    entities alive at the end; entitiesByType: the same per type name
//   entitiesSeen    entities ever created on this peer (EntityGroup::spawnedCount)
//   counters        NetCounters (clientsJoined, clientsLeft, clientsTimedOut, ...)
//   effects         client-side effects shown, per kind
//   peers[]         per remote peer: id, rttMs, packetsSent, packetsReceived,
//                   bytesSent, bytesReceived (application payload), malformed,
//                   rejected, unknownEntity, stale, clamped, spawnsRejected
//   grenadesThrown  client: grenades its player threw
//   latencyProbe    client: send/arrival stamps of client-owned state (see latency_probe.h)
//   matchEnd        ferrum-server: why its match ended ("duration reached", "empty server timed out",
//                   "drained after a stop signal")
//   crates[]        id and position [x, y, z] (m) of every crate at the end
//   timeline[]      server and headless client: one sample per second of ticks (apps/common/timeline.h),
//                   at most 3600 (the oldest dropped): t (s of uptime), tick, serverTick (client: origin
//                   tick of the newest server state received; server: = tick), bytesSent, bytesReceived
//                   (totals so far), rttMs (highest over connected links), crates [[id, x, y, z], ...]

#include <string>

#include <nlohmann/json.hpp>

#include "ferrum/host.h"

namespace app {

nlohmann::json statsJson(ferrum::Host& peer);
/// Writes `doc` to `path` (atomically: temp file, then rename), creating the directory
/// it goes in. False on failure.
bool writeJson(const std::string& path, const nlohmann::json& doc, std::string& error);
/// Creates `dir` and its parents (nothing if empty or already there). False, with a
/// message naming it, where that cannot be done (a file in the way, no permission):
/// tools call it for their output paths before a long run, not after.
bool makeDirectories(const std::string& dir, std::string& error);
/// makeDirectories for the directory the file `path` goes in.
bool makeParentDirectory(const std::string& path, std::string& error);

} // namespace app
