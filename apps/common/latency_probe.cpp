#include "apps/common/latency_probe.h"

#include <map>
#include <utility>

#include "ferrum/host.h"

namespace app {

LatencyProbe::LatencyProbe(ferrum::NetManager& net) {
  m_sends = net.onStateSent.listen([this](uint32_t tick) {
    if (m_sent.size() < kMaxSamples) m_sent.push_back({tick, ferrum::steadySeconds()});
  });
  m_arrivals = net.onStateArrived.listen([this](ferrum::PeerId origin, uint32_t tick) {
    if (origin != ferrum::kServerPeer && m_arrived.size() < kMaxSamples)
      m_arrived.push_back({origin, tick, ferrum::steadySeconds()});
  });
}

nlohmann::json LatencyProbe::toJson() const {
  nlohmann::json sent = nlohmann::json::array(), arrived = nlohmann::json::array();
  for (const Sent& s : m_sent) sent.push_back({s.tick, s.seconds});
  for (const Arrived& a : m_arrived) arrived.push_back({a.origin, a.tick, a.seconds});
  return {{"sent", sent}, {"arrived", arrived}};
}

std::vector<double> LatencyProbe::delaysMs(const std::vector<nlohmann::json>& peerDocs) {
  std::map<std::pair<int, uint32_t>, double> sentAt; // (owner slot, tick) -> seconds
  for (const auto& doc : peerDocs) {
    if (!doc.contains("latencyProbe")) continue;
    const int self = doc["self"].get<int>();
    for (const auto& s : doc["latencyProbe"]["sent"]) sentAt[{self, s[0].get<uint32_t>()}] = s[1].get<double>();
  }
  std::vector<double> delays;
  for (const auto& doc : peerDocs) {
    if (!doc.contains("latencyProbe")) continue;
    for (const auto& a : doc["latencyProbe"]["arrived"]) {
      auto it = sentAt.find({a[0].get<int>(), a[1].get<uint32_t>()});
      if (it != sentAt.end()) delays.push_back((a[2].get<double>() - it->second) * 1000.0);
    }
  }
  return delays;
}

} // namespace app
