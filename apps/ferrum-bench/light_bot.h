#pragma once
// A light bot client for `ferrum-bench scale`: a real ENet client speaking ferrum's
// protocol (connect data, hello, welcome, reliable spawns and leaves, state packets
// with acks), whose player walks a path computed in closed form (scale_walks.h). It keeps no physics world and
// no entity copies beyond a set of ids, so one process can hold 64 of them without
// the load generator, rather than the server, being what runs out of CPU. It
// acknowledges every server packet it gets (so the server's delta coding behaves as
// with a full client) but does not decode the blocks' payloads.

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "ferrum/enet_transport.h"
#include "ferrum/ids.h"
#include "net/delta_sender.h"
#include "scale_walks.h"

namespace ferrum::bench {

/// What a bot counted over the measured window [windowStart, windowEnd) (seconds on
/// steadySeconds()), and what it saw of its join.
struct LightBotReport {
  bool joined = false;
  PeerId slot = kNoPeer;         ///< the server's name for it (its welcome)
  bool timedOut = false;        ///< the server went silent on it (ENet timeout)
  bool kicked = false;          ///< the server's referee threw it out
  std::string disconnectReason; ///< empty while connected to the end
  double connectAt = -1;        ///< when it started connecting
  double joinedAt = -1;         ///< welcome received
  double completeAt = -1;       ///< when the server's WorldComplete arrived: it holds every entity queued at its join
  size_t entitiesAtEnd = 0;
  uint64_t spawnsReceived = 0;  ///< whole run, join and interest alike
  uint64_t leavesReceived = 0;  ///< entities that left its interest (whole run)
  /// The farthest (horizontally) any other entity was from its player when that
  /// entity's spawn arrived, whole run: with interest management, about the radius.
  double farthestSpawn = 0;
  /// ... of the spawns that arrived after its WorldComplete (entities entering its
  /// interest as it walks, rather than its join's).
  double farthestSpawnAfterComplete = 0;
  uint64_t packetsDown = 0, bytesDown = 0;     ///< in the window, every packet from the server
  uint64_t forwardedDown = 0;                  ///< ... of which state packets of another client's origin
  uint64_t blocksForwardedDown = 0;            ///< blocks in those
  /// bytesDown by kind (window only; they add up to it): the state header of the
  /// server's own packets and the rest of them (server-owned bodies), the same of
  /// forwarded packets (the rest: other clients' players, sections and blocks),
  /// reliable spawns, leaves, and every other reliable message.
  uint64_t serverHeaderBytes = 0, serverBodyBytes = 0;
  uint64_t forwardHeaderBytes = 0, forwardBodyBytes = 0;
  uint64_t spawnBytes = 0, leaveBytes = 0, otherReliableBytes = 0;
  uint64_t packetsUp = 0, bytesUp = 0;         ///< in the window
  double cpuSeconds = 0;                       ///< its thread's CPU time, whole run
  /// Owner side: when it sent the state packet of its tick `tick` (window only).
  std::vector<std::pair<uint32_t, double>> sent;
  /// Observer side: forwarded state of (origin, origin tick) arrived at (window only).
  struct Arrival {
    PeerId origin;
    uint32_t tick;
    double seconds;
  };
  std::vector<Arrival> arrivals;
};

struct LightBotConfig {
  uint16_t serverPort = 0;
  uint16_t gameId = 0;
  uint32_t typeCount = 0;  ///< the demo game's type table, as the hello names it
  uint64_t fingerprint = 0;
  /// The game's spawn precisions (wire::Spawn codes a type's state at them); must
  /// outlive the bot.
  wire::PrecisionOf precisions;
  int tickHz = 60;
  int sendHz = 30;
  double connectAt = 0;    ///< steadySeconds() at which to connect
  double windowStart = 0;  ///< counters and samples cover [windowStart, windowEnd)
  double windowEnd = 0;
  double leaveAt = 0;      ///< say goodbye and return
  uint32_t timeoutMs = 5000;
  size_t maxSamples = 200000; ///< bound on sent + arrival samples kept
  /// Its own loopback address to connect from (EnetConfig::clientHost); empty: the
  /// system's choice (127.0.0.1). 64 bots from one address look to the server's
  /// handshake guard like one machine opening 64 connections (EnetConfig::maxHalfOpenPerAddress).
  std::string localHost;
  int niceness = 10;          ///< the bot thread's nice value (0: the server's own priority)
  /// 0: the demo arena's circle walk; > 0: a WaypointWalk on a floor of this half
  /// size (the large arena), in a region of regionHalfSize around its slot's centre.
  float arenaHalfSize = 0;
  float regionHalfSize = 10;
  uint32_t walkSeed = 1;
};

class LightBot {
public:
  /// Its ENet host is made here, on the caller's thread (ENet's start-up is not
  /// thread-safe); nullptr and `error` on failure.
  static std::unique_ptr<LightBot> create(const LightBotConfig& config, std::string& error);

  /// The bot's whole life: waits for connectAt, joins, plays until leaveAt. Run it on
  /// a thread of its own.
  void run();
  const LightBotReport& report() const { return m_report; }

private:
  explicit LightBot(const LightBotConfig& config, std::unique_ptr<EnetTransport> transport);
  void handle(TransportEvent& event, double now);
  void onReliable(std::span<const uint8_t> payload, double now);
  void onState(const TransportEvent& event, double now);
  void tick(double now);
  std::vector<uint8_t> playerBlockPacket(double now);
  /// Its player's pose at its current tick (the walk's time counts ticks since the welcome).
  BotPose pose() const;
  bool inWindow(double now) const { return now >= m_config.windowStart && now < m_config.windowEnd; }

  LightBotConfig m_config;
  std::unique_ptr<EnetTransport> m_transport;
  LinkId m_link = kNoLink;
  bool m_connected = false;
  bool m_done = false;
  PeerId m_slot = kNoPeer;
  uint32_t m_tick = 0;       ///< on the server's count since the welcome
  uint32_t m_firstTick = 0;  ///< the welcome's tick: the circle's phase starts there
  /// The server's clock as its own packets tell it (their senderTick, and when the
  /// newest arrived): what our packets' senderTick estimates, as a full client's does.
  uint32_t m_serverTick = 0;
  double m_serverTickAt = 0;
  EntityId m_player;
  std::unique_ptr<WaypointWalk> m_walk; ///< made at the welcome (it needs the slot); null: the circle
  uint16_t m_sequence = 0;
  ReceiveHistory m_received; ///< the server's own series: what we acknowledge
  std::unordered_set<uint32_t> m_entities;
  /// Spawn messages from the server so far, and the count last acknowledged: the
  /// server sends an entity's state only once a SpawnAck covers its spawn.
  uint32_t m_spawnsReceived = 0;
  uint32_t m_spawnsAcked = 0;
  int m_spawnAckRepeats = 0; ///< more acks once a second (one may be dropped by the rate limit)
  void sendSpawnAck();
  LightBotReport m_report;
};

} // namespace ferrum::bench
