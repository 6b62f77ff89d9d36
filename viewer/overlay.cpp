#include "viewer/overlay.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>


namespace viewer {

namespace {

float maxOf(const std::vector<float>& v, float floor) {
  float m = floor;
  for (float x : v) m = std::max(m, x);
  return m;
}

void row(const char* label, const char* fmt, auto... args) {
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  ImGui::TextUnformatted(label);
  ImGui::TableNextColumn();
  ImGui::Text(fmt, args...);
}

} // namespace

void Overlay::draw(const OverlayInput& in, OverlayState& state) {
  ImGui::SetNextWindowPos({10, 10}, ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSizeConstraints({320, 0}, {320, 10000});
  ImGui::SetNextWindowBgAlpha(0.78f);
  if (state.showStats && ImGui::Begin("ferrum", &state.showStats, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextColored({1.0f, 0.8f, 0.4f, 1}, "%s", in.title.c_str());
    if (!in.connection.empty()) ImGui::TextColored({1.0f, 0.45f, 0.35f, 1}, "%s", in.connection.c_str());
    const ferrum::NetStats& s = in.stats;
    const NetSample last = in.history.lastSecond();
    if (ImGui::BeginTable("net", 2, ImGuiTableFlags_SizingStretchProp)) {
      row("role / slot", "%s / %d", ferrum::roleName(s.role), static_cast<int>(s.self));
      row("tick", "%u", s.tick);
      row("RTT", "%.1f ms", static_cast<double>(meanRttMs(s)));
      if (in.lossRatio >= 0) row("loss", "%.1f %%", static_cast<double>(in.lossRatio * 100));
      else row("loss", "n/a");
      row("down", "%.1f kbit/s  %.0f pkt/s", static_cast<double>(last.kbitDown), static_cast<double>(last.packetsDown));
      row("up", "%.1f kbit/s  %.0f pkt/s", static_cast<double>(last.kbitUp), static_cast<double>(last.packetsUp));
      row("packet size", "%.0f B down, %.0f B up", static_cast<double>(in.history.bytesPerPacketDown()),
          static_cast<double>(in.history.bytesPerPacketUp()));
      row("entities", "%zu", s.liveEntities);
      row("peers", "%zu", static_cast<size_t>(std::count_if(s.peers.begin(), s.peers.end(),
                                                              [](const ferrum::PeerStats& p) { return p.connected; })));
      row("frame rate", "%.0f fps", static_cast<double>(in.fps));
      ImGui::EndTable();
    }
    drawGraphs(in.history);
    if (in.views && ImGui::CollapsingHeader("remote view", ImGuiTreeNodeFlags_DefaultOpen)) {
      drawRemoteView(*in.views);
      ImGui::Checkbox("ghosts (newest received pose)", &state.showGhosts);
    }
    if (ImGui::CollapsingHeader("counters", state.showCounters ? ImGuiTreeNodeFlags_DefaultOpen : 0))
      drawCounters(s);
    if (ImGui::CollapsingHeader("display")) {
      ImGui::Checkbox("labels and sound rings", &state.showLabels);
      ImGui::Checkbox("server list (F2)", &state.showServerList);
      ImGui::Checkbox("sound", &state.sound);
    }
    ImGui::Separator();
    ImGui::TextDisabled("WASD move, mouse look, space jump");
    if (in.legend)
      for (const std::string& line : *in.legend) ImGui::TextDisabled("%s", line.c_str());
    ImGui::TextDisabled("Esc: free the mouse; F1 overlay; F2 servers");
  }
  if (state.showStats) ImGui::End();
}

void Overlay::drawGraphs(const NetHistory& history) {
  const std::vector<float> down = history.series(&NetSample::kbitDown);
  const std::vector<float> up = history.series(&NetSample::kbitUp);
  const std::vector<float> rtt = history.series(&NetSample::rttMs);
  if (down.empty()) return;
  const float top = maxOf(down, maxOf(up, 10.0f)) * 1.15f;
  const float width = ImGui::GetContentRegionAvail().x;
  char caption[64];
  std::snprintf(caption, sizeof(caption), "down kbit/s (10 s, max %.0f)", static_cast<double>(top));
  ImGui::PlotLines("##down", down.data(), static_cast<int>(down.size()), 0, caption, 0, top, {width, 46});
  std::snprintf(caption, sizeof(caption), "up kbit/s");
  ImGui::PlotLines("##up", up.data(), static_cast<int>(up.size()), 0, caption, 0, top, {width, 46});
  const float rttTop = maxOf(rtt, 5.0f) * 1.15f;
  std::snprintf(caption, sizeof(caption), "RTT ms (max %.0f)", static_cast<double>(rttTop));
  ImGui::PlotLines("##rtt", rtt.data(), static_cast<int>(rtt.size()), 0, caption, 0, rttTop, {width, 46});
}

void Overlay::drawRemoteView(ferrum::EntityGroup& group) {
  ferrum::ViewSettings& settings = group.viewSettings();
  const std::optional<ferrum::ViewMode> kChoices[] = {std::nullopt, ferrum::ViewMode::Raw, ferrum::ViewMode::Interpolate,
                                                      ferrum::ViewMode::Extrapolate, ferrum::ViewMode::Predict};
  if (ImGui::BeginCombo("mode", ferrum::viewModeChoiceName(settings.mode))) {
    for (const auto& choice : kChoices)
      if (ImGui::Selectable(ferrum::viewModeChoiceName(choice), choice == settings.mode))
        settings.mode = choice; // takes effect next tick
    ImGui::EndCombo();
  }
  // It adapts in every mode, but only entities shown by interpolation wait for it.
  ImGui::Text("interpolation delay %.0f ms", group.viewTimeline().interpolationDelay * 1000);
  ImGui::Text("snaps %llu", static_cast<unsigned long long>(group.viewStats().snaps));
}

void Overlay::drawCounters(const ferrum::NetStats& stats) {
  const ferrum::NetCounters& c = stats.counters;
  if (!ImGui::BeginTable("counters", 4, ImGuiTableFlags_SizingStretchProp)) return;
  auto cell = [](const char* name, uint64_t value) {
    ImGui::TableNextColumn();
    ImGui::TextDisabled("%s", name);
    ImGui::TableNextColumn();
    ImGui::Text("%llu", static_cast<unsigned long long>(value));
  };
  cell("pkts in", c.packetsReceived);
  cell("pkts out", c.packetsSent);
  cell("spawns in", c.spawnsReceived);
  cell("spawns out", c.spawnsSent);
  cell("despawns", c.despawnsReceived);
  cell("blocks", c.blocksApplied);
  cell("forwarded", c.blocksForwarded);
  cell("corrected", c.correctionsApplied);
  cell("malformed", c.malformedBlocks);
  cell("joined", c.clientsJoined);
  cell("left", c.clientsLeft);
  cell("timed out", c.clientsTimedOut);
  cell("kicked", c.clientsKicked);
  cell("refused", c.connectionsRefused);
  ImGui::EndTable();
}

void Overlay::drawWorldLabels(const ferrum::EntityGroup& group, const EffectsView& effects, const Mat4& viewProj,
                              const std::function<std::string(const ferrum::Entity&)>& label,
                              const OverlayState& state) {
  if (!state.showLabels) return;
  ImDrawList* draw = ImGui::GetBackgroundDrawList();
  const ImVec2 size = ImGui::GetIO().DisplaySize;
  if (label) group.forEach([&](const ferrum::Entity& e) {
    const std::string tag = label(e);
    if (tag.empty()) return;
    const char* text = tag.c_str();
    const ferrum::Vec3 p = e.displayTransform().position + ferrum::Vec3{0, e.visual().size.y + e.visual().size.x + 0.35f, 0};
    float x = 0, y = 0;
    if (!projectToScreen(viewProj, p, size.x, size.y, x, y)) return;
    const ImVec2 extent = ImGui::CalcTextSize(text);
    const ImVec2 at{x - extent.x / 2, y - extent.y};
    draw->AddRectFilled({at.x - 4, at.y - 2}, {at.x + extent.x + 4, at.y + extent.y + 2}, IM_COL32(0, 0, 0, 140), 4);
    draw->AddText(at, IM_COL32(255, 255, 255, 255), text);
  });
  for (const SoundRing& r : effects.rings()) {
    float x = 0, y = 0;
    if (!projectToScreen(viewProj, r.position, size.x, size.y, x, y)) continue;
    const float t = r.age / r.life;
    const auto alpha = static_cast<int>(220 * (1 - t) * std::max(0.3f, r.volume));
    draw->AddCircle({x, y}, 12 + 70 * t, IM_COL32(120, 220, 255, alpha), 48, 3);
  }
}

} // namespace viewer
