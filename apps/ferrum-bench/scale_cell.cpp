#include "scale_cell.h"

#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <ctime>
#include <fstream>
#include <map>
#include <random>
#include <thread>

#include "ferrum/clock.h"
#include "ferrum/host.h"
#include "game/arena.h"
#include "game/demo_game.h"
#include "game/types.h"
#include "light_bot.h"
#include "thread_cpu.h"

namespace ferrum::bench {

namespace {

long processRssKiB() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(q * static_cast<double>(v.size() - 1) + 0.5)];
}

// What the server thread records: per tick, its CPU time and when it ended.
struct ServerRecord {
  std::vector<double> tickCpuUs;  ///< ticks that ended inside the window
  std::vector<double> tickWallUs; ///< the same ticks' wall time, onTick to onTickEnd
  std::vector<double> tickEnds;   ///< steadySeconds() at each such tick's end
  double cpuInWindow = 0;         ///< the server's CPU time inside the window (its thread, ticks and waits alike, and its physics thread)
  size_t entitiesAtWindowEnd = 0; ///< crates and players on the server as the window closed
};

void runServer(Host& host, double windowStart, double windowEnd, double stopAt, std::atomic<size_t>& entities,
               ServerRecord& record) {
  // The server's CPU is its thread's and, while a sending tick writes its packets, that
  // of the thread physics steps on (NetConfig::physicsThread; found once it exists).
  pid_t physics = 0;
  int looks = 0; // the thread starts on the first sending tick: a few looks find it
  auto serverCpuSeconds = [&] {
    if (physics == 0 && looks < 100 && ++looks) physics = findThreadNamed("ferrum-physics");
    return threadCpuSeconds() + otherThreadCpuSeconds(physics);
  };
  double tickCpuStart = 0;
  double tickWallStart = 0;
  auto begin = host.net().onTick.listen([&](uint32_t) {
    tickCpuStart = serverCpuSeconds();
    tickWallStart = steadySeconds();
  });
  auto end = host.net().onTickEnd.listen([&](uint32_t) {
    const double now = steadySeconds();
    const double cpu = serverCpuSeconds() - tickCpuStart;
    entities.store(host.group().size());
    if (now >= windowStart && now < windowEnd) {
      record.tickCpuUs.push_back(cpu * 1e6);
      record.tickWallUs.push_back((now - tickWallStart) * 1e6);
      record.tickEnds.push_back(now);
    }
  });
  bool inWindow = false;
  double cpuAtStart = 0;
  while (steadySeconds() < stopAt) {
    host.step(5);
    const double now = steadySeconds();
    if (!inWindow && now >= windowStart) {
      inWindow = true;
      cpuAtStart = serverCpuSeconds();
    }
    if (inWindow && now >= windowEnd && record.cpuInWindow == 0) {
      record.cpuInWindow = serverCpuSeconds() - cpuAtStart;
      record.entitiesAtWindowEnd = host.group().size();
    }
  }
}

} // namespace

void spawnBenchCrates(NetManager& net, int count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> jitter(-0.1f, 0.1f);
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  std::uniform_int_distribution<uint32_t> size(0, 3);
  constexpr int kPerRow = 25;          // 25 x 25 per layer, 1.4 m apart: within +-16.8 m
  constexpr float kSpacing = 1.4f;
  for (int i = 0; i < count; ++i) {
    const int layer = i / (kPerRow * kPerRow);
    const int cell = i % (kPerRow * kPerRow);
    SpawnState s;
    s.transform.position = {(static_cast<float>(cell % kPerRow) - (kPerRow - 1) / 2.0f) * kSpacing + jitter(rng),
                            0.8f + static_cast<float>(layer) * 1.4f,
                            (static_cast<float>(cell / kPerRow) - (kPerRow - 1) / 2.0f) * kSpacing + jitter(rng)};
    s.transform.orientation = canonicalQuat({0.1f * unit(rng), unit(rng), 0.1f * unit(rng), 1.0f});
    s.variant = size(rng);
    net.spawn(game::kCrateType, s);
  }
}

