#pragma once
// The --stats-json document every executable writes. Fields (all counts since start):
//   role            "server" | "client"
//   self            this peer's slot (0 = server; 255 = client never joined)
//   tick            simulation ticks run
//   uptimeSeconds   wall time since the peer started
//   joined          client: the server's welcome arrived (server: true)
//   disconnectReason  client: why the link closed ("" if it did not)
//   liveEntities    entities alive at the end; entitiesByType: the same per type name
//   entitiesSeen    distinct entities this peer ever had
//   counters        NetCounters (clientsJoined, clientsLeft, clientsTimedOut, ...)
//   effects         client-side effects shown, per kind
//   peers[]         per remote peer: id, rttMs, packetsSent, packetsReceived,
//                   bytesSent, bytesReceived (application payload), malformed,
//                   rejected, unknownEntity, stale, clamped, spawnsRejected
//   grenadesThrown  client: grenades its player threw
//   latencyProbe    client: send/arrival stamps of client-owned state (see latency_probe.h)
//   crates[]        id and position [x, y, z] (m) of every crate at the end

#include <string>

#include <nlohmann/json.hpp>

#include "apps/common/peer.h"

namespace app {

nlohmann::json statsJson(Peer& peer);
/// Writes `doc` to `path` (atomically: temp file, then rename). False on failure.
bool writeJson(const std::string& path, const nlohmann::json& doc, std::string& error);

} // namespace app
