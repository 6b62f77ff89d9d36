#pragma once
/// ENet over UDP: the real transport. Channel 0 unreliable (sequenced: ENet drops a
/// state packet older than one already delivered), channel 1 reliable and ordered.

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ferrum/transport.h"

typedef struct _ENetHost ENetHost;
typedef struct _ENetPeer ENetPeer;
typedef struct _ENetEvent ENetEvent;

namespace ferrum {

struct EnetConfig {
  std::string bindHost = "127.0.0.1"; ///< "0.0.0.0" to accept from the LAN
  /// A client's own address to send from (an IPv4 address of this machine); empty:
  /// the system's choice. A load generator gives each bot its own loopback address
  /// (127.0.0.0/8), as players on their own machines would have.
  std::string clientHost;
  uint16_t port = 0;                  ///< 0: the OS picks a free port (see boundPort())
  size_t maxLinks = 64;
  uint32_t timeoutMs = 5000;          ///< a silent peer is dropped after this long
  /// The UDP socket's receive buffer, in bytes (a client's too: it is only a
  /// limit, filled only by a burst). What arrives while a long tick runs
  /// waits here; past it the kernel drops datagrams, handshakes and acknowledgements
  /// among them (each then waits for ENet's resend). 64 clients joining a
  /// 2,000-body server overflowed ENet's own 256 KiB about 1,500 times in 10 s
  /// (docs/benchmarks.md). Asked with SO_RCVBUF, and past net.core.rmem_max with
  /// SO_RCVBUFFORCE where the process may (root); socketReceiveBytes() says what the
  /// kernel granted. 0: ENet's own.
  size_t socketReceiveBytes = 4 * 1024 * 1024;
  // Limits on what one remote may make this host hold (docs/reliability.md, "ENet's
  // own limits"). They matter for a listening host; a client applies them too.
  /// Bytes one peer may have waiting in ENet (behind a lost reliable packet, or
  /// received and not yet read); past it ENet stops acknowledging that peer's data,
  /// so the sender resends later. ENet's own default is 32 MiB per peer.
  size_t maxWaitingBytes = 256 * 1024;
  /// Handshakes from one IP address that may be in progress at once once half the
  /// peer slots are taken; further connect requests from it are then dropped (and
  /// counted) until one completes or is reaped. With slots to spare it does not
  /// apply: tests and bots start many honest clients at once from 127.0.0.1.
  int maxHalfOpenPerAddress = 8;
  /// Peers (of any state) one IP address may hold; 0: no cap beyond maxLinks. Off by
  /// default: bots, tests and several players may share one machine (or one NAT).
  size_t maxPeersPerAddress = 0;
  /// An incoming handshake not completed within this long is reset and counted.
  uint32_t handshakeTimeoutMs = 3000;
  /// A connected peer whose data has waited behind the same gap this long (or that
  /// has more than 8,192 packets waiting) is dropped and counted: an honest sender
  /// resends a lost packet and gives up after timeoutMs.
  uint32_t stuckGapTimeoutMs = 6000;
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
  RemoteAddress remoteAddress(LinkId link) const override;
  TransportCounters counters() const override { return m_counters; }

  /// The UDP port actually bound (useful with port 0).
  uint16_t boundPort() const { return m_boundPort; }
  /// The socket's receive buffer as the kernel granted it (Linux counts its own
  /// bookkeeping in it: about twice what was asked); 0 if it cannot tell.
  size_t socketReceiveBytes() const;

private:
  EnetTransport(ENetHost* host, const EnetConfig& config, bool acceptsConnections);
  LinkId adopt(ENetPeer* peer);
  void configureLink(ENetPeer* peer);
  bool translate(const ENetEvent& ev, TransportEvent& event);
  /// Every received datagram, before ENet parses it: counts garbage, drops connect
  /// requests past the per-address limits. 1: dropped, 0: ENet handles it.
  static int intercept(ENetHost* host, ENetEvent* event);
  int screenDatagram();
  int screenConnect(size_t headerBytes);
  /// Resets handshakes that never complete and drops peers hoarding data behind a gap.
  void reap();
  struct PeerWatch;
  void dropHoarder(ENetPeer& peer, PeerWatch& watch, const char* why);

  /// What the reaper remembers of one ENet peer slot (indexed like ENetHost::peers).
  struct PeerWatch {
    uint32_t connectId = 0;        ///< the connection these notes are about (slots are reused)
    uint32_t handshakeSinceMs = 0; ///< when its handshake was first seen
    uint32_t stuckSinceMs = 0;     ///< when data first waited behind its current gap (0: none)
    std::vector<uint16_t> nextReliable; ///< per channel, the sequence it was waiting for then
  };

  ENetHost* m_host;
  EnetConfig m_config;
  uint16_t m_boundPort = 0;
  bool m_acceptsConnections = false; ///< a client host drops connect requests (nobody may dial in)
  LinkId m_nextLink = 1;
  std::map<LinkId, ENetPeer*> m_links;
  std::vector<PeerWatch> m_watch;
  uint32_t m_lastReapMs = 0;
  /// Events the transport made itself (a hoarding peer it dropped), delivered first.
  std::deque<TransportEvent> m_pending;
  TransportCounters m_counters;
};

} // namespace ferrum
