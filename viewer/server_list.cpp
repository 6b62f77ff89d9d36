#include "viewer/server_list.h"

#include <imgui.h>

namespace viewer {

void ServerList::poll() {
  if (m_finder.active()) m_finder.poll(0);
}

void ServerList::refresh() {
  m_error.clear();
  m_asked = true;
  if (!m_finder.start(m_target, m_port, m_error)) return;
}

void ServerList::draw(bool& open) {
  if (!open) return;
  if (!m_asked) refresh();
  ImGui::SetNextWindowPos({360, 10}, ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize({460, 200}, ImGuiCond_FirstUseEver);
  if (!ImGui::Begin("LAN servers", &open)) {
    ImGui::End();
    return;
  }
  ImGui::Text("asking %s:%u", m_target.c_str(), static_cast<unsigned>(m_port));
  ImGui::SameLine();
  if (ImGui::Button("refresh")) refresh();
  if (!m_error.empty()) ImGui::TextColored({1, 0.4f, 0.4f, 1}, "%s", m_error.c_str());
  if (ImGui::BeginTable("servers", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("name");
    ImGui::TableSetupColumn("map");
    ImGui::TableSetupColumn("players");
    ImGui::TableSetupColumn("protocol");
    ImGui::TableSetupColumn("join with --connect");
    ImGui::TableHeadersRow();
    for (const ferrum::ServerInfo& s : m_finder.found()) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(s.name.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(s.map.c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%d / %d", s.players, s.maxPlayers);
      ImGui::TableNextColumn();
      ImGui::Text("%u", static_cast<unsigned>(s.protocol));
      ImGui::TableNextColumn();
      ImGui::Text("%s:%u", s.address.c_str(), static_cast<unsigned>(s.gamePort));
    }
    ImGui::EndTable();
  }
  if (m_finder.found().empty()) ImGui::TextDisabled("no answers yet");
  ImGui::End();
}

} // namespace viewer
