#include "apps/ferrum-server/agones_client.h"

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace app {

namespace {
// A sidecar that stops answering must not let calls pile up without end.
constexpr size_t kMaxQueued = 256;
} // namespace

std::unique_ptr<AgonesClient> AgonesClient::fromEnvironment(std::function<bool()> loopOnTime) {
  const char* text = std::getenv("AGONES_SDK_HTTP_PORT");
  if (!text) return nullptr;
  unsigned port = 0;
  const char* end = text + std::strlen(text);
  auto [last, ec] = std::from_chars(text, end, port);
  if (ec != std::errc() || last != end || port == 0 || port > 65535) {
    spdlog::error("AGONES_SDK_HTTP_PORT='{}' is not a port: not talking to Agones", text);
    return nullptr;
  }
  // The sidecar listens on localhost; the address, not the name, avoids trying ::1 first.
  return std::make_unique<AgonesClient>("127.0.0.1", static_cast<uint16_t>(port), std::move(loopOnTime));
}

AgonesClient::AgonesClient(std::string host, uint16_t port, std::function<bool()> loopOnTime)
    : m_host(std::move(host)), m_port(port), m_loopOnTime(std::move(loopOnTime)), m_worker([this] { work(); }) {}

AgonesClient::~AgonesClient() {
  flush(5.0);
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
    m_queue.clear();
  }
  m_changed.notify_all();
  m_worker.join();
}

void AgonesClient::ready() {
  enqueue({"POST", "/ready", "{}"});
}
void AgonesClient::health() {
  enqueue({"POST", "/health", "{}", true});
}
void AgonesClient::shutdown() {
  enqueue({"POST", "/shutdown", "{}"});
}
void AgonesClient::setLabel(const std::string& key, const std::string& value) {
  enqueue({"PUT", "/metadata/label", nlohmann::json{{"key", key}, {"value", value}}.dump()});
}
void AgonesClient::setPlayerCapacity(int count) {
  enqueue({"PUT", "/alpha/player/capacity", nlohmann::json{{"count", count}}.dump()});
}
void AgonesClient::playerConnect(const std::string& id) {
  enqueue({"POST", "/alpha/player/connect", nlohmann::json{{"playerID", id}}.dump()});
}
void AgonesClient::playerDisconnect(const std::string& id) {
  enqueue({"POST", "/alpha/player/disconnect", nlohmann::json{{"playerID", id}}.dump()});
}

AgonesCounts AgonesClient::counts() const {
  return {m_ok.load(), m_failed.load(), m_skipped.load()};
}

void AgonesClient::enqueue(Call call) {
  {
    std::lock_guard lock(m_mutex);
    if (m_queue.size() >= kMaxQueued) {
      m_queue.pop_front();
      ++m_failed;
    }
    m_queue.push_back(std::move(call));
  }
  m_changed.notify_all();
}

bool AgonesClient::flush(double seconds) {
  std::unique_lock lock(m_mutex);
  return m_changed.wait_for(lock, std::chrono::duration<double>(seconds), [&] { return m_queue.empty() && !m_busy; });
}

void AgonesClient::work() {
  for (;;) {
    Call call;
    {
      std::unique_lock lock(m_mutex);
      m_changed.wait(lock, [&] { return m_stopping || !m_queue.empty(); });
      if (m_stopping) return;
      call = std::move(m_queue.front());
      m_queue.pop_front();
      m_busy = true;
    }
    if (call.needsLiveLoop && m_loopOnTime && !m_loopOnTime()) {
      ++m_skipped; // the loop stalled after it asked: a late Health would say the opposite of the truth
    } else if (send(call)) {
      ++m_ok;
      if (call.path == "/ready") m_readyOk = true;
    } else {
      ++m_failed;
    }
    {
      std::lock_guard lock(m_mutex);
      m_busy = false;
    }
    m_changed.notify_all();
  }
}

bool AgonesClient::send(const Call& call) {
  httplib::Client client(m_host, m_port);
  client.set_connection_timeout(1, 0);
  client.set_read_timeout(2, 0);
  client.set_write_timeout(2, 0);
  const bool post = std::strcmp(call.method, "POST") == 0;
  httplib::Result res = post ? client.Post(call.path.c_str(), call.body, "application/json")
                             : client.Put(call.path.c_str(), call.body, "application/json");
  const bool ok = res && res->status >= 200 && res->status < 300;
  if (!ok && !m_loggedFailure) {
    m_loggedFailure = true;
    const std::string why = res ? "HTTP " + std::to_string(res->status) : httplib::to_string(res.error());
    spdlog::warn("Agones sidecar at {} failed {} {} ({}); serving on without it (later failures are only counted "
                 "in ferrum_agones_calls_total)",
                 address(), call.method, call.path, why);
  }
  return ok;
}

} // namespace app
