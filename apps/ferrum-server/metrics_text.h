#pragma once
// /metrics: a ServerSnapshot in the Prometheus text exposition format (version 0.0.4).
// Names follow Prometheus conventions: ferrum_ prefix, base units (_seconds, _bytes),
// counters end in _total. docs/deploy.md lists them and what a dashboard should show.

#include <string>

#include "apps/ferrum-server/server_monitor.h"

namespace app {

/// The whole exposition. `lastTickAgeSeconds`: seconds since the newest tick ended
/// (negative: none yet), read from the heartbeat at scrape time, not from the snapshot.
std::string metricsText(const ServerSnapshot& snapshot, double lastTickAgeSeconds);

} // namespace app
