#pragma once
// The viewer's window and loop: SDL2 window with an OpenGL 3.3 core context, the
// scene, the ImGui overlay, keyboard and mouse input for the local player, and an
// optional screenshot after N frames. It drives the NetManager itself (frame(now),
// then waits on the transport until the next frame is due) so one thread does all.

#include <functional>
#include <string>

#include "ferrum/effects.h"
#include "ferrum/net_manager.h"
#include "game/player_controller.h"

namespace viewer {

struct ViewerOptions {
  int width = 1280;
  int height = 720;
  std::string title = "ferrum";
  std::string screenshotPath; ///< non-empty: write a PNG after `frames` frames, then return
  int frames = 120;
  /// After `frames`, keep going up to this many seconds until an explosion is on
  /// screen, so a picture of the game shows one (0: take the shot at once).
  double explosionWaitSeconds = 0;
  double durationSeconds = 0; ///< 0: until the window closes
  bool ghosts = false;         ///< start with ghosts (newest received poses) shown
  bool sound = true;           ///< play effects' sounds (needs an audio device; else silent)
  std::string discoveryTarget = "255.255.255.255";
  uint16_t discoveryPort = 27961;
};

/// What the viewer needs from the app. Only `net` and `effects` are required.
struct ViewerHooks {
  ferrum::NetManager* net = nullptr;
  ferrum::Effects* effects = nullptr;
  /// The entity the camera follows and WASD drives (null id: free overview camera).
  std::function<ferrum::EntityId()> localPlayer;
  /// Called every frame with the input built from keyboard and mouse.
  std::function<void(const game::PlayerInput&)> setInput;
  /// Left click: throw a grenade along `aim` (unit vector, world space).
  std::function<void(ferrum::Vec3 aim)> throwGrenade;
  /// Transport loss estimate 0..1 (absent or negative: shown as n/a).
  std::function<float()> lossRatio;
  /// Runs once per frame after the network (discovery answers, trackers...).
  std::function<void()> everyFrame;
  /// True ends the loop (signals, link lost...).
  std::function<bool()> stop;
};

/// Opens the window and runs until it closes, `stop` says so, the duration ends, or the
/// screenshot is written. Returns false (with a message) if the window, the GL context
/// or the screenshot fails.
bool runViewer(const ViewerOptions& options, const ViewerHooks& hooks, std::string& error);

} // namespace viewer
