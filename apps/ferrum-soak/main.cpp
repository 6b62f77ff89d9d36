// ferrum-soak: a server and N bot clients over real loopback ENet, each client's link
// made bad by a LinkSimulator (latency up to --max-latency-ms, jitter, loss,
// duplication, reordering), joining and leaving at random, grenades and crates
// throughout. Then it checks: every explosion handled exactly once by every peer
// connected all through its grenade's life; no entity came back after removal; the
// server and every client agree on the live set after quiescence; memory stayed
// flat; no peer stalled. Exit 0 only if every check holds.

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <random>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "apps/common/cli.h"
#include "apps/common/host_options.h"
#include "game/demo_game.h"
#include "apps/ferrum-soak/soak_peer.h"

namespace {

// Under AddressSanitizer, freed memory sits in a quarantine (256 MB by default) on
// purpose, so RSS grows with churn whatever the program does; that build checks
// leaks with LeakSanitizer at exit instead of by RSS.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kRssIsMeaningful = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kRssIsMeaningful = false;
#else
constexpr bool kRssIsMeaningful = true;
#endif
#else
constexpr bool kRssIsMeaningful = true;
#endif

long rssKiB() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

struct Client {
  std::unique_ptr<soak::SoakPeer> peer;
  double lastProgress = 0;
  uint64_t lastPackets = 0;
  bool joined = false; ///< the stall clock runs from the welcome: joining is timed on its own
};

// A joined client that receives nothing this long has stalled; one still joining (a
// handshake over a lossy, slow link on a loaded machine, retried by ENet at growing
// intervals) is given longer before it counts as failing to join.
constexpr double kStallSeconds = 5;
constexpr double kJoinSeconds = 15;

} // namespace

