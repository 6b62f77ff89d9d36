#pragma once
// ferrum-server's game loop and how a match ends: after --duration, when the server
// has been empty for --empty-timeout, or on SIGTERM with a drain: joins are refused
// at once, the players in may go on for up to --drain-seconds (until the last one
// leaves), and the caller then says goodbye with the "draining" reason. The loop only
// stops between turns, so the tick in progress always finishes.

#include <functional>

#include "ferrum/host.h"

namespace app {

struct MatchOptions {
  double durationSeconds = 0;     ///< 0: no limit
  double emptyTimeoutSeconds = 0; ///< 0: never; counted from when the last client left
  double drainSeconds = 0;        ///< after SIGTERM, how long clients may keep playing
  bool stallOnUsr1 = false;       ///< tests: SIGUSR1 holds the loop (server_signals.h)
};

enum class MatchEnd { Duration, Empty, Drained };
const char* matchEndName(MatchEnd end);

struct MatchHooks {
  std::function<void()> everyTurn; ///< after each loop turn (discovery, timeline, metrics, Agones)
  std::function<void()> everySecond;
  std::function<void()> drainStarted;
};

/// Runs the match on `peer` until one of its ends; installs the server's signals (again:
/// main installs them first thing, so a SIGTERM during start-up also drains).
MatchEnd runMatch(ferrum::Host& peer, const MatchOptions& options, const MatchHooks& hooks);

} // namespace app
