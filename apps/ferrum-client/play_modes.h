#pragma once
// ferrum-client's interactive and LAN modes, kept apart from the headless bot client:
//   --view               a window onto the game (viewer/), a person drives the player
//   --host               listen server: a server plus the host's own player in this
//                        process (with --view: playable; without: a bot plays)
//   --find               list the LAN servers that answer discovery, then exit

#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

#include "apps/common/discovery_service.h"
#include "apps/common/host_options.h"
#include "apps/common/player_tracker.h"

namespace app {

struct PlayOptions {
  bool view = false;
  bool host = false;
  bool find = false;
  bool bot = false; ///< --view: a bot drives our player instead of the keyboard
  bool ghosts = false; ///< --view: draw the newest received pose of remote entities
  bool mute = false;   ///< --view: no sound
  std::string screenshot;
  int frames = 120;
  double explosionWait = 0;
  int width = 1280, height = 720;
  int slowFrameMs = 0; ///< test hook: each frame takes this much longer
  std::string findAddress = "255.255.255.255";
  int findPort = ferrum::kDefaultDiscoveryPort;
  double findTimeout = 1.0;
  uint16_t hostPort = 27960;
  std::string hostBind = "0.0.0.0";
  std::string portFile;
  int crates = 50;
  uint32_t seed = 1;
  DiscoveryOptions discovery;
  std::string playersJson;
};

void addPlayOptions(CLI::App& cli, PlayOptions& options);
inline bool wantsPlayMode(const PlayOptions& o) { return o.view || o.host || o.find; }

/// What the plain client options already hold.
struct ClientBasics {
  PeerOptions peer;
  std::string host;
  uint16_t port = 0;
  double duration = 0;
  uint32_t botSeed = 1;
  std::string statsPath;
  double joinTimeout = 10; ///< s: a window still not welcomed after this gives up
};

/// Runs the chosen mode; returns the process exit code.
int runPlayMode(const PlayOptions& play, const ClientBasics& basics);

/// Writes the tracker's players to `path` (if non-empty); false on failure.
bool writePlayersJson(const std::string& path, const PlayerTracker& tracker, std::string& error);

} // namespace app