int main(int argc, char** argv) {
  CLI::App cli{"ferrum-soak: server + N bot clients over loopback with bad links and churn; checks exactly-once "
               "events, no leaks, flat memory, no stalls. Exit 0 only if all hold."};
  double duration = 60;
  int clients = 16;
  uint64_t seed = 1;
  float maxLatency = 250, jitter = 50, loss = 0.2f, dup = 0.1f;
  std::string jsonPath;
  cli.add_option("--duration", duration, "seconds in all (the last 10 are quiescence)")->capture_default_str()
      ->check(app::finiteRange(20.0, 7200.0));
  cli.add_option("--clients", clients, "bot clients kept connected")->capture_default_str()->check(CLI::Range(1, 60));
  cli.add_option("--seed", seed, "seed of churn and links")->capture_default_str();
  cli.add_option("--max-latency-ms", maxLatency, "each client's one-way latency is drawn in 0..this")
      ->capture_default_str()
      ->check(app::finiteRange(0, 10000));
  cli.add_option("--jitter-ms", jitter, "jitter on every link")->capture_default_str()->check(app::finiteRange(0, 10000));
  cli.add_option("--loss", loss, "state packet loss on every link, each direction")
      ->capture_default_str()
      ->check(app::finiteRange(0, 1));
  cli.add_option("--dup", dup, "state packet duplication on every link")
      ->capture_default_str()
      ->check(app::finiteRange(0, 1));
  cli.add_option("--json", jsonPath, "write the results here");
  std::string& logLevel = app::addStandardOptions(cli, "ferrum-soak", "warn");
  if (int code = 0; !app::parseCommandLine(cli, argc, argv, code)) return code;
  if (std::string error; !app::applyLogLevel(logLevel, error)) {
    std::fprintf(stderr, "ferrum-soak: %s\n", error.c_str());
    return 2;
  }

  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0, 1);
  std::string error;
  auto server = soak::SoakPeer::create(ferrum::Role::Server, 0, {}, seed, error);
  if (!server) {
    std::fprintf(stderr, "ferrum-soak: %s\n", error.c_str());
    return 1;
  }
  game::spawnCrates(server->net(), 50, static_cast<uint32_t>(seed));
  uint64_t nextSeed = seed * 1000;
  std::vector<Client> live;
  std::vector<std::string> problems;
  auto join = [&](double now) {
    const ferrum::LinkConditions link{static_cast<float>(unit(rng)) * maxLatency, jitter, loss, dup};
    auto peer = soak::SoakPeer::create(ferrum::Role::Client, server->port(), link, ++nextSeed, error);
    if (peer) live.push_back({std::move(peer), now, 0});
  };

  const double start = ferrum::steadySeconds();
  const double quiesceAt = duration - 10, warmupAt = 10;
  for (int i = 0; i < clients; ++i) join(0);
  long rssWarm = 0;
  uint64_t joins = static_cast<uint64_t>(clients), leaves = 0;
  double nextChurn = 2, nextReport = 5;
  bool quiet = false;
  for (;;) {
    const double now = ferrum::steadySeconds() - start;
    if (now >= duration) break;
    if (!quiet && now >= quiesceAt) { // bots stop; grenades in flight finish their fuses
      quiet = true;
      for (Client& c : live)
        if (c.peer->player() && c.peer->player()->bot()) c.peer->player()->bot()->setIdle(true);
    }
    if (!quiet && now >= nextChurn) { // one leaves, one joins: churn at a steady head count
      nextChurn = now + 0.5 + unit(rng) * 1.5;
      if (!live.empty()) {
        const size_t victim = static_cast<size_t>(unit(rng) * static_cast<double>(live.size())) % live.size();
        live[victim].peer->net().shutdown();
        for (const auto& p : live[victim].peer->problems()) problems.push_back("departed client: " + p);
        live.erase(live.begin() + static_cast<std::ptrdiff_t>(victim));
        ++leaves;
      }
      join(now);
      ++joins;
    }
    const double t = ferrum::steadySeconds();
    server->net().frame(t);
    server->observe(now);
    for (Client& c : live) {
      c.peer->net().frame(t);
      c.peer->observe(now);
      if (!c.joined && c.peer->net().joined()) {
        c.joined = true;
        c.lastProgress = now;
      }
      if (c.peer->packetsReceived() != c.lastPackets) {
        c.lastPackets = c.peer->packetsReceived();
        if (c.joined) c.lastProgress = now;
      } else if (c.joined && now - c.lastProgress > kStallSeconds) {
        problems.push_back(fmt::format("client {} stalled: nothing received for {} s", c.peer->net().localPeer(),
                                       kStallSeconds));
        c.lastProgress = now; // report each stall once
      }
      if (!c.joined && now - c.lastProgress > kJoinSeconds) {
        problems.push_back(fmt::format("a client did not join within {} s", kJoinSeconds));
        c.lastProgress = now; // report it once per period
      }
    }
    server->net().service(1); // waits on the server's socket, never a plain sleep
    if (rssWarm == 0 && now >= warmupAt) rssWarm = rssKiB();
    if (now >= nextReport) {
      nextReport += 5;
      std::fprintf(stderr, "ferrum-soak: %5.1f / %.0f s, %zu clients, %zu entities on the server, RSS %ld KiB\n", now,
                   duration, live.size(), server->group().size(), rssKiB());
    }
  }
  const long rssEnd = rssKiB();

  // Checks.
  for (const auto& p : server->problems()) problems.push_back("server: " + p);
  auto live_set = [](soak::SoakPeer& p) {
    std::set<uint32_t> ids;
    for (ferrum::EntityId id : p.group().ids()) ids.insert(id.value);
    return ids;
  };
  const std::set<uint32_t> truth = live_set(*server);
  uint64_t explosionsChecked = 0;
  for (Client& c : live) {
    for (const auto& p : c.peer->problems()) problems.push_back(fmt::format("client {}: {}", c.peer->net().localPeer(), p));
    if (live_set(*c.peer) != truth)
      problems.push_back(fmt::format("client {} disagrees with the server on the live set after quiescence",
                                     c.peer->net().localPeer()));
    // Every grenade whose whole life this client saw connected must have exploded here once.
    for (const auto& [id, count] : server->explosions()) {
      const auto life = server->lifetimes().find(id);
      if (life == server->lifetimes().end() || c.peer->joinedAt() < 0) continue;
      if (life->second.appeared < c.peer->joinedAt() + 1.0) continue; // born before or as it joined
      ++explosionsChecked;
      const auto seen = c.peer->explosions().find(id);
      if (seen == c.peer->explosions().end() || seen->second != 1)
        problems.push_back(fmt::format("client {}: grenade {:#x} exploded {} times here", c.peer->net().localPeer(), id,
                                       seen == c.peer->explosions().end() ? 0 : seen->second));
    }
  }
  const bool memoryFlat = !kRssIsMeaningful || (rssWarm > 0 && rssEnd <= rssWarm + rssWarm / 10);
  if (!kRssIsMeaningful) std::fprintf(stderr, "ferrum-soak: AddressSanitizer build: RSS not checked (quarantine)\n");
  if (!memoryFlat) problems.push_back(fmt::format("RSS grew from {} KiB after warm-up to {} KiB", rssWarm, rssEnd));

  const auto& counters = server->net().stats().counters;
  nlohmann::json result = {{"durationSeconds", duration},  {"clients", clients},
                           {"joins", joins},                {"leaves", leaves},
                           {"explosions", server->explosions().size()},
                           {"explosionChecks", explosionsChecked},
                           {"liveEntitiesAtEnd", truth.size()},
                           {"rssWarmKiB", rssWarm},         {"rssEndKiB", rssEnd},
                           {"clientsTimedOut", counters.clientsTimedOut},
                           {"authorityHandovers", counters.authorityHandovers},
                           {"problems", problems}};
  if (!jsonPath.empty()) std::ofstream(jsonPath) << result.dump(2) << '\n';
  std::printf("ferrum-soak: %.0f s, %d clients, %lu joins, %lu leaves, %zu explosions (%lu exactly-once checks), "
              "%zu live entities agreed, RSS %ld -> %ld KiB: %s\n",
              duration, clients, joins, leaves, server->explosions().size(), explosionsChecked, truth.size(), rssWarm,
              rssEnd, problems.empty() ? "OK" : "FAILED");
  for (const auto& p : problems) std::printf("  problem: %s\n", p.c_str());
  for (Client& c : live) c.peer->net().shutdown();
  return problems.empty() ? 0 : 1;
}
