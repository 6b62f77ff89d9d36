#include "viewer/net_history.h"

#include <algorithm>

namespace viewer {

namespace {
constexpr size_t kSamplesPerSecond = static_cast<size_t>(1.0 / NetHistory::kSampleSeconds + 0.5);
} // namespace

float meanRttMs(const ferrum::NetStats& stats) {
  float sum = 0;
  int count = 0;
  for (const auto& p : stats.peers)
    if (p.connected) sum += p.rttMs, ++count;
  return count ? sum / static_cast<float>(count) : 0;
}

void NetHistory::update(const ferrum::NetStats& stats, double nowSeconds) {
  const Totals now{nowSeconds, stats.counters.bytesReceived, stats.counters.bytesSent, stats.counters.packetsReceived,
                   stats.counters.packetsSent};
  if (!m_started) {
    m_last = now;
    m_started = true;
    return;
  }
  const double dt = nowSeconds - m_last.time;
  if (dt < kSampleSeconds) return;
  const auto rate = [dt](uint64_t a, uint64_t b) { return static_cast<float>(static_cast<double>(a - b) / dt); };
  NetSample s;
  s.kbitDown = rate(now.bytesIn, m_last.bytesIn) * 8 / 1000;
  s.kbitUp = rate(now.bytesOut, m_last.bytesOut) * 8 / 1000;
  s.packetsDown = rate(now.packetsIn, m_last.packetsIn);
  s.packetsUp = rate(now.packetsOut, m_last.packetsOut);
  s.rttMs = meanRttMs(stats);
  m_samples.push_back(s);
  m_totals.push_back(now);
  const size_t keep = static_cast<size_t>(kWindowSeconds / kSampleSeconds);
  while (m_samples.size() > keep) m_samples.pop_front();
  while (m_totals.size() > kSamplesPerSecond + 1) m_totals.pop_front();
  m_last = now;
}

NetSample NetHistory::lastSecond() const {
  NetSample avg;
  const size_t n = std::min(kSamplesPerSecond, m_samples.size());
  if (n == 0) return avg;
  for (size_t i = m_samples.size() - n; i < m_samples.size(); ++i) {
    avg.kbitDown += m_samples[i].kbitDown;
    avg.kbitUp += m_samples[i].kbitUp;
    avg.packetsDown += m_samples[i].packetsDown;
    avg.packetsUp += m_samples[i].packetsUp;
    avg.rttMs += m_samples[i].rttMs;
  }
  const float k = 1.0f / static_cast<float>(n);
  return {avg.kbitDown * k, avg.kbitUp * k, avg.packetsDown * k, avg.packetsUp * k, avg.rttMs * k};
}

std::vector<float> NetHistory::series(float NetSample::*field) const {
  std::vector<float> out;
  out.reserve(m_samples.size());
  for (const auto& s : m_samples) out.push_back(s.*field);
  return out;
}

float NetHistory::bytesPerPacketDown() const {
  if (m_totals.size() < 2) return 0;
  const uint64_t packets = m_totals.back().packetsIn - m_totals.front().packetsIn;
  return packets ? static_cast<float>(m_totals.back().bytesIn - m_totals.front().bytesIn) / static_cast<float>(packets)
                 : 0;
}

float NetHistory::bytesPerPacketUp() const {
  if (m_totals.size() < 2) return 0;
  const uint64_t packets = m_totals.back().packetsOut - m_totals.front().packetsOut;
  return packets ? static_cast<float>(m_totals.back().bytesOut - m_totals.front().bytesOut) / static_cast<float>(packets)
                 : 0;
}

} // namespace viewer
