#include "ferrum/enet_transport.h"

#include <sys/socket.h>

#include <enet/enet.h>
#include "base/log.h"

#include <cstddef>
#include <cstdint>
#include <mutex>

namespace ferrum {

namespace {
// enet_initialize is process-wide; every transport shares one initialisation.
bool ensureEnet() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] {
    ok = enet_initialize() == 0;
    if (ok) std::atexit(enet_deinitialize);
  });
  return ok;
}

// ferrum's largest message: a reliable one (a spawn with its spawn state, a type
// table of up to a few hundred types) is well under this; a state packet is at most
// NetConfig::maxPacketBytes (1400). docs/reliability.md has the measured sizes.
constexpr size_t kMaxMessageBytes = 64 * 1024;
// The reaper's pace: often enough that its timeouts are met to a tenth of a second.
constexpr uint32_t kReapIntervalMs = 100;
// Packets one peer may have waiting behind a gap. ENet's waiting-data limit counts
// bytes, so empty packets pass it while each costs ~150 bytes of bookkeeping; an
// honest burst behind one lost packet (a late joiner's spawns) is ~1,000.
constexpr size_t kMaxWaitingPackets = 8192;

// The transport whose host is being serviced on this thread: ENet's intercept
// callback carries no user pointer, and only enet_host_service calls it.
thread_local EnetTransport* t_servicing = nullptr;

LinkId linkOf(const ENetPeer* peer) { return static_cast<LinkId>(reinterpret_cast<uintptr_t>(peer->data)); }

bool inIncomingHandshake(const ENetPeer& peer) {
  return peer.data == nullptr && (peer.state == ENET_PEER_STATE_ACKNOWLEDGING_CONNECT ||
                                  peer.state == ENET_PEER_STATE_CONNECTION_PENDING);
}

size_t countUpTo(const ENetList& list, size_t cap) {
  size_t n = 0;
  for (const ENetListNode* it = list.sentinel.next; it != &list.sentinel && n <= cap; it = it->next) ++n;
  return n;
}

bool isHalfOpen(const ENetPeer& peer) {
  return peer.state >= ENET_PEER_STATE_CONNECTING && peer.state <= ENET_PEER_STATE_CONNECTION_SUCCEEDED;
}

uint16_t readBigEndian16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
uint32_t readBigEndian32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}
// SO_RCVBUF is capped at net.core.rmem_max (212,992 bytes on a stock Debian 12);
// SO_RCVBUFFORCE is not, for a process allowed to (CAP_NET_ADMIN). Asked both ways;
// what the kernel granted is for socketReceiveBytes() to tell.
void growReceiveBuffer(ENetSocket socket, size_t bytes) {
  const int asked = static_cast<int>(std::min<size_t>(bytes, 1u << 30));
#ifdef SO_RCVBUFFORCE
  if (setsockopt(socket, SOL_SOCKET, SO_RCVBUFFORCE, &asked, sizeof asked) == 0) return;
#endif
  setsockopt(socket, SOL_SOCKET, SO_RCVBUF, &asked, sizeof asked);
}
} // namespace

size_t EnetTransport::socketReceiveBytes() const {
  int granted = 0;
  socklen_t size = sizeof granted;
  if (getsockopt(m_host->socket, SOL_SOCKET, SO_RCVBUF, &granted, &size) != 0 || granted < 0) return 0;
  return static_cast<size_t>(granted);
}

EnetTransport::EnetTransport(ENetHost* host, const EnetConfig& config, bool acceptsConnections)
    : m_host(host), m_config(config), m_acceptsConnections(acceptsConnections) {
  // ENet reassembles fragments up to 32 MB by default before anyone can look at the
  // bytes; a peer announcing more than ferrum ever sends is refused by ENet first.
  m_host->maximumPacketSize = kMaxMessageBytes;
  // ENet's default lets each peer park 32 MiB behind one missing reliable packet.
  m_host->maximumWaitingData = m_config.maxWaitingBytes;
  if (m_config.maxPeersPerAddress > 0) m_host->duplicatePeers = m_config.maxPeersPerAddress;
  m_host->intercept = &EnetTransport::intercept;
  m_watch.resize(m_host->peerCount);
  if (m_config.socketReceiveBytes > 0) growReceiveBuffer(m_host->socket, m_config.socketReceiveBytes);
  ENetAddress bound{};
  if (enet_socket_get_address(host->socket, &bound) == 0) m_boundPort = bound.port;
}

