#include "ferrum/link_simulator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace ferrum {

std::string LinkConditions::validate() const {
  if (!(latencyMs >= 0 && latencyMs <= 10000)) return fmt::format("latency must be in 0..10000 ms (got {})", latencyMs);
  if (!(jitterMs >= 0 && jitterMs <= 10000)) return fmt::format("jitter must be in 0..10000 ms (got {})", jitterMs);
  if (!(loss >= 0 && loss <= 1)) return fmt::format("loss must be a probability in 0..1 (got {})", loss);
  if (!(duplicate >= 0 && duplicate <= 1)) return fmt::format("duplication must be a probability in 0..1 (got {})", duplicate);
  return {};
}

LinkSimulator::LinkSimulator(Transport& inner, const LinkConditions& outgoing, const LinkConditions& incoming,
                             uint64_t seed, std::function<double()> clock)
    : m_inner(inner), m_rng(seed), m_clock(std::move(clock)) {
  m_out.conditions = outgoing;
  m_in.conditions = incoming;
}

void LinkSimulator::enqueue(Direction& dir, TransportEvent event, bool mayMisbehave) {
  const LinkConditions& c = dir.conditions;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  int copies = 1;
  if (mayMisbehave) {
    if (c.loss > 0 && unit(m_rng) < c.loss) {
      ++m_stats.stateDropped;
      return;
    }
    if (c.duplicate > 0 && unit(m_rng) < c.duplicate) {
      copies = 2;
      ++m_stats.stateDuplicated;
    }
  }
  const double now = m_clock();
  for (int i = 0; i < copies; ++i) {
    double due = now + (c.latencyMs + (c.jitterMs > 0 ? unit(m_rng) * c.jitterMs : 0.0)) / 1000.0;
    if (!mayMisbehave) { // ordered traffic keeps its order whatever the jitter says
      due = std::max(due, dir.lastOrderedDue);
      dir.lastOrderedDue = due;
    }
    Pending p{due, m_order++, i + 1 < copies ? event : std::move(event)};
    auto at = std::upper_bound(dir.queue.begin(), dir.queue.end(), p, [](const Pending& a, const Pending& b) {
      return a.dueSeconds < b.dueSeconds || (a.dueSeconds == b.dueSeconds && a.order < b.order);
    });
    dir.queue.insert(at, std::move(p));
    ++m_stats.delayed;
  }
}

void LinkSimulator::send(LinkId link, Channel channel, std::span<const uint8_t> bytes) {
  if (!m_out.conditions.any()) return m_inner.send(link, channel, bytes);
  TransportEvent ev;
  ev.type = TransportEvent::Type::Received; // reused as "a packet to send"
  ev.link = link;
  ev.channel = channel;
  ev.payload.assign(bytes.begin(), bytes.end());
  enqueue(m_out, std::move(ev), channel == Channel::State);
}

void LinkSimulator::releaseOutgoing(double now) {
  bool sent = false;
  while (!m_out.queue.empty() && m_out.queue.front().dueSeconds <= now) {
    const TransportEvent& ev = m_out.queue.front().event;
    m_inner.send(ev.link, ev.channel, ev.payload);
    m_out.queue.pop_front();
    sent = true;
  }
  if (sent) m_inner.flush();
}

double LinkSimulator::nextDue() const {
  double due = std::numeric_limits<double>::infinity();
  if (!m_out.queue.empty()) due = m_out.queue.front().dueSeconds;
  if (!m_in.queue.empty()) due = std::min(due, m_in.queue.front().dueSeconds);
  return due;
}

bool LinkSimulator::service(TransportEvent& event, uint32_t timeoutMs) {
  const double deadline = m_clock() + timeoutMs / 1000.0;
  auto popDue = [&] {
    releaseOutgoing(m_clock());
    if (m_in.queue.empty() || m_in.queue.front().dueSeconds > m_clock()) return false;
    event = std::move(m_in.queue.front().event);
    m_in.queue.pop_front();
    return true;
  };
  // Everything the inner transport has now goes into the delay queue; then one wait,
  // no longer than the caller allows or the next due packet needs.
  for (int drained = 0; drained < 10000; ++drained) {
    if (popDue()) return true;
    const double now = m_clock();
    const double waitMs = drained == 0 ? std::max(0.0, (std::min(deadline, nextDue()) - now) * 1000.0) : 0.0;
    TransportEvent got;
    if (!m_inner.service(got, static_cast<uint32_t>(std::ceil(waitMs)))) break;
    if (!m_in.conditions.any()) {
      event = std::move(got);
      return true;
    }
    const bool state = got.type == TransportEvent::Type::Received && got.channel == Channel::State;
    enqueue(m_in, std::move(got), state);
  }
  return popDue();
}

LinkId LinkSimulator::connect(const std::string& host, uint16_t port, uint32_t connectData) {
  return m_inner.connect(host, port, connectData);
}

void LinkSimulator::disconnect(LinkId link, uint32_t reason) {
  // Goodbyes wait for what was sent before them.
  releaseOutgoing(std::numeric_limits<double>::infinity());
  m_inner.disconnect(link, reason);
}

void LinkSimulator::disconnectWhenSent(LinkId link, uint32_t reason) {
  releaseOutgoing(std::numeric_limits<double>::infinity());
  m_inner.disconnectWhenSent(link, reason);
}

void LinkSimulator::flush() {
  releaseOutgoing(m_clock());
  m_inner.flush();
}

} // namespace ferrum

namespace ferrum {

LinkStats LinkSimulator::stats(LinkId link) const {
  LinkStats s = m_inner.stats(link);
  const auto meanDelay = [](const LinkConditions& c) { return c.latencyMs + c.jitterMs / 2; };
  s.rttMs += meanDelay(m_out.conditions) + meanDelay(m_in.conditions);
  return s;
}

} // namespace ferrum
