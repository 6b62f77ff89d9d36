#pragma once
// ferrum's viewer: a window onto any game's Host. It draws the level (the physics
// world's static bodies) and every entity from its Visual where its remote view shows
// it, the effects (lights, shells, sparks, synthesized sounds), ghosts of the newest
// received poses, and an ImGui overlay with the network figures. The game adds what
// is its own through ViewerHooks: which entity the camera follows, what WASD and a
// click do, labels and the controls legend. Opening it takes a few lines:
//
//     viewer::ViewerHooks hooks;
//     hooks.host = host.get();
//     std::string error;
//     viewer::runViewer({}, hooks, error);
//
// It drives the host itself, on a thread of its own (viewer/net_thread.h): ticks run
// and packets are read and acknowledged at their own pace however slowly the window
// draws. The hooks run on the caller's thread, once per frame, holding the host's lock,
// so they may touch the host and the game freely; the host's signals (onTick...) run on
// the network thread, also under that lock. Nothing else may touch the host while
// runViewer runs.

#include <functional>
#include <string>
#include <vector>

#include "ferrum/host.h"

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
  /// Test hook: every frame's drawing takes this many ms longer (blocks, as software GL
  /// on a loaded machine does), to check the link survives a slow frame rate.
  int slowFrameMs = 0;
  std::string discoveryTarget = "255.255.255.255";
  uint16_t discoveryPort = 27961;
};

/// What the keyboard asks for this frame: a direction on the ground in world x / z
/// (-1..1 each, already turned to where the camera looks: W is "away from the
/// camera") and jump (space).
struct MoveInput {
  float moveX = 0;
  float moveZ = 0;
  bool jump = false;
};

/// What the viewer needs from the game. Only `host` is required.
struct ViewerHooks {
  ferrum::Host* host = nullptr; ///< the peer to show and drive; must outlive runViewer
  /// The entity the camera follows and WASD drives (null id: free overview camera).
  std::function<ferrum::EntityId()> localPlayer;
  /// Called every frame with the input built from the keyboard.
  std::function<void(const MoveInput&)> setInput;
  /// Left click (mouse captured): the game's action along `aim` (unit vector, world
  /// space, where the camera looks), e.g. a throw.
  std::function<void(ferrum::Vec3 aim)> primaryAction;
  /// Extra lines for the overlay's controls legend (e.g. "left click: throw a grenade").
  std::vector<std::string> controlsLegend;
  /// A tag drawn over an entity (empty: none), e.g. "player 2".
  std::function<std::string(const ferrum::Entity&)> label;
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