nlohmann::json runScaleCell(const ScaleCellOptions& o, std::string& error) {
  HostDef def = game::demoHostDef(o.largeArena ? game::Scenario::Large : game::Scenario::Arena);
  def.net.role = Role::Server;
  const float relevanceRadius = o.relevanceRadius >= 0 ? o.relevanceRadius
                                : o.largeArena        ? kLargeArenaRelevanceRadius
                                                      : 0.0f;
  def.net.relevanceRadius = relevanceRadius;
  def.net.tickHz = o.tickHz;
  def.net.sendHz = o.sendHz;
  def.net.maxClients = std::max(o.clients, 1);
  if (o.forwardWindowMs >= 0) def.net.forwardWindowMs = o.forwardWindowMs;
  def.net.physicsThread = o.physicsThread;
  def.net.staggerSends = o.staggerSends;
  if (o.joinShareWhenBehind >= 0) def.net.joinShareWhenBehind = o.joinShareWhenBehind;
  const float joinShareWhenBehind = def.net.joinShareWhenBehind;
  if (o.joinTickShare >= 0) def.net.joinTickShare = o.joinTickShare;
  const float joinTickShare = def.net.joinTickShare;
  const float forwardWindowMs = def.net.forwardWindowMs;
  if (o.forwardFullRateMeters >= 0) def.net.forwardFullRateMeters = o.forwardFullRateMeters;
  if (o.forwardFalloffMeters >= 0) def.net.forwardFalloffMeters = o.forwardFalloffMeters;
  const float forwardFullRateMeters = def.net.forwardFullRateMeters;
  const float forwardFalloffMeters = def.net.forwardFalloffMeters;
  const float relevanceHysteresis = def.net.relevanceHysteresis;
  def.enet.bindHost = "127.0.0.1";
  def.enet.port = 0;
  def.enet.maxLinks = static_cast<size_t>(o.clients) + 8;
  const uint16_t gameId = def.net.gameId;
  const uint32_t typeCount = static_cast<uint32_t>(def.types.size());
  const uint64_t fingerprint = def.types.fingerprint();
  auto server = Host::create(std::move(def), error);
  if (!server) return {};
  if (o.largeArena)
    game::scatterCrates(server->net(), o.bodies, o.seed, game::kLargeArenaHalfSize);
  else
    spawnBenchCrates(server->net(), o.bodies, o.seed);
  const long rssServerOnly = processRssKiB();

  const double start = steadySeconds();
  const double botsStart = start + o.settleSeconds;
  const double windowStart = botsStart + o.joinSpreadSeconds + 1.0; // every bot had 1 s to get in
  const double windowEnd = windowStart + o.seconds;
  const double leaveAt = windowEnd + 0.2;
  const double serverStop = leaveAt + 0.5;

  std::vector<std::unique_ptr<LightBot>> bots;
  for (int i = 0; i < o.clients; ++i) {
    LightBotConfig c;
    c.serverPort = server->port();
    c.gameId = gameId;
    c.typeCount = typeCount;
    c.fingerprint = fingerprint;
    c.precisions = [&types = server->types()](EntityTypeId type) -> const RigidQuantization* {
      const EntityType* t = types.find(type);
      return t ? t->statePrecision : nullptr;
    };
    c.tickHz = o.tickHz;
    c.sendHz = o.sendHz;
    c.connectAt = botsStart + (o.clients > 1 ? o.joinSpreadSeconds * i / (o.clients - 1) : 0.0);
    c.windowStart = windowStart;
    c.windowEnd = windowEnd;
    c.leaveAt = leaveAt;
    c.niceness = o.botNiceness;
    // Each bot from its own loopback address, as each player from its own machine:
    // from one address, the server's guard against half-open handshakes (EnetConfig::
    // maxHalfOpenPerAddress) turned away 25 of 64 joining at once, and each waited
    // for ENet's resend (up to 3.5 s).
    if (!o.botsShareAnAddress) c.localHost = "127.0.1." + std::to_string(1 + i % 254);
    if (o.largeArena) {
      c.arenaHalfSize = game::kLargeArenaHalfSize;
      c.regionHalfSize = o.walkRegionHalfSize;
      c.walkSeed = o.seed;
    }
    auto bot = LightBot::create(c, error);
    if (!bot) return {};
    bots.push_back(std::move(bot));
  }

  std::atomic<size_t> serverEntities{server->group().size()};
  ServerRecord record;
  // Named, so a profile (perf report --sort comm) tells the server from its load.
  std::thread serverThread([&] {
    pthread_setname_np(pthread_self(), "scale-server");
    runServer(*server, windowStart, windowEnd, serverStop, serverEntities, record);
  });
  std::vector<std::thread> botThreads;
  for (auto& bot : bots)
    botThreads.emplace_back([&bot] {
      pthread_setname_np(pthread_self(), "scale-bot");
      bot->run();
    });
  for (auto& t : botThreads) t.join();
  const long rssEnd = processRssKiB();
  serverThread.join();
  const NetStats stats = server->net().stats();
  server->net().shutdown();

  // Tick rate: ticks that ended in the window, and the worst whole second of it.
  const double expected = o.seconds * o.tickHz;
  std::vector<int> perSecond(static_cast<size_t>(std::max(1.0, std::floor(o.seconds))), 0);
  for (double t : record.tickEnds) {
    const auto s = static_cast<size_t>((t - windowStart));
    if (s < perSecond.size()) ++perSecond[s];
  }
  const int worstSecond = *std::min_element(perSecond.begin(), perSecond.end());

  // The bots' side.
  int joined = 0, timeouts = 0, kicked = 0, disconnected = 0, complete = 0;
  std::vector<double> welcomeSeconds, completeSeconds, downKbps, downPps, upKbps, upPps, fwdPps, fwdBlocksPs;
  double botCpu = 0, farthestSpawn = 0, farthestAfterComplete = 0;
  std::vector<double> held, leaves;
  // Per-client kbit/s down by kind (LightBotReport's per-kind bytes), summed over bots.
  std::map<std::string, double> byKind;
  std::map<std::pair<PeerId, uint32_t>, double> sentAt;
  for (auto& bot : bots) {
    const LightBotReport& r = bot->report();
    botCpu += r.cpuSeconds;
    farthestSpawn = std::max(farthestSpawn, r.farthestSpawn);
    farthestAfterComplete = std::max(farthestAfterComplete, r.farthestSpawnAfterComplete);
    held.push_back(static_cast<double>(r.entitiesAtEnd));
    leaves.push_back(static_cast<double>(r.leavesReceived));
    joined += r.joined;
    timeouts += r.timedOut;
    kicked += r.kicked;
    disconnected += !r.disconnectReason.empty();
    if (r.completeAt >= 0) {
      ++complete;
      completeSeconds.push_back(r.completeAt - r.connectAt);
    }
    if (r.joinedAt >= 0) welcomeSeconds.push_back(r.joinedAt - r.connectAt);
    downKbps.push_back(static_cast<double>(r.bytesDown) * 8 / 1000 / o.seconds);
    downPps.push_back(static_cast<double>(r.packetsDown) / o.seconds);
    upKbps.push_back(static_cast<double>(r.bytesUp) * 8 / 1000 / o.seconds);
    upPps.push_back(static_cast<double>(r.packetsUp) / o.seconds);
    fwdPps.push_back(static_cast<double>(r.forwardedDown) / o.seconds);
    fwdBlocksPs.push_back(static_cast<double>(r.blocksForwardedDown) / o.seconds);
    const auto kbps = [&](uint64_t bytes) { return static_cast<double>(bytes) * 8 / 1000 / o.seconds; };
    byKind["server_header"] += kbps(r.serverHeaderBytes);
    byKind["server_body"] += kbps(r.serverBodyBytes);
    byKind["forward_header"] += kbps(r.forwardHeaderBytes);
    byKind["forward_body"] += kbps(r.forwardBodyBytes);
    byKind["spawn"] += kbps(r.spawnBytes);
    byKind["leave"] += kbps(r.leaveBytes);
    byKind["other_reliable"] += kbps(r.otherReliableBytes);
  }
  for (auto& [kind, sum] : byKind) sum /= static_cast<double>(std::max<size_t>(bots.size(), 1));
  // Forwarding delay: an owner's send of its tick T to another bot's arrival of (owner
  // slot, T), both on steadySeconds() in this one process.
  std::vector<double> delaysMs;
  for (auto& bot : bots) {
    const LightBotReport& r = bot->report();
    for (const auto& [tick, seconds] : r.sent) sentAt[{r.slot, tick}] = seconds;
  }
  for (auto& bot : bots)
    for (const auto& a : bot->report().arrivals) {
      auto it = sentAt.find({a.origin, a.tick});
      if (it != sentAt.end()) delaysMs.push_back((a.seconds - it->second) * 1000.0);
    }

  uint64_t clamped = 0, rejected = 0;
  for (const PeerStats& p : stats.peers) {
    clamped += p.clamped;
    rejected += p.rejected;
  }
  auto mean = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? 0.0 : s / static_cast<double>(v.size());
  };
  nlohmann::json j;
  j["clients"] = o.clients;
  j["bodies"] = o.bodies;
  j["seconds"] = o.seconds;
  j["join_spread_seconds"] = o.joinSpreadSeconds;
  j["tick_hz"] = o.tickHz;
  j["send_hz"] = o.sendHz;
  j["bot_niceness"] = o.botNiceness;
  j["bots_share_an_address"] = o.botsShareAnAddress;
  j["forward_window_ms"] = forwardWindowMs;
  j["physics_thread"] = o.physicsThread;
  j["stagger_sends"] = o.staggerSends;
  j["join_share_when_behind"] = joinShareWhenBehind;
  j["join_tick_share"] = joinTickShare;
  j["forward_full_rate_m"] = forwardFullRateMeters;
  j["forward_falloff_m"] = forwardFalloffMeters;
  j["arena"] = o.largeArena ? "large" : "demo";
  j["relevance_radius"] = relevanceRadius;
  j["relevance_hysteresis"] = relevanceHysteresis;
  j["held_entities_mean"] = mean(held);       // what each bot holds at the end (its own player too)
  j["leaves_mean"] = mean(leaves);            // entities that left a bot's interest, per bot, whole run
  j["farthest_spawn_m"] = farthestSpawn;      // any bot, any spawn: how far from its player it arrived
  j["farthest_spawn_after_world_m"] = farthestAfterComplete; // ... of those after its WorldComplete
  j["leaves_sent"] = stats.counters.leavesSent;
  j["codings_reused"] = stats.counters.codingsReused; // whole run: blocks coded once, sent to several clients
  j["codings_made"] = stats.counters.codingsMade;
  j["spawns_paced"] = stats.counters.spawnsPaced; // whole run: spawns taken from the joiners' queues
  j["spawn_codings"] = stats.counters.spawnCodings; // ... and the Spawn messages coded for them
  j["join_queue_scorings"] = stats.counters.joinQueueScorings; // walks of the world to order the joins' queues
  j["forward_packets"] = stats.counters.forwardPackets;
  j["ticks"] = record.tickEnds.size();
  j["tick_ratio"] = expected > 0 ? static_cast<double>(record.tickEnds.size()) / expected : 0.0;
  j["worst_second_ticks"] = worstSecond;
  j["ticks_per_second"] = perSecond; // the window's seconds in order: where the join's cost falls
  j["worst_second_ratio"] = static_cast<double>(worstSecond) / o.tickHz;
  j["server_tick_cpu_us_median"] = quantile(record.tickCpuUs, 0.5);
  j["server_tick_cpu_us_p99"] = quantile(record.tickCpuUs, 0.99);
  j["server_tick_wall_us_median"] = quantile(record.tickWallUs, 0.5);
  j["server_tick_wall_us_p99"] = quantile(record.tickWallUs, 0.99);
  j["server_thread_cpu_share"] = record.cpuInWindow / o.seconds;
  j["bots_cpu_share"] = botCpu / (leaveAt - botsStart); // every bot thread, their whole lives
  j["joined"] = joined;
  j["timeouts"] = timeouts;
  j["server_timeouts"] = stats.counters.clientsTimedOut;
  j["kicked"] = kicked;
  j["disconnected"] = disconnected;
  j["world_complete_clients"] = complete;
  j["world_complete_s_median"] = quantile(completeSeconds, 0.5);
  j["world_complete_s_max"] = quantile(completeSeconds, 1.0);
  // The handshake's part of it: from connecting to the welcome (a lost connect waits
  // for ENet's resend, whatever the server's pacing).
  j["welcome_s_median"] = quantile(welcomeSeconds, 0.5);
  j["welcome_s_max"] = quantile(welcomeSeconds, 1.0);
  j["handshakes_refused"] = stats.counters.handshakesRefused; // connects the transport turned away (each resent by ENet)
  j["down_kbps"] = mean(downKbps);
  j["down_pps"] = mean(downPps);
  // down_kbps split by what the bytes carry (they add up to it): state headers and
  // the rest of the server's own packets (server-owned bodies) and of forwarded ones
  // (other clients' players), spawns, leaves, other reliable messages.
  j["down_kbps_by_kind"] = byKind;
  j["forwarded_pps"] = mean(fwdPps);
  j["forwarded_blocks_ps"] = mean(fwdBlocksPs); // other players' updates a client gets per second
  j["up_kbps"] = mean(upKbps);
  j["up_pps"] = mean(upPps);
  j["server_out_mbps"] = mean(downKbps) * o.clients / 1000.0;
  j["forward_latency_samples"] = delaysMs.size();
  j["forward_latency_ms_median"] = quantile(delaysMs, 0.5);
  j["forward_latency_ms_p99"] = quantile(delaysMs, 0.99);
  j["server_entities"] = record.entitiesAtWindowEnd;
  j["rss_kib_server_only"] = rssServerOnly;
  j["rss_kib_end"] = rssEnd;
  j["clamped"] = clamped;
  j["rejected"] = rejected;
  j["blocks_forwarded"] = stats.counters.blocksForwarded;
  j["forwards_deferred"] = stats.counters.forwardsDeferred; // held back by the distance fall-off (whole run)
  j["forwards_released"] = stats.counters.forwardsReleased; // ... and sent on their turn
  return j;
}

} // namespace ferrum::bench
