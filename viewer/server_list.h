#pragma once
// The viewer's server browser: asks the LAN (discovery) and lists who answered.
// Joining another server means starting the viewer again with --connect; the list
// shows the exact address to use.

#include <string>

#include "ferrum/discovery.h"

namespace viewer {

class ServerList {
public:
  ServerList(std::string target, uint16_t port) : m_target(std::move(target)), m_port(port) {}
  /// Handles answers without blocking; call every frame.
  void poll();
  /// The window; `open` is cleared when the user closes it. Refreshes on first show.
  void draw(bool& open);

private:
  void refresh();
  std::string m_target;
  uint16_t m_port;
  ferrum::DiscoveryFinder m_finder;
  std::string m_error;
  bool m_asked = false;
};

} // namespace viewer
