#pragma once
// ferrum-server's HTTP side door (--http HOST:PORT, off by default), for the machines
// that run the server rather than the players: /healthz, /readyz and /metrics. It
// serves from its own threads (cpp-httplib) and reads only the ServerMonitor's
// snapshot and heartbeat, so a scrape never touches, locks or slows the game loop,
// and a stalled loop shows up as a failing /healthz instead of a hanging one.

#include <memory>
#include <string>
#include <thread>

#include "apps/ferrum-server/server_monitor.h"

namespace httplib {
class Server;
}

namespace app {

class HttpSideDoor {
public:
  /// Listens on host:port (0: a free port; see port()) and serves until destroyed.
  /// nullptr and `error` if the address cannot be bound.
  static std::unique_ptr<HttpSideDoor> start(const std::string& host, uint16_t port, const ServerMonitor& monitor,
                                             std::string& error);
  ~HttpSideDoor();
  HttpSideDoor(const HttpSideDoor&) = delete;
  HttpSideDoor& operator=(const HttpSideDoor&) = delete;

  uint16_t port() const { return m_port; }

private:
  HttpSideDoor() = default;
  std::unique_ptr<httplib::Server> m_server;
  std::thread m_thread;
  uint16_t m_port = 0;
};

} // namespace app
