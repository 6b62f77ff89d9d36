#include "apps/ferrum-demo/series.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <map>

namespace demo {

namespace {

using Positions = std::map<uint32_t, std::array<double, 3>>;

Positions positions(const nlohmann::json& sample) {
  Positions out;
  for (const auto& c : sample.value("crates", nlohmann::json::array()))
    out[c[0].get<uint32_t>()] = {c[1].get<double>(), c[2].get<double>(), c[3].get<double>()};
  return out;
}

struct ServerIndex {
  std::map<uint32_t, Positions> byTick;

  explicit ServerIndex(const nlohmann::json& server) {
    for (const auto& s : server.value("timeline", nlohmann::json::array())) byTick[s["tick"].get<uint32_t>()] = positions(s);
  }
  /// The server sample nearest to `tick`, or nullptr.
  const std::pair<const uint32_t, Positions>* nearest(uint32_t tick) const {
    if (byTick.empty()) return nullptr;
    auto after = byTick.lower_bound(tick);
    if (after == byTick.end()) return &*std::prev(after);
    if (after == byTick.begin()) return &*after;
    auto before = std::prev(after);
    return (tick - before->first <= after->first - tick) ? &*before : &*after;
  }
};

} // namespace

ClientSeries clientSeries(const std::string& name, const nlohmann::json& client, const nlohmann::json& server) {
  ClientSeries series{name, {}, 0};
  const double hz = std::max(1, server.value("tickHz", 60));
  const ServerIndex truth(server);
  const nlohmann::json timeline = client.value("timeline", nlohmann::json::array());
  for (size_t i = 1; i < timeline.size(); ++i) {
    const auto& prev = timeline[i - 1];
    const auto& cur = timeline[i];
    const double dt = std::max(1e-3, cur["t"].get<double>() - prev["t"].get<double>());
    const uint32_t tick = cur["tick"].get<uint32_t>();
    SeriesPoint p;
    p.time = tick / hz;
    p.kbitIn = static_cast<double>(cur["bytesReceived"].get<uint64_t>() - prev["bytesReceived"].get<uint64_t>()) * 8 / 1000 / dt;
    p.kbitOut = static_cast<double>(cur["bytesSent"].get<uint64_t>() - prev["bytesSent"].get<uint64_t>()) * 8 / 1000 / dt;
    p.rttMs = cur["rttMs"].get<double>();
    p.viewAgeTicks = static_cast<int>(static_cast<int64_t>(tick) - cur["serverTick"].get<int64_t>());
    const auto* match = truth.nearest(tick);
    if (match) p.tickGap = static_cast<int>(static_cast<int64_t>(tick) - match->first);
    if (match && std::abs(p.tickGap) <= kMaxTickGap) {
      double sum = 0;
      size_t n = 0;
      for (const auto& [id, c] : positions(cur)) {
        auto it = match->second.find(id);
        if (it == match->second.end()) continue;
        const auto& s = it->second;
        sum += (c[0] - s[0]) * (c[0] - s[0]) + (c[1] - s[1]) * (c[1] - s[1]) + (c[2] - s[2]) * (c[2] - s[2]);
        ++n;
      }
      if (n > 0) {
        p.hasError = true;
        p.errorMm = std::sqrt(sum / static_cast<double>(n)) * 1000;
      }
    }
    if (!p.hasError) ++series.unmatched;
    series.points.push_back(p);
  }
  return series;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2), values.end());
  return values[values.size() / 2];
}

} // namespace demo
