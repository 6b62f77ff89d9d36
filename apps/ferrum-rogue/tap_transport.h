#pragma once
// A Transport that passes everything through and lets the rogue speak on its own
// joined link: it remembers the link NetManager opened and the state packets it sent
// (for replays), and can inject any bytes on that link.

#include <deque>
#include <vector>

#include "ferrum/transport.h"

namespace rogue {

class TapTransport final : public ferrum::Transport {
public:
  explicit TapTransport(ferrum::Transport& inner) : m_inner(inner) {}

  bool service(ferrum::TransportEvent& event, uint32_t timeoutMs) override { return m_inner.service(event, timeoutMs); }
  void send(ferrum::LinkId link, ferrum::Channel channel, std::span<const uint8_t> bytes) override {
    if (channel == ferrum::Channel::State) {
      m_sentState.emplace_back(bytes.begin(), bytes.end());
      if (m_sentState.size() > kKept) m_sentState.pop_front();
    }
    m_inner.send(link, channel, bytes);
  }
  ferrum::LinkId connect(const std::string& host, uint16_t port, uint32_t connectData) override {
    m_link = m_inner.connect(host, port, connectData);
    return m_link;
  }
  void disconnect(ferrum::LinkId link, uint32_t reason) override { m_inner.disconnect(link, reason); }
  void disconnectWhenSent(ferrum::LinkId link, uint32_t reason) override { m_inner.disconnectWhenSent(link, reason); }
  void flush() override { m_inner.flush(); }
  ferrum::LinkStats stats(ferrum::LinkId link) const override { return m_inner.stats(link); }
  size_t queuedBytes(ferrum::LinkId link) const override { return m_inner.queuedBytes(link); }

  /// Sends raw bytes on the joined link, as if NetManager had.
  void inject(ferrum::Channel channel, std::span<const uint8_t> bytes) {
    m_inner.send(m_link, channel, bytes);
    m_inner.flush();
  }
  /// Genuine state packets sent so far, oldest first (the last kKept).
  const std::deque<std::vector<uint8_t>>& sentState() const { return m_sentState; }

private:
  static constexpr size_t kKept = 256;
  ferrum::Transport& m_inner;
  ferrum::LinkId m_link = ferrum::kNoLink;
  std::deque<std::vector<uint8_t>> m_sentState;
};

} // namespace rogue
