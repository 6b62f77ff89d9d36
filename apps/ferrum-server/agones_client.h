#pragma once
// The Agones SDK's REST API, as the sidecar in a game-server pod serves it on
// 127.0.0.1:$AGONES_SDK_HTTP_PORT (https://agones.dev/site/docs/guides/client-sdks/rest/).
// Calls go out in order from a worker thread, so a slow or absent sidecar never holds
// up a tick. A sidecar that does not answer is logged once; the server keeps serving
// and later failures are only counted (ferrum_agones_calls_total{result="failed"}).
//
// Paths and bodies (agones proto/sdk/sdk.proto and alpha/alpha.proto, REST gateway):
//   POST /ready {}            POST /health {}            POST /shutdown {}
//   PUT  /metadata/label {"key": K, "value": V}   (the sidecar prefixes the key)
//   PUT  /alpha/player/capacity {"count": N}      (alpha: the PlayerTracking feature gate)
//   POST /alpha/player/connect {"playerID": ID}   POST /alpha/player/disconnect {"playerID": ID}

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "apps/ferrum-server/server_monitor.h"

namespace app {

class AgonesClient {
public:
  /// nullptr when AGONES_SDK_HTTP_PORT is unset (not running under Agones). A value
  /// that is not a port is logged and also yields nullptr.
  /// `loopOnTime` is asked right before each Health call (from the worker thread):
  /// a Health queued before the loop stalled is dropped, never sent late.
  static std::unique_ptr<AgonesClient> fromEnvironment(std::function<bool()> loopOnTime);
  AgonesClient(std::string host, uint16_t port, std::function<bool()> loopOnTime);
  /// Tries what is still queued (bounded by a few seconds), then stops the worker.
  ~AgonesClient();
  AgonesClient(const AgonesClient&) = delete;
  AgonesClient& operator=(const AgonesClient&) = delete;

  void ready();
  void health();
  void shutdown();
  void setLabel(const std::string& key, const std::string& value);
  void setPlayerCapacity(int count);
  void playerConnect(const std::string& id);
  void playerDisconnect(const std::string& id);

  /// True once a Ready call was answered with success.
  bool readyAcknowledged() const { return m_readyOk.load(); }
  AgonesCounts counts() const;
  /// Waits until every queued call has been tried, at most `seconds`; false on timeout.
  bool flush(double seconds);
  std::string address() const { return m_host + ":" + std::to_string(m_port); }

private:
  struct Call {
    const char* method; ///< "POST" or "PUT"
    std::string path;
    std::string body;
    bool needsLiveLoop = false; ///< Health: only while the loop is on time
  };
  void enqueue(Call call);
  void work();
  bool send(const Call& call);

  const std::string m_host;
  const uint16_t m_port;
  std::function<bool()> m_loopOnTime;

  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<Call> m_queue; ///< guarded by m_mutex
  bool m_busy = false;      ///< a call is being sent (guarded)
  bool m_stopping = false;  ///< guarded

  std::atomic<bool> m_readyOk{false};
  std::atomic<uint64_t> m_ok{0}, m_failed{0}, m_skipped{0};
  bool m_loggedFailure = false; ///< worker thread only
  std::thread m_worker;         ///< last: starts after everything above exists
};

} // namespace app
