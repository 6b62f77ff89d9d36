// ferrum-client: joins a ferrum server; headless, its player driven by a bot. The
// interactive and LAN modes (--view, --host, --find) live in play_modes.cpp.

#include <spdlog/spdlog.h>

#include <cstdio>

#include "apps/common/cli.h"
#include "apps/common/latency_probe.h"
#include "apps/common/host_options.h"
#include "game/demo_game.h"
#include "apps/common/sim_options.h"
#include "apps/common/stats_json.h"
#include "apps/ferrum-client/play_modes.h"
#include "apps/common/status_line.h"
#include "apps/common/timeline.h"

int main(int argc, char** argv) {
  CLI::App cli{"ferrum-client: joins a ferrum server (headless, a bot driving its player), or with --view opens\n"
               "a window you play in, --host runs a listen server, --find lists LAN servers.\n"
               "Examples: ferrum-client --connect 127.0.0.1:27960 --duration 20\n"
               "          ferrum-client --view --connect 192.168.1.10:27960\n"
               "          ferrum-client --view --host\n"
               "          ferrum-client --find"};
  app::PeerOptions options;
  options.net.role = ferrum::Role::Client;
  std::string address = "127.0.0.1:27960";
  double duration = 0, idleLast = 0, joinTimeout = 10;
  uint32_t botSeed = 1;
  uint16_t protocol = 0;
  bool status = false, noPlayer = false;
  std::string statsPath, scenario = "arena";
  cli.add_option("--connect", address, "server to join, HOST:PORT")->capture_default_str();
  cli.add_option("--duration", duration, "seconds to run, then leave (0: until Ctrl-C)")
      ->capture_default_str()
      ->check(app::finiteRange(0, 1e7));
  cli.add_option("--join-timeout", joinTimeout, "give up if not joined within this many seconds")
      ->capture_default_str()
      ->check(app::finiteRange(0.1, 3600));
  cli.add_option("--tick-hz", options.net.tickHz, "simulation ticks per second")->capture_default_str();
  cli.add_option("--send-hz", options.net.sendHz, "state packets per second to the server (<= 30)")
      ->capture_default_str();
  cli.add_option("--bot-seed", botSeed, "seed of the bot driving our player")->capture_default_str();
  cli.add_option("--idle-last", idleLast, "the bot stands still for the last N seconds (lets the world settle)")
      ->capture_default_str()
      ->check(app::finiteRange(0, 1e7));
  cli.add_option("--stats-json", statsPath, "write final statistics here (fields: see docs/architecture.md)");
  cli.add_option("--protocol-version", protocol, "claim this protocol version (for testing refusals)");
  cli.add_flag("--status", status, "print a status line every second");
  cli.add_option("--scenario", scenario, "the server's scenario (arena, cubes or large): builds the same static world")
      ->capture_default_str()
      ->check(CLI::IsMember({"arena", "cubes", "large"}));
  std::string viewMode = ferrum::viewModeChoiceName(options.viewMode);
  cli.add_option("--view-mode", viewMode,
                 "how remote entities are shown: default (each type's own: see docs/architecture.md), raw, "
                 "interpolate, extrapolate or predict")
      ->capture_default_str();
  cli.add_flag("--no-player", noPlayer, "join as a spectator: no player (and no bot) of our own");
  app::addSimOptions(cli, options.sim);
  app::PlayOptions play;
  app::addPlayOptions(cli, play);
  std::string& logLevel = app::addStandardOptions(cli, "ferrum-client", "info");
  if (int code = 0; !app::parseCommandLine(cli, argc, argv, code)) return code;
  game::parseScenario(scenario, options.scenario); // checked by CLI11 above
  if (!ferrum::parseViewModeChoice(viewMode, options.viewMode)) {
    std::fprintf(stderr, "ferrum-client: --view-mode '%s' is not one of default, raw, interpolate, extrapolate, predict\n",
                 viewMode.c_str());
    return 2;
  }

  std::string error, host;
  uint16_t port = 0;
  if (!app::applyLogLevel(logLevel, error) || !app::parseHostPort(address, host, port, error) ||
      !(error = options.net.validate()).empty()) {
    std::fprintf(stderr, "ferrum-client: %s\n", error.c_str());
    return 2;
  }
  options.net.protocolOverride = protocol;
  if (app::wantsPlayMode(play)) return app::runPlayMode(play, {options, host, port, duration, botSeed, statsPath, joinTimeout});
  auto peer = app::createHost(options, error);
  if (!peer) {
    std::fprintf(stderr, "ferrum-client: %s\n", error.c_str());
    return 1;
  }
  std::optional<game::LocalPlayer> player;
  if (!noPlayer) player.emplace(peer->net(), botSeed);
  app::LatencyProbe latency(peer->net());
  app::Timeline timeline(*peer);
  if (!peer->connect(host, port)) {
    std::fprintf(stderr, "ferrum-client: cannot start connecting to %s\n", address.c_str());
    return 1;
  }
  const volatile bool& stop = app::installStopSignals();
  app::StatusLine line;
  app::PlayerTracker tracker;
  const double start = ferrum::steadySeconds();
  peer->run(
      duration,
      [&] {
        const double elapsed = ferrum::steadySeconds() - start;
        tracker.sample(peer->group());
        timeline.poll();
        if (player && player->bot() && idleLast > 0 && duration > 0)
          player->bot()->setIdle(elapsed >= duration - idleLast);
        if (peer->disconnected()) return true; // said below: refused, lost, or the server ended the game
        // Never welcomed (not: no longer joined; a server that ended the match is not a join failure).
        if (peer->net().localPeer() == ferrum::kNoPeer && elapsed > joinTimeout) {
          error = "not joined after " + std::to_string(joinTimeout) + " s";
          return true;
        }
        return static_cast<bool>(stop);
      },
      [&] {
        if (status) std::printf("%s\n", line.next(peer->net().stats(), peer->uptimeSeconds()).c_str()), std::fflush(stdout);
      });

  nlohmann::json doc = app::statsJson(*peer);
  doc["grenadesThrown"] = player ? player->grenadesThrown() : 0;
  doc["latencyProbe"] = latency.toJson();
  doc["timeline"] = timeline.toJson();
  const bool everJoined = peer->net().localPeer() != ferrum::kNoPeer;
  const bool lost = peer->disconnected();
  const std::string reason = peer->net().disconnectReason();
  peer->net().shutdown();
  std::string writeError;
  if (!statsPath.empty() && !app::writeJson(statsPath, doc, writeError) && error.empty()) error = writeError;
  if (!app::writePlayersJson(play.playersJson, tracker, writeError) && error.empty()) error = writeError;
  // Exit codes (README): 0 when the server itself ended the game (its match is over,
  // it is draining) - say why; 1 whenever the run did not do what was asked.
  if (error.empty() && lost && peer->net().serverEndedGame())
    std::fprintf(stderr, "ferrum-client: the server ended the game: %s\n", reason.c_str());
  else if (error.empty() && lost)
    error = (everJoined ? "server lost: " : "could not join: ") + (reason.empty() ? "no reason given" : reason);
  if (error.empty() && !everJoined) error = "never joined";
  if (!error.empty()) {
    std::fprintf(stderr, "ferrum-client: %s\n", error.c_str());
    return app::kExitFailure;
  }
  return app::kExitDone;
}
