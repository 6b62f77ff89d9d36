#include "apps/ferrum-server/match.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <thread>

#include "apps/ferrum-server/server_signals.h"

namespace app {

const char* matchEndName(MatchEnd end) {
  switch (end) {
  case MatchEnd::Duration:
    return "duration reached";
  case MatchEnd::Empty:
    return "empty server timed out";
  case MatchEnd::Drained:
    return "drained after a stop signal";
  }
  return "?";
}

namespace {

size_t connectedClients(const ferrum::NetManager& net) {
  size_t n = 0;
  for (const ferrum::PeerStats& p : net.stats().peers)
    n += p.connected;
  return n;
}

/// Tests only: a deliberately stuck loop, so health checks can be seen to notice.
void holdWhileStalled() {
  if (!server_signals::stallRequested()) return;
  spdlog::warn("SIGUSR1: holding the game loop (--debug-stall-signal) until the next SIGUSR1");
  while (server_signals::stallRequested() && !server_signals::stopRequested())
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  spdlog::warn("game loop released");
}

} // namespace

MatchEnd runMatch(ferrum::Host& peer, const MatchOptions& options, const MatchHooks& hooks) {
  server_signals::install(options.stallOnUsr1);
  ferrum::NetManager& net = peer.net();
  // Joins and leaves are counted here instead of asking stats() every turn.
  size_t clients = connectedClients(net);
  bool everJoined = false;
  double emptySince = peer.now();
  ferrum::Subscription joined = net.onPeerJoined.listen([&](ferrum::PeerId) {
    ++clients;
    everJoined = true;
  });
  ferrum::Subscription left = net.onPeerLeft.listen([&](ferrum::PeerId) {
    if (clients > 0 && --clients == 0) emptySince = peer.now();
  });

  const double start = peer.now();
  double nextSecond = start + 1.0;
  double drainDeadline = 0;
  for (;;) {
    holdWhileStalled();
    const double now = peer.now();
    if (!net.draining() && server_signals::stopRequested()) {
      net.drain();
      drainDeadline = now + options.drainSeconds;
      spdlog::info("stop signal: draining (joins refused; {} client(s) may play on for up to {} s)", clients,
                   options.drainSeconds);
      if (hooks.drainStarted) hooks.drainStarted();
    }
    if (net.draining() && (clients == 0 || now >= drainDeadline)) return MatchEnd::Drained;
    if (!net.draining()) {
      if (options.durationSeconds > 0 && now - start >= options.durationSeconds) return MatchEnd::Duration;
      if (options.emptyTimeoutSeconds > 0 && everJoined && clients == 0 &&
          now - emptySince >= options.emptyTimeoutSeconds)
        return MatchEnd::Empty;
    }
    peer.step();
    if (hooks.everyTurn) hooks.everyTurn();
    if (hooks.everySecond && peer.now() >= nextSecond) {
      hooks.everySecond();
      nextSecond += 1.0;
    }
  }
}

} // namespace app