EnetTransport::~EnetTransport() {
  for (auto& [link, peer] : m_links) enet_peer_reset(peer);
  enet_host_destroy(m_host);
}

std::unique_ptr<EnetTransport> EnetTransport::listen(const EnetConfig& config, std::string& error) {
  if (!ensureEnet()) {
    error = "enet_initialize failed";
    return nullptr;
  }
  ENetAddress address{};
  if (enet_address_set_host_ip(&address, config.bindHost.c_str()) != 0) {
    error = "bad bind address '" + config.bindHost + "' (expected an IPv4 address such as 127.0.0.1)";
    return nullptr;
  }
  address.port = config.port;
  ENetHost* host = enet_host_create(&address, config.maxLinks, kChannelCount, 0, 0);
  if (!host) {
    error = "cannot bind UDP " + config.bindHost + ":" + std::to_string(config.port) + " (port in use?)";
    return nullptr;
  }
  std::unique_ptr<EnetTransport> transport(new EnetTransport(host, config, true));
  const size_t granted = transport->socketReceiveBytes();
  if (config.socketReceiveBytes > 0 && granted > 0 && granted < config.socketReceiveBytes)
    log::warn("UDP receive buffer: {} bytes granted of {} asked (raise net.core.rmem_max, or run with "
              "CAP_NET_ADMIN); a burst beyond it is dropped by the kernel",
              granted, config.socketReceiveBytes);
  return transport;
}

std::unique_ptr<EnetTransport> EnetTransport::client(const EnetConfig& config, std::string& error) {
  if (!ensureEnet()) {
    error = "enet_initialize failed";
    return nullptr;
  }
  ENetAddress local{};
  if (!config.clientHost.empty() && enet_address_set_host_ip(&local, config.clientHost.c_str()) != 0) {
    error = "bad client address '" + config.clientHost + "' (expected an IPv4 address such as 127.0.0.2)";
    return nullptr;
  }
  local.port = ENET_PORT_ANY;
  ENetHost* host = enet_host_create(config.clientHost.empty() ? nullptr : &local, config.maxLinks, kChannelCount, 0, 0);
  if (!host) {
    error = config.clientHost.empty() ? "cannot create an ENet client host"
                                      : "cannot send from " + config.clientHost + " (not an address of this machine?)";
    return nullptr;
  }
  return std::unique_ptr<EnetTransport>(new EnetTransport(host, config, false));
}

LinkId EnetTransport::adopt(ENetPeer* peer) {
  const LinkId link = m_nextLink++;
  peer->data = reinterpret_cast<void*>(static_cast<uintptr_t>(link));
  m_links[link] = peer;
  return link;
}

void EnetTransport::configureLink(ENetPeer* peer) {
  // ENet's throttle randomly drops unreliable packets when it believes the link is
  // congested; on a LAN that silently loses state. Keep it pinned fully open and
  // let the application budget its own bandwidth.
  enet_peer_throttle_configure(peer, 5000, ENET_PEER_PACKET_THROTTLE_SCALE, 0);
  enet_peer_timeout(peer, 0, m_config.timeoutMs, m_config.timeoutMs);
}

int EnetTransport::intercept(ENetHost* host, ENetEvent* event) {
  (void)event;
  EnetTransport* self = t_servicing;
  if (!self || self->m_host != host) return 0;
  return self->screenDatagram();
}

