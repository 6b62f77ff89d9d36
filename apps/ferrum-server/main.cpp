// ferrum-server: a headless dedicated server for the demo arena.

#include <spdlog/spdlog.h>

#include <cstdio>
#include <fstream>

#include "apps/common/cli.h"
#include "apps/common/discovery_service.h"
#include "apps/common/host_options.h"
#include "game/demo_game.h"
#include "apps/common/sim_options.h"
#include "apps/common/stats_json.h"
#include "apps/common/status_line.h"
#include "apps/common/timeline.h"
#include "game/cubes_scenario.h"

int main(int argc, char** argv) {
  CLI::App cli{"ferrum-server: headless server for the ferrum demo arena (crates under server authority, players "
               "under their clients'); answers LAN discovery (ferrum-client --find) on UDP 27961.\n"
               "Example: ferrum-server --bind 127.0.0.1 --port 27960 --duration 30"};
  app::PeerOptions options;
  options.net.role = ferrum::Role::Server;
  options.enet.bindHost = "0.0.0.0";
  options.enet.port = 27960;
  double duration = 0;
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
  cli.add_option("--duration", duration, "seconds to run, then exit (0: until Ctrl-C)")
      ->capture_default_str()
      ->check(app::finiteRange(0, 1e7));
  cli.add_option("--crates", crates, "crates to drop into the arena")->capture_default_str()->check(CLI::Range(0, 2000));
  cli.add_option("--seed", seed, "seed of the crate layout")->capture_default_str();
  cli.add_option("--scenario", scenario,
                 "arena: the demo arena with crates; cubes: the published cube scenario (900 cubes and a roller, "
                 "docs/benchmarks.md); clients must pass the same")
      ->capture_default_str()
      ->check(CLI::IsMember({"arena", "cubes"}));
  cli.add_option("--refresh-seconds", options.net.refreshSeconds,
                 "resend an unchanged, acknowledged entity once per this many seconds (0: never)")
      ->capture_default_str()
      ->check(app::finiteRange(0, 3600));
  cli.add_option("--roll-seconds", rollSeconds, "cubes: the roller pushes for this long, then coasts (0: forever)")
      ->capture_default_str()
      ->check(app::finiteRange(0, 1e7));
  cli.add_option("--stats-json", statsPath, "write final statistics here (fields: see docs/architecture.md)");
  cli.add_option("--port-file", portFile, "write the bound UDP port to this file once listening");
  cli.add_flag("--status", status, "print a status line every second");
  app::addSimOptions(cli, options.sim);
  app::DiscoveryOptions discoveryOptions;
  app::addDiscoveryOptions(cli, discoveryOptions);
  std::string& logLevel = app::addStandardOptions(cli, "ferrum-server", "info");
  if (int code = 0; !app::parseCommandLine(cli, argc, argv, code)) return code;
  game::parseScenario(scenario, options.scenario); // checked by CLI11 above

  std::string error;
  if (!app::applyLogLevel(logLevel, error) || !(error = options.net.validate()).empty()) {
    std::fprintf(stderr, "ferrum-server: %s\n", error.c_str());
    return 2;
  }
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
  else
    game::spawnCrates(peer->net(), crates, seed);
  auto discovery = app::DiscoveryService::start(discoveryOptions, *peer, 0);

  const volatile bool& stop = app::installStopSignals();
  app::StatusLine line;
  app::Timeline timeline(*peer); // per-second samples for ferrum-demo's report
  peer->run(
      duration,
      [&] {
        if (discovery) discovery->poll(); // checked every loop turn, so answers go out within a tick
        timeline.poll();
        return stop;
      },
      [&] {
        if (status) std::printf("%s\n", line.next(peer->net().stats(), peer->uptimeSeconds()).c_str()), std::fflush(stdout);
      });

  // Statistics first: they describe the run, not the goodbye.
  nlohmann::json doc = app::statsJson(*peer);
  doc["timeline"] = timeline.toJson();
  peer->net().shutdown();
  if (!statsPath.empty() && !app::writeJson(statsPath, doc, error)) {
    std::fprintf(stderr, "ferrum-server: %s\n", error.c_str());
    return 1;
  }
  return 0;
}
