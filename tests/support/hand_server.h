#pragma once
// A server played by hand on a raw in-memory endpoint, with a real client NetManager
// (built from the test's HostDef) joined to it: the test sends exactly the reliable
// messages and state packets it means to, in the order it means to, and reads the
// client's state headers (acks, the blocks it asks for whole) as the client sends them.

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ferrum/bit_stream.h"
#include "ferrum/host.h"
#include "ferrum/memory_transport.h"
#include "wire/messages.h"

namespace testing_support {

class HandServer {
public:
  /// Builds the client from `clientDef` (role and transport set here), connects it and
  /// welcomes it as slot 1.
  explicit HandServer(ferrum::HostDef clientDef) {
    clientDef.net.role = ferrum::Role::Client;
    clientDef.transport = &m_clientEnd;
    std::string error;
    client = ferrum::Host::create(std::move(clientDef), error);
    if (!client) {
      ADD_FAILURE() << error;
      return;
    }
    EXPECT_TRUE(client->net().connect("mem", 1));
    for (int i = 0; i < 5 && m_link == ferrum::kNoLink; ++i) pump();
    EXPECT_NE(m_link, ferrum::kNoLink);
    ferrum::wire::Welcome welcome;
    welcome.yourSlot = 1;
    reliable(ferrum::wire::MessageType::Welcome, welcome);
    pump();
    EXPECT_TRUE(client->net().joined());
  }

  /// Runs `frames` client ticks (the client sends state every second one at the
  /// default rate) and reads what it sent.
  void pump(int frames = 1) {
    for (int i = 0; i < frames; ++i) {
      m_now += 1.0 / 60;
      client->net().frame(m_now);
      ferrum::TransportEvent e;
      while (m_raw.service(e, 0)) {
        if (e.type == ferrum::TransportEvent::Type::Connected) m_link = e.link;
        ferrum::wire::StatePacket p;
        if (e.type == ferrum::TransportEvent::Type::Received && e.channel == ferrum::Channel::State &&
            ferrum::wire::readStatePacket(e.payload, p))
          m_last = p.header;
      }
    }
  }

  void sendReliable(const std::vector<uint8_t>& bytes) { m_raw.send(m_link, ferrum::Channel::Reliable, bytes); }
  template <class M>
  void reliable(ferrum::wire::MessageType type, const M& message) {
    sendReliable(ferrum::wire::encodeMessage(type, message));
  }

  /// A state packet from the server's own series: `blocks` chained as the server
  /// writes them, stamped with the next server tick. Not pumped.
  void sendState(uint16_t sequence, const std::vector<ferrum::wire::StateBlock>& blocks) {
    ferrum::wire::StateHeader h;
    h.sequence = sequence;
    h.origin = ferrum::kServerPeer;
    h.senderTick = h.originTick = ++m_tick;
    ferrum::WriteStream out(1200);
    h.serialize(out);
    ferrum::wire::BlockContext context;
    for (const auto& b : blocks) ferrum::wire::writeBlock(out, b, context);
    ferrum::wire::writeEnd(out);
    m_raw.send(m_link, ferrum::Channel::State, out.buffer());
  }

  /// The server tick the next state packet is stamped with, minus one.
  uint32_t tick() const { return m_tick; }

  /// The client's newest state header.
  const ferrum::wire::StateHeader& lastHeader() const { return m_last; }
  const std::vector<ferrum::EntityId>& lastNeedFull() const { return m_last.needFull; }
  /// Whether the client's newest state header acknowledges `sequence`.
  bool acked(uint16_t sequence) const {
    if (!m_last.hasAck) return false;
    if (m_last.ack == sequence) return true;
    const auto back = static_cast<uint16_t>(m_last.ack - sequence);
    return back >= 1 && back <= 32 && ((m_last.ackBits >> (back - 1)) & 1);
  }
  bool asksWhole(ferrum::EntityId id) const {
    return std::find(m_last.needFull.begin(), m_last.needFull.end(), id) != m_last.needFull.end();
  }
  ferrum::NetCounters counters() const { return client->net().stats().counters; }

private:
  ferrum::MemoryNetwork m_network;
  ferrum::MemoryTransport& m_raw = m_network.endpoint(1);
  ferrum::MemoryTransport& m_clientEnd = m_network.endpoint(2);
  ferrum::LinkId m_link = ferrum::kNoLink;
  uint32_t m_tick = 100;
  double m_now = 0;
  ferrum::wire::StateHeader m_last;

public:
  std::unique_ptr<ferrum::Host> client; ///< declared after the network it sends on
};

} // namespace testing_support
