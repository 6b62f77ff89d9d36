#include "apps/ferrum-client/play_modes.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <fstream>

#include "game/demo_game.h"
#include "apps/common/stats_json.h"
#include "viewer/viewer.h"

namespace app {

void addPlayOptions(CLI::App& cli, PlayOptions& o) {
  cli.add_flag("--view", o.view, "open a window onto the game; you drive the player (WASD, mouse, space, click)");
  cli.add_option("--screenshot", o.screenshot, "with --view: write a PNG after --frames frames, then exit");
  cli.add_option("--frames", o.frames, "frames to render before --screenshot")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  cli.add_option("--screenshot-explosion-wait", o.explosionWait,
                 "after --frames, wait up to this many seconds for a grenade explosion to be on screen")
      ->capture_default_str()
      ->check(finiteRange(0, 3600));
  cli.add_option("--width", o.width, "window width (pixels)")->capture_default_str()->check(CLI::Range(64, 16384));
  cli.add_option("--height", o.height, "window height (pixels)")->capture_default_str()->check(CLI::Range(64, 16384));
  cli.add_option("--slow-frame-ms", o.slowFrameMs,
                 "with --view, for testing: every frame blocks this many ms longer (as slow software GL does)")
      ->capture_default_str()
      ->check(CLI::Range(0, 10000));
  cli.add_flag("--bot", o.bot, "with --view: a bot drives the player (watch it play)");
  cli.add_flag("--ghosts", o.ghosts,
               "with --view: also draw each remote entity where its newest state says (translucent), to see "
               "what the remote view smooths (also a checkbox in the window)");
  cli.add_flag("--mute", o.mute, "with --view: no sound (explosions, sparks and bounces are synthesized; "
                                 "without an audio device the window is silent anyway)");
  cli.add_flag("--host", o.host, "listen server: run a server and your own player in this process "
                                  "(others join over UDP; without --view a bot plays the host)");
  cli.add_option("--port", o.hostPort, "with --host: UDP port to listen on (0: a free one, see --port-file)")
      ->capture_default_str();
  cli.add_option("--bind", o.hostBind, "with --host: IPv4 address to listen on")->capture_default_str();
  cli.add_option("--port-file", o.portFile, "with --host: write the bound UDP port here once listening");
  cli.add_option("--crates", o.crates, "with --host: crates to drop into the arena")
      ->capture_default_str()
      ->check(CLI::Range(0, 2000));
  cli.add_option("--seed", o.seed, "with --host: seed of the crate layout")->capture_default_str();
  addDiscoveryOptions(cli, o.discovery);
  cli.add_flag("--find", o.find, "list the ferrum servers on the LAN (discovery), then exit");
  cli.add_option("--find-address", o.findAddress, "where --find (and the viewer's server list) asks")
      ->capture_default_str();
  cli.add_option("--find-port", o.findPort, "discovery port servers answer on")
      ->capture_default_str()
      ->check(CLI::Range(1, 65535));
  cli.add_option("--find-timeout", o.findTimeout, "seconds --find waits for answers")->capture_default_str();
  cli.add_option("--players-json", o.playersJson, "write every player seen and how far it moved here");
}

bool writePlayersJson(const std::string& path, const PlayerTracker& tracker, std::string& error) {
  if (path.empty()) return true;
  return writeJson(path, nlohmann::json{{"players", tracker.toJson()}}, error);
}

namespace {

int runFind(const PlayOptions& play) {
  std::vector<ferrum::ServerInfo> found;
  std::string error;
  if (!ferrum::findServers(play.findAddress, static_cast<uint16_t>(play.findPort), play.findTimeout, found, error)) {
    std::fprintf(stderr, "ferrum-client: %s\n", error.c_str());
    return 1;
  }
  if (found.empty()) {
    std::printf("no ferrum servers answered at %s:%d within %.1f s\n", play.findAddress.c_str(), play.findPort,
                play.findTimeout);
    return 0;
  }
  std::printf("%-24s %-22s %-8s %-8s %s\n", "name", "join with --connect", "players", "map", "protocol");
  for (const ferrum::ServerInfo& s : found) {
    const std::string address = s.address + ":" + std::to_string(s.gamePort);
    std::printf("%-24s %-22s %3d/%-4d %-8s %u%s\n", s.name.c_str(), address.c_str(), s.players, s.maxPlayers,
                s.map.c_str(), static_cast<unsigned>(s.protocol),
                s.protocol == ferrum::protocolVersion() ? "" : " (incompatible)");
  }
  std::fflush(stdout);
  return 0;
}

viewer::ViewerOptions viewerOptions(const PlayOptions& play, const ClientBasics& basics, std::string title) {
  viewer::ViewerOptions v;
  v.width = play.width;
  v.height = play.height;
  v.title = std::move(title);
  v.screenshotPath = play.screenshot;
  v.frames = play.frames;
  v.explosionWaitSeconds = play.explosionWait;
  v.ghosts = play.ghosts;
  v.slowFrameMs = play.slowFrameMs;
  v.sound = !play.mute;
  v.durationSeconds = basics.duration;
  v.discoveryTarget = play.findAddress;
  v.discoveryPort = static_cast<uint16_t>(play.findPort);
  return v;
}

/// Final statistics and the players file; false if either cannot be written.
bool writeOutputs(ferrum::Host& peer, const ClientBasics& basics, const PlayOptions& play, const PlayerTracker& tracker) {
  std::string error;
  if (!basics.statsPath.empty() && !writeJson(basics.statsPath, statsJson(peer), error)) {
    std::fprintf(stderr, "ferrum-client: %s\n", error.c_str());
    return false;
  }
  if (!writePlayersJson(play.playersJson, tracker, error)) {
    std::fprintf(stderr, "ferrum-client: %s\n", error.c_str());
    return false;
  }
  return true;
}

/// The demo game's part of the viewer: the camera follows our player, WASD and space
/// drive it (unless a bot does), a click throws a grenade, players wear name tags.
viewer::ViewerHooks demoViewerHooks(ferrum::Host& host, game::LocalPlayer& player, bool personDrives) {
  viewer::ViewerHooks hooks;
  hooks.host = &host;
  hooks.localPlayer = [&player] { return player.id(); };
  if (personDrives)
    hooks.setInput = [&player](const viewer::MoveInput& in) { player.setInput({in.moveX, in.moveZ, in.jump}); };
  hooks.primaryAction = [&player](ferrum::Vec3 aim) { player.throwGrenade(aim); };
  hooks.controlsLegend = {"left click: throw a grenade"};
  hooks.label = [&player](const ferrum::Entity& e) -> std::string {
    if (e.type() != game::kPlayerType) return {};
    if (e.id() == player.id()) return "you";
    if (e.authority() == ferrum::kServerPeer) return "host";
    return "player " + std::to_string(e.authority());
  };
  return hooks;
}

int runHost(const PlayOptions& play, const ClientBasics& basics) {
  PeerOptions options = basics.peer;
  options.net.role = ferrum::Role::Server;
  options.enet.bindHost = play.hostBind;
  options.enet.port = play.hostPort;
  options.enet.maxLinks = static_cast<size_t>(options.net.maxClients) + 8;
  std::string error;
  auto peer = createHost(options, error);
  if (!peer) {
    std::fprintf(stderr, "ferrum-client: %s\n", error.c_str());
    return 1;
  }
  const uint16_t port = peer->port();
  spdlog::info("listen server on {}:{} (protocol {})", play.hostBind, port, ferrum::protocolVersion());
  if (!play.portFile.empty()) {
    std::ofstream(play.portFile + ".tmp") << port << '\n';
    std::rename((play.portFile + ".tmp").c_str(), play.portFile.c_str());
  }
  game::spawnCrates(peer->net(), play.crates, play.seed);
  const bool botPlays = !play.view || play.bot;
  game::LocalPlayer player(peer->net(), botPlays ? std::optional<uint32_t>(basics.botSeed) : std::nullopt);
  auto discovery = DiscoveryService::start(play.discovery, *peer, 1);
  PlayerTracker tracker;
  const volatile bool& stop = installStopSignals();
  const auto everyFrame = [&] {
    if (discovery) discovery->poll();
    tracker.sample(peer->group());
  };

  bool ok = true;
  if (play.view) {
    viewer::ViewerHooks hooks = demoViewerHooks(*peer, player, !botPlays);
    hooks.everyFrame = everyFrame;
    hooks.stop = [&] { return static_cast<bool>(stop); };
    ok = viewer::runViewer(viewerOptions(play, basics, "listen server :" + std::to_string(port)), hooks, error);
  } else {
    peer->run(
        basics.duration,
        [&] {
          everyFrame();
          return static_cast<bool>(stop);
        },
        nullptr);
  }
  ok = writeOutputs(*peer, basics, play, tracker) && ok;
  peer->net().shutdown();
  if (!error.empty()) std::fprintf(stderr, "ferrum-client: %s\n", error.c_str());
  return ok ? 0 : 1;
}

int runViewClient(const PlayOptions& play, const ClientBasics& basics) {
  std::string error;
  auto peer = createHost(basics.peer, error);
  if (!peer) {
    std::fprintf(stderr, "ferrum-client: %s\n", error.c_str());
    return 1;
  }
  game::LocalPlayer player(peer->net(), play.bot ? std::optional<uint32_t>(basics.botSeed) : std::nullopt);
  if (!peer->connect(basics.host, basics.port)) {
    std::fprintf(stderr, "ferrum-client: cannot start connecting to %s:%u\n", basics.host.c_str(), basics.port);
    return 1;
  }
  PlayerTracker tracker;
  const volatile bool& stop = installStopSignals();
  viewer::ViewerHooks hooks = demoViewerHooks(*peer, player, !play.bot);
  // A client's transport has one link, the server, and it is the first it made.
  hooks.lossRatio = [&] { return peer->transport().stats(1).lossRatio; };
  hooks.everyFrame = [&] { tracker.sample(peer->group()); };
  bool gaveUp = false; // --join-timeout holds for the window too
  hooks.stop = [&] {
    if (!peer->joined() && peer->net().localPeer() == ferrum::kNoPeer && peer->uptimeSeconds() > basics.joinTimeout)
      gaveUp = true;
    return stop || gaveUp || peer->net().disconnected();
  };
  const std::string title = "client of " + basics.host + ":" + std::to_string(basics.port);
  bool ok = viewer::runViewer(viewerOptions(play, basics, title), hooks, error);
  if (gaveUp) {
    std::fprintf(stderr, "ferrum-client: not joined after %g s (--join-timeout)\n", basics.joinTimeout);
    ok = false;
  } else if (peer->net().disconnected() && peer->net().serverEndedGame()) {
    std::fprintf(stderr, "ferrum-client: the server ended the game: %s\n", peer->net().disconnectReason().c_str());
  } else if (peer->net().disconnected()) { // losing the server is a failure, whatever the window did
    const bool everJoined = peer->net().localPeer() != ferrum::kNoPeer;
    std::fprintf(stderr, "ferrum-client: %s: %s\n", everJoined ? "server lost" : "could not join",
                 peer->net().disconnectReason().c_str());
    ok = false;
  }
  ok = writeOutputs(*peer, basics, play, tracker) && ok;
  peer->net().shutdown();
  if (!error.empty()) std::fprintf(stderr, "ferrum-client: %s\n", error.c_str());
  return ok ? 0 : 1;
}

} // namespace

int runPlayMode(const PlayOptions& play, const ClientBasics& basics) {
  if (play.find) return runFind(play);
  if (play.host) return runHost(play, basics);
  return runViewClient(play, basics);
}

} // namespace app
