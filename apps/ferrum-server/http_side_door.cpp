#include "apps/ferrum-server/http_side_door.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <fmt/format.h>

#include <chrono>

#include "apps/ferrum-server/metrics_text.h"

namespace app {

std::unique_ptr<HttpSideDoor> HttpSideDoor::start(const std::string& host, uint16_t port, const ServerMonitor& monitor,
                                                  std::string& error) {
  auto door = std::unique_ptr<HttpSideDoor>(new HttpSideDoor());
  door->m_server = std::make_unique<httplib::Server>();
  httplib::Server& server = *door->m_server;
  // Two workers are plenty for a probe and a scraper; the library's default is one per core or more.
  server.new_task_queue = [] { return new httplib::ThreadPool(2); };

  // Alive = the game loop is ticking on time. A stuck loop must fail this even
  // though these threads still answer.
  server.Get("/healthz", [&monitor](const httplib::Request&, httplib::Response& res) {
    const LoopHeartbeat& beat = monitor.heartbeat();
    const double age = beat.age(ferrum::steadySeconds());
    if (beat.onTime(ferrum::steadySeconds())) {
      res.set_content(fmt::format("ok: last tick {:.3f} s ago\n", age), "text/plain");
    } else {
      res.status = 503;
      res.set_content(age < 0 ? std::string("not ticking yet\n")
                              : fmt::format("stalled: last tick {:.3f} s ago (limit {} s)\n", age, beat.maxGap()),
                      "text/plain");
    }
  });
  // Ready = listening and accepting joins: not draining, not full.
  server.Get("/readyz", [&monitor](const httplib::Request&, httplib::Response& res) {
    const ServerSnapshot s = monitor.latest();
    const char* why = s.draining ? "draining" : s.clients >= static_cast<size_t>(s.maxClients) ? "full" : nullptr;
    if (why) res.status = 503;
    res.set_content(fmt::format("{}: {} of {} clients\n", why ? why : "ready", s.clients, s.maxClients), "text/plain");
  });
  server.Get("/metrics", [&monitor](const httplib::Request&, httplib::Response& res) {
    res.set_content(metricsText(monitor.latest(), monitor.heartbeat().age(ferrum::steadySeconds())),
                    "text/plain; version=0.0.4; charset=utf-8");
  });

  int bound = port;
  if (port == 0) {
    bound = server.bind_to_any_port(host);
  } else if (!server.bind_to_port(host, port)) {
    bound = -1;
  }
  if (bound <= 0) {
    error = fmt::format("cannot listen for HTTP on {}:{}", host, port);
    return nullptr;
  }
  door->m_port = static_cast<uint16_t>(bound);
  door->m_thread = std::thread([&server] { server.listen_after_bind(); });
  // stop() is a no-op until the accept loop runs: wait for it, so the destructor can never hang.
  for (int i = 0; i < 5000 && !server.is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return door;
}

HttpSideDoor::~HttpSideDoor() {
  m_server->stop();
  if (m_thread.joinable()) m_thread.join();
}

} // namespace app
