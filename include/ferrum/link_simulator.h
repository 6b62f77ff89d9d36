#pragma once
/// A Transport that wraps another and makes the link worse on purpose: latency,
/// jitter, loss, duplication and reordering, seeded, separately for each direction.
///
/// It sits above the wrapped transport, so it must not break what that transport
/// promises: state (channel 0) packets suffer every condition; reliable messages and
/// connection events are delayed (latency + jitter) but never lost, duplicated or
/// reordered, since the transport below has already delivered them reliably. To
/// lose packets below ENet's reliability, use ferrum-relay instead.

#include <cstdint>
#include <deque>
#include <functional>
#include <random>
#include <string>

#include "ferrum/transport.h"

namespace ferrum {

struct LinkConditions {
  float latencyMs = 0;  ///< one-way delay added to every packet
  float jitterMs = 0;   ///< extra delay, uniform in [0, jitterMs]; reorders state packets
  float loss = 0;       ///< probability (0..1) a state packet is dropped
  float duplicate = 0;  ///< probability (0..1) a state packet arrives twice

  bool any() const { return latencyMs > 0 || jitterMs > 0 || loss > 0 || duplicate > 0; }
  /// Empty if usable, else what is wrong.
  std::string validate() const;
};

struct LinkSimStats {
  uint64_t stateDropped = 0;
  uint64_t stateDuplicated = 0;
  uint64_t delayed = 0; ///< packets and events that went through a delay queue
};

class LinkSimulator final : public Transport {
public:
  /// `clock` returns seconds on a monotonic clock (real time for ENet; the test's
  /// simulated time for the in-memory transport).
  LinkSimulator(Transport& inner, const LinkConditions& outgoing, const LinkConditions& incoming, uint64_t seed,
                std::function<double()> clock);

  bool service(TransportEvent& event, uint32_t timeoutMs) override;
  void send(LinkId link, Channel channel, std::span<const uint8_t> bytes) override;
  LinkId connect(const std::string& host, uint16_t port, uint32_t connectData) override;
  void disconnect(LinkId link, uint32_t reason) override;
  void disconnectWhenSent(LinkId link, uint32_t reason) override;
  void flush() override;
  /// The inner transport's figures, with the round trip this simulator adds on top
  /// (its mean delay both ways): the inner transport cannot see delay added above it.
  LinkStats stats(LinkId link) const override;
  size_t queuedBytes(LinkId link) const override { return m_inner.queuedBytes(link); }

  const LinkSimStats& simStats() const { return m_stats; }
  /// Changes the conditions from now on (packets already delayed keep their times).
  void setConditions(const LinkConditions& outgoing, const LinkConditions& incoming) {
    m_out.conditions = outgoing;
    m_in.conditions = incoming;
  }

private:
  struct Pending {
    double dueSeconds;
    uint64_t order; ///< ties broken by arrival order
    TransportEvent event;
  };
  struct Direction {
    LinkConditions conditions;
    std::deque<Pending> queue; ///< kept sorted by (dueSeconds, order)
    double lastOrderedDue = 0; ///< reliable traffic never overtakes itself
  };

  void enqueue(Direction& dir, TransportEvent event, bool mayMisbehave);
  void releaseOutgoing(double now);
  double nextDue() const;

  Transport& m_inner;
  Direction m_out;
  Direction m_in;
  std::mt19937_64 m_rng;
  std::function<double()> m_clock;
  uint64_t m_order = 0;
  LinkSimStats m_stats;
};

} // namespace ferrum
