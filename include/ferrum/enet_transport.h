#pragma once
/// ENet over UDP: the real transport. Channel 0 unreliable (sequenced: ENet drops a
/// state packet older than one already delivered), channel 1 reliable and ordered.

#include <map>
#include <memory>
#include <string>

#include "ferrum/transport.h"

typedef struct _ENetHost ENetHost;
typedef struct _ENetPeer ENetPeer;

namespace ferrum {

struct EnetConfig {
  std::string bindHost = "127.0.0.1"; ///< "0.0.0.0" to accept from the LAN
  uint16_t port = 0;                  ///< 0: the OS picks a free port (see boundPort())
  size_t maxLinks = 64;
  uint32_t timeoutMs = 5000;          ///< a silent peer is dropped after this long
};

class EnetTransport final : public Transport {
public:
  /// A listening host (server). Returns nullptr and fills `error` on failure.
  static std::unique_ptr<EnetTransport> listen(const EnetConfig& config, std::string& error);
  /// A host that only connects out (client).
  static std::unique_ptr<EnetTransport> client(const EnetConfig& config, std::string& error);
  ~EnetTransport() override;

  bool service(TransportEvent& event, uint32_t timeoutMs) override;
  void send(LinkId link, Channel channel, std::span<const uint8_t> bytes) override;
  LinkId connect(const std::string& host, uint16_t port, uint32_t connectData) override;
  void disconnect(LinkId link, uint32_t reason) override;
  void disconnectWhenSent(LinkId link, uint32_t reason) override;
  void flush() override;
  LinkStats stats(LinkId link) const override;
  size_t queuedBytes(LinkId link) const override;

  /// The UDP port actually bound (useful with port 0).
  uint16_t boundPort() const { return m_boundPort; }

private:
  EnetTransport(ENetHost* host, const EnetConfig& config);
  LinkId adopt(ENetPeer* peer);
  void configureLink(ENetPeer* peer);

  ENetHost* m_host;
  EnetConfig m_config;
  uint16_t m_boundPort = 0;
  LinkId m_nextLink = 1;
  std::map<LinkId, ENetPeer*> m_links;
};

} // namespace ferrum
