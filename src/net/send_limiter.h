#pragma once
// Decides on which ticks a state packet goes out, so that exactly `sendHz` packets
// leave per second of ticks (never more), spread as evenly as the tick grid allows.

namespace ferrum {

class SendLimiter {
public:
  SendLimiter(int tickHz, int sendHz) : m_tickHz(tickHz), m_sendHz(sendHz) {}

  /// Call once per tick; true on the ticks that should send.
  bool tick() {
    m_credit += m_sendHz;
    if (m_credit < m_tickHz) return false;
    m_credit -= m_tickHz;
    return true;
  }

private:
  int m_tickHz;
  int m_sendHz;
  int m_credit = 0;
};

} // namespace ferrum