// Mirrors the checks ENet makes on a datagram's header and first command, to count
// what it would drop as not ENet at all. Only connect requests are dropped here;
// everything else is left to ENet, so a slip in this mirror can only miscount.
int EnetTransport::screenDatagram() {
  const uint8_t* data = m_host->receivedData;
  const size_t size = m_host->receivedDataLength;
  auto garbage = [this] {
    ++m_counters.garbageDatagrams;
    return 0;
  };
  if (size < 2) return garbage();
  const uint16_t word = readBigEndian16(data);
  const uint16_t flags = word & ENET_PROTOCOL_HEADER_FLAG_MASK;
  const uint16_t peerId = word & ~(ENET_PROTOCOL_HEADER_FLAG_MASK | ENET_PROTOCOL_HEADER_SESSION_MASK);
  const size_t headerBytes = (flags & ENET_PROTOCOL_HEADER_FLAG_SENT_TIME) ? 4 : 2;
  if (size < headerBytes + sizeof(ENetProtocolCommandHeader)) return garbage();
  if (flags & ENET_PROTOCOL_HEADER_FLAG_COMPRESSED) return garbage(); // no host of ours compresses
  const uint8_t command = data[headerBytes] & ENET_PROTOCOL_COMMAND_MASK;
  if (command == ENET_PROTOCOL_COMMAND_NONE || command >= ENET_PROTOCOL_COMMAND_COUNT) return garbage();
  if (peerId == ENET_PROTOCOL_MAXIMUM_PEER_ID) {
    if (command != ENET_PROTOCOL_COMMAND_CONNECT) return garbage();
    return screenConnect(headerBytes);
  }
  if (peerId >= m_host->peerCount || command == ENET_PROTOCOL_COMMAND_CONNECT) return garbage();
  const ENetPeer& peer = m_host->peers[peerId];
  if (peer.state != ENET_PEER_STATE_DISCONNECTED && peer.state != ENET_PEER_STATE_ZOMBIE &&
      (peer.address.host != m_host->receivedAddress.host || peer.address.port != m_host->receivedAddress.port))
    return garbage(); // a live peer's id from somewhere else
  return 0;
}

// A connect request: dropped (and counted) when this host takes no calls, when no
// peer slot is free, when the sender's address has maxPeersPerAddress peers here, or
// when it already has maxHalfOpenPerAddress handshakes in progress while half the
// slots or more are taken (with slots to spare, a burst of honest joins from one
// machine all go through: a handshake holds its slot for a round trip, or until
// reaped); otherwise ENet handles it. A repeat of a request ENet already holds is
// left to ENet, which ignores it.
int EnetTransport::screenConnect(size_t headerBytes) {
  const size_t size = m_host->receivedDataLength;
  if (size < headerBytes + sizeof(ENetProtocolConnect)) {
    ++m_counters.garbageDatagrams;
    return 0;
  }
  auto refuse = [this] {
    ++m_counters.connectsRefused;
    return 1;
  };
  if (!m_acceptsConnections) return refuse();
  const uint32_t connectId = readBigEndian32(m_host->receivedData + headerBytes + offsetof(ENetProtocolConnect, connectID));
  const ENetAddress& from = m_host->receivedAddress;
  int halfOpen = 0;
  size_t fromAddress = 0;
  size_t freeSlots = 0;
  for (size_t i = 0; i < m_host->peerCount; ++i) {
    const ENetPeer& peer = m_host->peers[i];
    if (peer.state == ENET_PEER_STATE_DISCONNECTED) {
      ++freeSlots;
      continue;
    }
    if (peer.address.host != from.host) continue;
    if (peer.address.port == from.port && peer.connectID == connectId) return 0; // a resend
    ++fromAddress;
    halfOpen += isHalfOpen(peer);
  }
  const bool crowded = freeSlots * 2 <= m_host->peerCount;
  if (freeSlots == 0 || (crowded && halfOpen >= m_config.maxHalfOpenPerAddress)) return refuse();
  if (m_config.maxPeersPerAddress > 0 && fromAddress >= m_config.maxPeersPerAddress) return refuse();
  return 0;
}

