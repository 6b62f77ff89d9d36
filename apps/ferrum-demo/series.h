#pragma once
// Time series for ferrum-demo's report, computed from the "timeline" samples in the
// peers' --stats-json documents (apps/common/timeline.h).

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace demo {

struct SeriesPoint {
  double time = 0;       ///< s on the server's clock: tick / tickHz (clients' ticks are re-based to it)
  double kbitIn = 0;     ///< kbit/s received since the previous sample (server -> client)
  double kbitOut = 0;    ///< kbit/s sent since the previous sample (client -> server)
  double rttMs = 0;
  bool hasError = false; ///< a server sample close enough in ticks was found
  double errorMm = 0;    ///< RMS distance of the client's crates from the server's
  int tickGap = 0;       ///< client tick - matched server tick
  int viewAgeTicks = 0;  ///< client tick - tick of the newest server state it had
};

struct ClientSeries {
  std::string name;
  std::vector<SeriesPoint> points;
  size_t unmatched = 0; ///< samples with no server sample within kMaxTickGap
};

/// Samples further apart than this are not compared (crates move too much in between).
constexpr int kMaxTickGap = 3;

/// `client` and `server` are stats documents; points start at the client's second sample
/// (bandwidth needs a previous one).
ClientSeries clientSeries(const std::string& name, const nlohmann::json& client, const nlohmann::json& server);

/// Median of `values` (0 if empty).
double median(std::vector<double> values);

} // namespace demo
