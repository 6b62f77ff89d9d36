#pragma once
// Where another peer's tick counter stands relative to ours, learned from the
// sender ticks stamped on its state packets. Each packet says "I was at tick T when
// I sent this", about half an RTT ago; the filter smooths the network's jitter out
// and remembers how large that jitter is (the interpolation buffer sizes by it).

#include <cmath>
#include <cstdint>

namespace ferrum {

class TickOffset {
public:
  /// A packet stamped `senderTick` was read at our (fractional) tick `localTick`,
  /// over a link with round trip `rttMs`.
  void onPacket(uint32_t senderTick, double localTick, float rttMs, uint32_t tickHz) {
    const double sample = static_cast<double>(senderTick) - localTick +
                          static_cast<double>(rttMs) / 2000.0 * static_cast<double>(tickHz);
    if (!m_known) {
      m_offset = sample;
      m_known = true;
      return;
    }
    const double error = sample - m_offset;
    m_offset += kGain * error;
    m_jitter += kJitterGain * (std::abs(error) - m_jitter);
  }
  bool known() const { return m_known; }
  /// Their tick minus ours at the same instant (ticks; fractional).
  double offset() const { return m_offset; }
  /// Mean deviation of single samples from the estimate (ticks).
  double jitter() const { return m_jitter; }

private:
  static constexpr double kGain = 0.05;       // slow: one late packet must not move the clock
  static constexpr double kJitterGain = 0.1;
  double m_offset = 0;
  double m_jitter = 0;
  bool m_known = false;
};

} // namespace ferrum