void EnetTransport::reap() {
  const uint32_t now = enet_time_get();
  if (now - m_lastReapMs < kReapIntervalMs) return;
  m_lastReapMs = now;
  for (size_t i = 0; i < m_host->peerCount; ++i) {
    ENetPeer& peer = m_host->peers[i];
    PeerWatch& watch = m_watch[i];
    if (peer.state == ENET_PEER_STATE_DISCONNECTED || watch.connectId != peer.connectID) {
      watch = PeerWatch{};
      watch.connectId = peer.connectID;
      watch.handshakeSinceMs = now;
      if (peer.state == ENET_PEER_STATE_DISCONNECTED) continue;
    }
    if (inIncomingHandshake(peer)) {
      if (now - watch.handshakeSinceMs >= m_config.handshakeTimeoutMs) {
        ++m_counters.halfOpenReaped;
        enet_peer_reset(&peer);
        watch = PeerWatch{};
      }
      continue;
    }
    if (peer.state != ENET_PEER_STATE_CONNECTED) continue;
    // Data that waits behind a gap: reliable commands after a missing one, or
    // unreliable ones stamped with a reliable sequence not yet reached.
    size_t waitingPackets = 0;
    bool progressed = watch.nextReliable.size() != peer.channelCount;
    for (size_t c = 0; c < peer.channelCount; ++c) {
      const ENetChannel& channel = peer.channels[c];
      waitingPackets += countUpTo(channel.incomingReliableCommands, kMaxWaitingPackets) +
                        countUpTo(channel.incomingUnreliableCommands, kMaxWaitingPackets);
      if (!progressed && watch.nextReliable[c] != channel.incomingReliableSequenceNumber) progressed = true;
    }
    if (waitingPackets == 0) {
      watch.stuckSinceMs = 0;
      continue;
    }
    if (waitingPackets > kMaxWaitingPackets) {
      dropHoarder(peer, watch, "packets waiting behind a gap");
      continue;
    }
    if (watch.stuckSinceMs == 0 || progressed) {
      watch.stuckSinceMs = now | 1; // 0 means "nothing waiting"
      watch.nextReliable.resize(peer.channelCount);
      for (size_t c = 0; c < peer.channelCount; ++c) watch.nextReliable[c] = peer.channels[c].incomingReliableSequenceNumber;
      continue;
    }
    if (now - watch.stuckSinceMs >= m_config.stuckGapTimeoutMs) dropHoarder(peer, watch, "a gap that never filled");
  }
}

// Drops a peer now (its link's Disconnected event is made here: ENet reports none
// for a reset), counting what it held.
void EnetTransport::dropHoarder(ENetPeer& peer, PeerWatch& watch, const char* why) {
  ++m_counters.hoardersDropped;
  m_counters.hoardedBytes += peer.totalWaitingData;
  log::warn("dropped a peer holding {} bytes: {}", peer.totalWaitingData, why);
  if (peer.data) {
    TransportEvent gone;
    gone.type = TransportEvent::Type::Disconnected;
    gone.link = linkOf(&peer);
    m_links.erase(gone.link);
    m_pending.push_back(std::move(gone));
    peer.data = nullptr;
  }
  enet_peer_disconnect_now(&peer, 0);
  watch = PeerWatch{};
}

bool EnetTransport::service(TransportEvent& event, uint32_t timeoutMs) {
  reap();
  if (!m_pending.empty()) {
    event = std::move(m_pending.front());
    m_pending.pop_front();
    return true;
  }
  ENetEvent ev{};
  t_servicing = this;
  const int got = enet_host_service(m_host, &ev, timeoutMs);
  t_servicing = nullptr;
  if (got <= 0) return false;
  return translate(ev, event);
}

