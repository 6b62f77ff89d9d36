#pragma once
// The ImGui overlay: network figures (RTT, loss, kbit/s, packet sizes, entities, the
// NetManager counters), 10 s graphs of bandwidth and RTT, display toggles, the
// controls, and in-world labels (player tags, sound rings) projected onto the screen.

#include <functional>
#include <string>
#include <vector>

#include "ferrum/entity_group.h"
#include "ferrum/net_stats.h"
#include "viewer/effects_view.h"
#include "viewer/mat4.h"
#include "viewer/net_history.h"

namespace viewer {

struct OverlayState {
  bool showStats = true;
  bool showCounters = true;
  bool showLabels = true;
  bool showServerList = false;
  bool showGhosts = false; ///< remote entities' newest received poses, translucent
  bool sound = true;       ///< effects' sounds (silent anyway without an audio device)
};

struct OverlayInput {
  const ferrum::NetStats& stats;
  const NetHistory& history;
  float lossRatio = -1; ///< 0..1, or < 0 when unknown
  std::string title;    ///< "client of 127.0.0.1:27960", "listen server :27960", ...
  ferrum::EntityId localPlayer;
  float fps = 0;
  ferrum::EntityGroup* views = nullptr; ///< the peer's entities: the overlay shows their remote views and may change the mode
  const std::vector<std::string>* legend = nullptr; ///< the game's lines for the controls legend
  std::string connection; ///< non-empty: the link's state, shown prominently ("connecting to ...")
};

class Overlay {
public:
  /// Builds this frame's ImGui windows (between ImGui::NewFrame and ImGui::Render).
  void draw(const OverlayInput& in, OverlayState& state);
  /// Entity tags (from `label`; empty text: none) and sound rings over the 3D view.
  void drawWorldLabels(const ferrum::EntityGroup& group, const EffectsView& effects, const Mat4& viewProj,
                       const std::function<std::string(const ferrum::Entity&)>& label, const OverlayState& state);

private:
  void drawGraphs(const NetHistory& history);
  void drawCounters(const ferrum::NetStats& stats);
  void drawRemoteView(ferrum::EntityGroup& group);
};

} // namespace viewer
