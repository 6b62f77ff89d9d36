// ferrum-server: a headless dedicated server for the demo arena.

#include <spdlog/spdlog.h>

#include <cstdio>
#include <fstream>
#include <optional>

#include "apps/common/cli.h"
#include "apps/common/discovery_service.h"
#include "apps/common/host_options.h"
#include "game/demo_game.h"
#include "apps/common/sim_options.h"
#include "apps/common/stats_json.h"
#include "apps/common/status_line.h"
#include "apps/common/timeline.h"
#include "apps/ferrum-server/agones_session.h"
#include "apps/ferrum-server/http_side_door.h"
#include "apps/ferrum-server/match.h"
#include "apps/ferrum-server/server_monitor.h"
#include "apps/ferrum-server/server_signals.h"
#include "game/arena.h"
#include "game/cubes_scenario.h"

int main(int argc, char** argv) {
  CLI::App cli{"ferrum-server: headless server for the ferrum demo arena (crates under server authority, players "
               "under their clients'); answers LAN discovery (ferrum-client --find) on UDP 27961.\n"
               "Example: ferrum-server --bind 127.0.0.1 --port 27960 --duration 30"};
  app::PeerOptions options;
  options.net.role = ferrum::Role::Server;
  options.enet.bindHost = "0.0.0.0";
  options.enet.port = 27960;
  app::MatchOptions match;
  int crates = 50;
  uint32_t seed = 1;
  bool status = false;
  std::string statsPath, portFile;
  std::string scenario = "arena";
  float rollSeconds = 0;
  cli.add_option("--port", options.enet.port, "UDP port to listen on (0: pick a free one, see --port-file)")
      ->capture_default_str();
  cli.add_option("--bind", options.enet.bindHost, "IPv4 address to listen on (127.0.0.1: this machine only)")
      ->capture_default_str();
  cli.add_option("--tick-hz", options.net.tickHz, "simulation ticks per second")->capture_default_str();
  cli.add_option("--send-hz", options.net.sendHz, "state packets per second to each client (<= 30, <= tick-hz)")
      ->capture_default_str();
  cli.add_option("--max-clients", options.net.maxClients, "clients accepted at once")->capture_default_str();
  cli.add_option("--timeout-ms", options.enet.timeoutMs, "drop a silent client after this long")->capture_default_str();
  cli.add_option("--kick-cool-off", options.net.kickCoolOffSeconds,
                 "seconds a kicked client's IP address is refused (0: off)")
      ->capture_default_str()
      ->check(app::finiteRange(0, 86400));
  cli.add_option("--duration", match.durationSeconds, "seconds the match lasts, then exit (0: until SIGTERM or Ctrl-C)")
      ->capture_default_str()
      ->check(app::finiteRange(0, 1e7));
  cli.add_option("--crates", crates, "crates to drop into the arena")->capture_default_str()->check(CLI::Range(0, 2000));
  cli.add_option("--seed", seed, "seed of the crate layout")->capture_default_str();
  cli.add_option("--scenario", scenario,
                 "arena: the demo arena with crates; cubes: the published cube scenario (900 cubes and a roller, "
                 "docs/benchmarks.md); large: a 120 x 120 m arena with the crates scattered all over it (see "
                 "--relevance-radius); clients must pass the same")
      ->capture_default_str()
      ->check(CLI::IsMember({"arena", "cubes", "large"}));
  cli.add_option("--relevance-radius", options.net.relevanceRadius,
                 "interest management: send each client only entities within this many metres of its player "
                 "(0: everything to everyone)")
      ->capture_default_str()
      ->check(app::finiteRange(0, 1e6));
  cli.add_option("--forward-full-rate-m", options.net.forwardFullRateMeters,
                 "with --relevance-radius: another client's player within this many metres of a client's own is "
                 "forwarded to it at every update")
      ->capture_default_str()
      ->check(app::finiteRange(0, 1e6));
  cli.add_option("--forward-falloff-m", options.net.forwardFalloffMeters,
                 "with --relevance-radius: beyond --forward-full-rate-m, a player d metres away is forwarded every "
                 "k-th update, k = (d / this)^2 as a power of two, at least about once a second (0: every update)")
      ->capture_default_str()
      ->check(app::finiteRange(0, 1e6));
  cli.add_option("--spawns-per-tick", options.net.spawnsPerTick,
                 "spawns of existing entities sent per tick to all joining clients together (paces joins); the "
                 "floor of the adaptive budget")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cli.add_option("--max-spawns-per-tick", options.net.maxSpawnsPerTick,
                 "ceiling of the adaptive join budget: it grows towards this while ticks have time to spare "
                 "(at or below --spawns-per-tick: a fixed budget)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cli.add_option("--join-tick-share", options.net.joinTickShare,
                 "share of a tick's time the adaptive join budget may fill")
      ->capture_default_str()
      ->check(app::finiteRange(0.01, 1));
  cli.add_option("--join-share-when-behind", options.net.joinShareWhenBehind,
                 "when the server is behind without its joins, the share of a tick sending spawns alone may take "
                 "(0: joins held at --spawns-per-tick while behind)")
      ->capture_default_str()
      ->check(app::finiteRange(0, 1));
  cli.add_option("--refresh-seconds", options.net.refreshSeconds,
                 "resend an unchanged, acknowledged entity once per this many seconds (0: never)")
      ->capture_default_str()
      ->check(app::finiteRange(0, 3600));
  cli.add_flag("--optimistic-baselines", options.net.optimisticBaselines,
               "code state against the newest block sent to a client, not only the newest it acknowledged "
               "(cheaper when acks are slow; on loss an entity waits about a round trip for its whole state)");
  cli.add_option("--forward-window-ms", options.net.forwardWindowMs,
                 "hold client-owned state due to one client at most this long and send it together (0: one "
                 "packet per update, at once)")
      ->capture_default_str()
      ->check(app::finiteRange(0, 1000));
  cli.add_flag("!--no-physics-thread", options.net.physicsThread,
               "step physics on this thread, before the tick's packets are written (default: on a thread of its "
               "own while they are written, where a second core is free)");
  cli.add_flag("--stagger-sends", options.net.staggerSends,
               "clients take turns across the ticks of a send period, so each tick writes its share of the "
               "packets beside its physics step (default: every client on the same ticks)");
  cli.add_option("--roll-seconds", rollSeconds, "cubes: the roller pushes for this long, then coasts (0: forever)")
      ->capture_default_str()
      ->check(app::finiteRange(0, 1e7));
  cli.add_option("--stats-json", statsPath, "write final statistics here (fields: see docs/architecture.md)");
  cli.add_option("--port-file", portFile, "write the bound UDP port to this file once listening");
  cli.add_flag("--status", status, "print a status line every second");
  // Running under an orchestrator (docs/deploy.md).
  std::string httpAddress, httpPortFile;
  app::AgonesOptions agonesOptions;
  double healthMaxGap = 1.0;
  cli.add_option("--empty-timeout", match.emptyTimeoutSeconds,
                 "end the match once the server has been empty this many seconds after its last client left "
                 "(0: never; a server nobody joined yet waits)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cli.add_option("--drain-seconds", match.drainSeconds,
                 "after SIGTERM (joins refused at once), let connected clients play on this long before the "
                 "goodbye; a second SIGTERM exits at once")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cli.add_option("--http", httpAddress,
                 "serve /healthz, /readyz and Prometheus /metrics on HOST:PORT (off by default; port 0: a free "
                 "one, see --http-port-file); e.g. 127.0.0.1:9090");
  cli.add_option("--http-port-file", httpPortFile, "write the bound HTTP port to this file once listening");
  cli.add_option("--health-max-gap", healthMaxGap,
                 "seconds without a finished tick after which /healthz fails and Agones Health calls stop")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cli.add_option("--agones-health-seconds", agonesOptions.healthSeconds,
                 "with AGONES_SDK_HTTP_PORT set (an Agones sidecar): seconds between Health calls")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cli.add_flag("--agones-player-tracking", agonesOptions.playerTracking,
               "also report players with Agones' alpha player-tracking calls (needs its PlayerTracking gate)");
  cli.add_flag("--debug-stall-signal", match.stallOnUsr1,
               "testing: SIGUSR1 holds the game loop until the next SIGUSR1 (to see health checks fail)");
  bool describeTypes = false;
  cli.add_flag("--describe-types", describeTypes,
               "print every entity type's state schema (each field's bits, range and step) and exit");
  app::addSimOptions(cli, options.sim);
  app::DiscoveryOptions discoveryOptions;
  app::addDiscoveryOptions(cli, discoveryOptions);
  std::string& logLevel = app::addStandardOptions(cli, "ferrum-server", "info");
  if (int code = 0; !app::parseCommandLine(cli, argc, argv, code)) return code;
  game::parseScenario(scenario, options.scenario); // checked by CLI11 above
  if (describeTypes) {
    std::fputs(ferrum::describeTypes(game::demoHostDef(options.scenario).types).c_str(), stdout);
    return 0;
  }

  std::string error;
  if (!app::applyLogLevel(logLevel, error) || !(error = options.net.validate()).empty()) {
    std::fprintf(stderr, "ferrum-server: %s\n", error.c_str());
    return 2;
  }
  // At once, not when the loop starts: a SIGTERM while starting up must drain, not kill.
  app::server_signals::install(match.stallOnUsr1);
  options.enet.maxLinks = static_cast<size_t>(options.net.maxClients) + 8; // room to refuse politely
  auto peer = app::createHost(options, error);
  if (!peer) {
    std::fprintf(stderr, "ferrum-server: %s\n", error.c_str());
    return 1;
  }
  spdlog::info("listening on {}:{} ({} Hz ticks, {} Hz sends, protocol {})", options.enet.bindHost,
               peer->port(), options.net.tickHz, options.net.sendHz, ferrum::protocolVersion());
  if (!portFile.empty()) {
    std::ofstream(portFile + ".tmp") << peer->port() << '\n';
    std::rename((portFile + ".tmp").c_str(), portFile.c_str());
  }
  if (options.scenario == game::Scenario::Cubes)
    game::spawnCubesScenario(peer->net(), rollSeconds);
  else if (options.scenario == game::Scenario::Large)
    game::scatterCrates(peer->net(), crates, seed, game::kLargeArenaHalfSize);
  else
    game::spawnCrates(peer->net(), crates, seed);
  auto discovery = app::DiscoveryService::start(discoveryOptions, *peer, 0);

  // The side door and the Agones sidecar see the loop only through the monitor.
  app::ServerMonitor monitor(*peer, healthMaxGap);
  std::unique_ptr<app::HttpSideDoor> http;
  if (!httpAddress.empty()) {
    std::string httpHost;
    uint16_t httpPort = 0;
    if (httpAddress.ends_with(":0")) { // parseHostPort refuses 0, which here means "pick one"
      httpHost = httpAddress.substr(0, httpAddress.size() - 2);
    } else if (!app::parseHostPort(httpAddress, httpHost, httpPort, error)) {
      std::fprintf(stderr, "ferrum-server: --http: %s\n", error.c_str());
      return 2;
    }
    http = app::HttpSideDoor::start(httpHost, httpPort, monitor, error);
    if (!http) {
      std::fprintf(stderr, "ferrum-server: %s\n", error.c_str());
      return 1;
    }
    spdlog::info("HTTP side door on {}:{} (/healthz /readyz /metrics)", httpHost, http->port());
    if (!httpPortFile.empty()) {
      std::ofstream(httpPortFile + ".tmp") << http->port() << '\n';
      std::rename((httpPortFile + ".tmp").c_str(), httpPortFile.c_str());
    }
  }
  const app::LoopHeartbeat& heartbeat = monitor.heartbeat();
  std::unique_ptr<app::AgonesClient> agones =
      app::AgonesClient::fromEnvironment([&heartbeat] { return heartbeat.onTime(ferrum::steadySeconds()); });
  std::optional<app::AgonesSession> agonesSession;
  if (agones) {
    monitor.setAgonesCounts([&agones] { return agones->counts(); });
    agonesSession.emplace(*agones, *peer, agonesOptions, heartbeat);
  }

  app::StatusLine line;
  app::Timeline timeline(*peer); // per-second samples for ferrum-demo's report
  app::MatchHooks hooks;
  hooks.everyTurn = [&] {
    if (discovery) discovery->poll(); // checked every loop turn, so answers go out within a tick
    timeline.poll();
    monitor.poll();
    if (agonesSession) agonesSession->poll();
  };
  hooks.everySecond = [&] {
    if (status) std::printf("%s\n", line.next(peer->net().stats(), peer->uptimeSeconds()).c_str()), std::fflush(stdout);
  };
  hooks.drainStarted = [&] { monitor.publish(); }; // /readyz fails from now on
  const app::MatchEnd end = app::runMatch(*peer, match, hooks);
  spdlog::info("match over: {}", app::matchEndName(end));

  // Statistics first: they describe the run, not the goodbye.
  monitor.publish();
  nlohmann::json doc = app::statsJson(*peer);
  doc["timeline"] = timeline.toJson();
  doc["matchEnd"] = app::matchEndName(end);
  peer->net().shutdown(); // goodbye: "draining" after a stop signal, else "server shut down"
  bool ok = true;
  if (!statsPath.empty() && !app::writeJson(statsPath, doc, error)) {
    std::fprintf(stderr, "ferrum-server: %s\n", error.c_str());
    ok = false;
  }
  if (agonesSession) agonesSession->matchEnded();
  return ok ? 0 : 1;
}