bool EnetTransport::translate(const ENetEvent& ev, TransportEvent& event) {
  event.payload.clear();
  event.data = ev.data;
  switch (ev.type) {
  case ENET_EVENT_TYPE_CONNECT:
    event.type = TransportEvent::Type::Connected;
    // An outgoing connection already has a link id; an incoming one gets one now.
    event.link = ev.peer->data ? linkOf(ev.peer) : adopt(ev.peer);
    configureLink(ev.peer);
    return true;
  case ENET_EVENT_TYPE_DISCONNECT:
    event.type = TransportEvent::Type::Disconnected;
    event.link = linkOf(ev.peer);
    m_links.erase(event.link);
    ev.peer->data = nullptr;
    return true;
  case ENET_EVENT_TYPE_RECEIVE:
    event.type = TransportEvent::Type::Received;
    event.link = linkOf(ev.peer);
    event.channel = ev.channelID == 0 ? Channel::State : Channel::Reliable;
    event.payload.assign(ev.packet->data, ev.packet->data + ev.packet->dataLength);
    enet_packet_destroy(ev.packet);
    return true;
  case ENET_EVENT_TYPE_NONE:
    break;
  }
  return false;
}

void EnetTransport::send(LinkId link, Channel channel, std::span<const uint8_t> bytes) {
  auto it = m_links.find(link);
  if (it == m_links.end() || it->second->state != ENET_PEER_STATE_CONNECTED) return;
  const uint32_t flags = channel == Channel::Reliable ? ENET_PACKET_FLAG_RELIABLE : 0;
  ENetPacket* packet = enet_packet_create(bytes.data(), bytes.size(), flags);
  if (!packet) return;
  if (enet_peer_send(it->second, static_cast<enet_uint8>(channel), packet) != 0) enet_packet_destroy(packet);
}

LinkId EnetTransport::connect(const std::string& host, uint16_t port, uint32_t connectData) {
  ENetAddress address{};
  if (enet_address_set_host(&address, host.c_str()) != 0) {
    log::error("cannot resolve host '{}'", host);
    return kNoLink;
  }
  address.port = port;
  ENetPeer* peer = enet_host_connect(m_host, &address, kChannelCount, connectData);
  if (!peer) return kNoLink;
  return adopt(peer);
}

void EnetTransport::disconnect(LinkId link, uint32_t reason) {
  auto it = m_links.find(link);
  if (it == m_links.end()) return;
  enet_peer_disconnect(it->second, reason);
}

// enet_peer_disconnect() drops what is still queued; this one waits for it.
void EnetTransport::disconnectWhenSent(LinkId link, uint32_t reason) {
  auto it = m_links.find(link);
  if (it == m_links.end()) return;
  enet_peer_disconnect_later(it->second, reason);
}

void EnetTransport::flush() { enet_host_flush(m_host); }

size_t EnetTransport::queuedBytes(LinkId link) const {
  auto it = m_links.find(link);
  if (it == m_links.end()) return 0;
  ENetPeer* p = it->second;
  size_t queued = p->reliableDataInTransit;
  for (ENetListIterator c = enet_list_begin(&p->outgoingCommands); c != enet_list_end(&p->outgoingCommands);
       c = enet_list_next(c))
    queued += reinterpret_cast<const ENetOutgoingCommand*>(c)->fragmentLength;
  return queued;
}

RemoteAddress EnetTransport::remoteAddress(LinkId link) const {
  auto it = m_links.find(link);
  if (it == m_links.end()) return {};
  char ip[64] = {};
  if (enet_address_get_host_ip(&it->second->address, ip, sizeof ip) != 0) return {};
  return {ip, it->second->address.port};
}

LinkStats EnetTransport::stats(LinkId link) const {
  auto it = m_links.find(link);
  if (it == m_links.end()) return {};
  const ENetPeer* p = it->second;
  return {static_cast<float>(p->roundTripTime), static_cast<float>(p->roundTripTimeVariance),
          static_cast<float>(p->packetLoss) / static_cast<float>(ENET_PEER_PACKET_LOSS_SCALE)};
}

} // namespace ferrum
