#include "apps/ferrum-server/metrics_text.h"

#include <fmt/format.h>

#include <cstdint>
#include <initializer_list>
#include <utility>

#include "ferrum/version.h"

namespace app {

namespace {

using Labels = std::initializer_list<std::pair<const char*, std::string>>;

/// Writes families: a HELP and TYPE line once, then its samples.
class Exposition {
public:
  void family(const char* name, const char* type, const char* help) {
    m_text += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  }
  void sample(std::string_view name, Labels labels, const std::string& value) {
    m_text += name;
    if (labels.size() > 0) {
      m_text += '{';
      bool first = true;
      for (const auto& [key, v] : labels) {
        m_text += fmt::format("{}{}=\"{}\"", first ? "" : ",", key, v); // our values never need escaping
        first = false;
      }
      m_text += '}';
    }
    m_text += ' ';
    m_text += value;
    m_text += '\n';
  }
  // Integers are written as integers: a counter read back must equal the stats JSON exactly.
  void sample(std::string_view name, Labels labels, uint64_t value) { sample(name, labels, std::to_string(value)); }
  void sample(std::string_view name, Labels labels, double value) { sample(name, labels, fmt::format("{}", value)); }
  void single(const char* name, const char* type, const char* help, uint64_t value) {
    family(name, type, help);
    sample(name, {}, value);
  }
  void single(const char* name, const char* type, const char* help, double value) {
    family(name, type, help);
    sample(name, {}, value);
  }
  std::string take() { return std::move(m_text); }

private:
  std::string m_text;
};

struct CounterField {
  const char* name;
  const char* help;
  uint64_t ferrum::NetCounters::*field;
};

// One line per NetCounters field the stats JSON has under "counters" (same meaning).
constexpr CounterField kCounters[] = {
    {"ferrum_packets_sent_total", "Packets sent, every link (closed ones included)", &ferrum::NetCounters::packetsSent},
    {"ferrum_packets_received_total", "Packets received, every link", &ferrum::NetCounters::packetsReceived},
    {"ferrum_sent_bytes_total", "Application payload bytes sent (no UDP/ENet headers)",
     &ferrum::NetCounters::bytesSent},
    {"ferrum_received_bytes_total", "Application payload bytes received", &ferrum::NetCounters::bytesReceived},
    {"ferrum_clients_joined_total", "Clients welcomed", &ferrum::NetCounters::clientsJoined},
    {"ferrum_clients_left_total", "Clients that said goodbye", &ferrum::NetCounters::clientsLeft},
    {"ferrum_clients_timed_out_total", "Clients that went silent", &ferrum::NetCounters::clientsTimedOut},
    {"ferrum_clients_kicked_total", "Clients disconnected for repeated violations",
     &ferrum::NetCounters::clientsKicked},
    {"ferrum_clients_too_slow_total", "Clients dropped for a backlog past maxQueuedBytes",
     &ferrum::NetCounters::clientsTooSlow},
    {"ferrum_connections_refused_total", "Connections refused: protocol, game id, full or draining",
     &ferrum::NetCounters::connectionsRefused},
    {"ferrum_spawns_sent_total", "Spawns announced", &ferrum::NetCounters::spawnsSent},
    {"ferrum_spawns_received_total", "Spawns received from other peers", &ferrum::NetCounters::spawnsReceived},
    {"ferrum_despawns_received_total", "Despawns received from other peers", &ferrum::NetCounters::despawnsReceived},
    {"ferrum_blocks_applied_total", "Remote state blocks fed to clientUpdate", &ferrum::NetCounters::blocksApplied},
    {"ferrum_blocks_forwarded_total", "Client state blocks passed on to other clients",
     &ferrum::NetCounters::blocksForwarded},
    {"ferrum_corrections_sent_total", "Clamped states sent back to their owner", &ferrum::NetCounters::correctionsSent},
    {"ferrum_corrections_applied_total", "Corrections reconciled here (clients)",
     &ferrum::NetCounters::correctionsApplied},
    {"ferrum_malformed_blocks_total", "Blocks a controller refused to decode", &ferrum::NetCounters::malformedBlocks},
    {"ferrum_events_raised_total", "Events raised by entities this peer is authority for",
     &ferrum::NetCounters::eventsRaised},
    {"ferrum_events_received_total", "Events from other peers handled here", &ferrum::NetCounters::eventsReceived},
    {"ferrum_authority_handovers_total", "Entities whose authority changed", &ferrum::NetCounters::authorityHandovers},
    {"ferrum_hello_timeouts_total", "Connections closed for sending no hello in time", &ferrum::NetCounters::helloTimeouts},
    {"ferrum_refused_cooling_off_total", "Connections refused: the address was kicked recently",
     &ferrum::NetCounters::refusedCoolingOff},
    {"ferrum_garbage_datagrams_total", "Datagrams that are not ENet", &ferrum::NetCounters::garbageDatagrams},
    {"ferrum_handshakes_refused_total", "Connect requests dropped: too many half-open from one address, or no free slot",
     &ferrum::NetCounters::handshakesRefused},
    {"ferrum_half_open_reaped_total", "Handshakes never completed in time, reset", &ferrum::NetCounters::halfOpenReaped},
    {"ferrum_hoarders_dropped_total", "Links dropped for holding data behind a gap that never filled",
     &ferrum::NetCounters::hoardersDropped},
    {"ferrum_hoarded_bytes_total", "Bytes those links held when dropped", &ferrum::NetCounters::hoardedBytes},
};

struct PeerField {
  const char* metric; ///< per peer, and summed over all peers for the totals
  const char* help;
  uint64_t ferrum::PeerStats::*field;
};

constexpr PeerField kPeerCounters[] = {
    {"packets_sent_total", "Packets sent to the peer", &ferrum::PeerStats::packetsSent},
    {"packets_received_total", "Packets received from the peer", &ferrum::PeerStats::packetsReceived},
    {"sent_bytes_total", "Application payload bytes sent to the peer", &ferrum::PeerStats::bytesSent},
    {"received_bytes_total", "Application payload bytes received from the peer", &ferrum::PeerStats::bytesReceived},
    {"state_packets_lost_total", "The peer's state packets that never arrived (sequence gaps)",
     &ferrum::PeerStats::stateLost},
};

// The referee's findings (DESIGN: authority and trust), by kind.
constexpr std::pair<const char*, uint64_t ferrum::PeerStats::*> kViolations[] = {
    {"malformed", &ferrum::PeerStats::malformed},      {"rejected", &ferrum::PeerStats::rejected},
    {"clamped", &ferrum::PeerStats::clamped},          {"spawn_rejected", &ferrum::PeerStats::spawnsRejected},
    {"rate_limited", &ferrum::PeerStats::rateLimited},
};

} // namespace

std::string metricsText(const ServerSnapshot& s, double lastTickAgeSeconds) {
  Exposition out;
  out.family("ferrum_build_info", "gauge", "Library and wire protocol version of this server (value 1)");
  out.sample("ferrum_build_info",
             {{"version", ferrum::version()}, {"protocol", std::to_string(ferrum::protocolVersion())}}, uint64_t{1});
  out.single("ferrum_uptime_seconds", "gauge", "Seconds since the server started", s.uptimeSeconds);
  out.single("ferrum_ticks_total", "counter", "Simulation ticks run", uint64_t{s.stats.tick});
  out.single("ferrum_tick_rate_hertz", "gauge", "Configured ticks per second", s.tickHz);
  out.single("ferrum_last_tick_age_seconds", "gauge",
             "Seconds since the newest tick ended, at scrape time (-1: none yet); /healthz fails past its limit",
             lastTickAgeSeconds);

  out.family("ferrum_tick_cpu_seconds", "histogram", "CPU time of one tick: controllers, physics step and sends");
  uint64_t cumulative = 0;
  for (size_t i = 0; i < TickHistogram::kBounds.size(); ++i) {
    cumulative += s.tickCpu.counts[i];
    out.sample("ferrum_tick_cpu_seconds_bucket", {{"le", fmt::format("{}", TickHistogram::kBounds[i])}}, cumulative);
  }
  cumulative += s.tickCpu.counts.back();
  out.sample("ferrum_tick_cpu_seconds_bucket", {{"le", "+Inf"}}, cumulative);
  out.sample("ferrum_tick_cpu_seconds_sum", {}, s.tickCpu.sumSeconds);
  out.sample("ferrum_tick_cpu_seconds_count", {}, s.tickCpu.count);

  out.single("ferrum_clients", "gauge", "Clients connected now", uint64_t{s.clients});
  out.single("ferrum_max_clients", "gauge", "Clients accepted at once", static_cast<uint64_t>(s.maxClients));
  out.single("ferrum_live_entities", "gauge", "Entities alive now", uint64_t{s.stats.liveEntities});
  out.single("ferrum_draining", "gauge", "1 once the server stopped accepting joins to shut down",
             uint64_t{s.draining});
  out.single("ferrum_sent_bytes_per_second", "gauge",
             "Application payload bytes sent per second (state and events), over the newest whole second",
             s.sentBytesPerSecond);
  out.single("ferrum_received_bytes_per_second", "gauge", "Application payload bytes received per second",
             s.receivedBytesPerSecond);

  for (const CounterField& c : kCounters)
    out.single(c.name, "counter", c.help, s.stats.counters.*(c.field));

  // Totals over every peer this server ever had, then the connected peers one by one
  // (departed peers stay in the totals only: their series would otherwise pile up).
  for (const PeerField& f : kPeerCounters) {
    const std::string name = fmt::format("ferrum_peers_{}", f.metric);
    out.family(name.c_str(), "counter", fmt::format("{}, summed over every peer ever connected", f.help).c_str());
    uint64_t total = 0;
    for (const ferrum::PeerStats& p : s.stats.peers)
      total += p.*(f.field);
    out.sample(name, {}, total);
  }
  out.family("ferrum_violations_total", "counter",
             "Refused or corrected client input, by kind, every peer ever connected");
  for (const auto& [kind, field] : kViolations) {
    uint64_t total = 0;
    for (const ferrum::PeerStats& p : s.stats.peers)
      total += p.*field;
    out.sample("ferrum_violations_total", {{"kind", kind}}, total);
  }

  for (const PeerField& f : kPeerCounters) {
    const std::string name = fmt::format("ferrum_peer_{}", f.metric);
    out.family(name.c_str(), "counter", fmt::format("{} (connected peers, by slot)", f.help).c_str());
    for (const ferrum::PeerStats& p : s.stats.peers)
      if (p.connected) out.sample(name, {{"peer", std::to_string(p.slot)}}, p.*(f.field));
  }
  out.family("ferrum_peer_rtt_seconds", "gauge", "Round-trip time to the peer as ENet measures it");
  for (const ferrum::PeerStats& p : s.stats.peers)
    if (p.connected) out.sample("ferrum_peer_rtt_seconds", {{"peer", std::to_string(p.slot)}}, p.rttMs / 1000.0);
  out.family("ferrum_peer_violations_total", "counter", "Refused or corrected input from the peer, by kind");
  for (const ferrum::PeerStats& p : s.stats.peers) {
    if (!p.connected) continue;
    for (const auto& [kind, field] : kViolations)
      out.sample("ferrum_peer_violations_total", {{"peer", std::to_string(p.slot)}, {"kind", kind}}, p.*field);
  }

  if (s.agones) {
    out.family("ferrum_agones_calls_total", "counter", "Calls to the Agones SDK sidecar, by result");
    out.sample("ferrum_agones_calls_total", {{"result", "ok"}}, s.agones->ok);
    out.sample("ferrum_agones_calls_total", {{"result", "failed"}}, s.agones->failed);
    out.sample("ferrum_agones_calls_total", {{"result", "skipped_late_loop"}}, s.agones->skipped);
  }
  return out.take();
}

} // namespace app
