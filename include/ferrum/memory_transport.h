#pragma once
/// In-memory transport for fast, deterministic unit tests. Endpoints made from one
/// MemoryNetwork deliver to each other instantly and in order, with no loss.
/// Single-threaded.

#include <map>
#include <memory>
#include <vector>

#include "ferrum/transport.h"

namespace ferrum {

class MemoryNetwork;

class MemoryTransport final : public Transport {
public:
  bool service(TransportEvent& event, uint32_t timeoutMs) override;
  void send(LinkId link, Channel channel, std::span<const uint8_t> bytes) override;
  /// `host` is ignored; `port` names the endpoint (see MemoryNetwork::endpoint).
  LinkId connect(const std::string& host, uint16_t port, uint32_t connectData) override;
  void disconnect(LinkId link, uint32_t reason) override;
  void flush() override {}
  LinkStats stats(LinkId) const override { return {}; }

  uint16_t port() const { return m_port; }

private:
  friend class MemoryNetwork;
  MemoryTransport(MemoryNetwork& network, uint16_t port) : m_network(network), m_port(port) {}
  struct Remote {
    MemoryTransport* transport;
    LinkId linkThere;
  };

  MemoryNetwork& m_network;
  uint16_t m_port;
  LinkId m_nextLink = 1;
  std::map<LinkId, Remote> m_links;
  void deliver(TransportEvent event);
  // Events not yet serviced are m_inbox[m_inboxHead...]: a queue on a vector that
  // keeps its storage when emptied (a std::deque allocates as it is built, and
  // tests and fuzz targets build endpoints by the thousand).
  std::vector<TransportEvent> m_inbox;
  size_t m_inboxHead = 0;
  // A message's storage handed back by service() (the caller's previous payload),
  // filled by the next send to this endpoint: a peer that keeps its payload across
  // calls (NetManager) and its sender then pass one buffer back and forth.
  std::vector<uint8_t> m_spare;
};

class MemoryNetwork {
public:
  /// A new endpoint reachable at `port` (must be unused).
  MemoryTransport& endpoint(uint16_t port);
  MemoryTransport* find(uint16_t port);

private:
  std::map<uint16_t, std::unique_ptr<MemoryTransport>> m_endpoints;
};

} // namespace ferrum
