#include "ferrum/enet_transport.h"

#include <enet/enet.h>
#include "base/log.h"

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

constexpr size_t kMaxMessageBytes = 64 * 1024;

LinkId linkOf(const ENetPeer* peer) { return static_cast<LinkId>(reinterpret_cast<uintptr_t>(peer->data)); }
} // namespace

EnetTransport::EnetTransport(ENetHost* host, const EnetConfig& config) : m_host(host), m_config(config) {
  // ENet reassembles fragments up to 32 MB by default before anyone can look at the
  // bytes; ferrum's largest message is a 1400-byte state packet or a small reliable
  // one, so a peer announcing more is refused by ENet before it costs memory.
  m_host->maximumPacketSize = kMaxMessageBytes;
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
  return std::unique_ptr<EnetTransport>(new EnetTransport(host, config));
}

std::unique_ptr<EnetTransport> EnetTransport::client(const EnetConfig& config, std::string& error) {
  if (!ensureEnet()) {
    error = "enet_initialize failed";
    return nullptr;
  }
  ENetHost* host = enet_host_create(nullptr, config.maxLinks, kChannelCount, 0, 0);
  if (!host) {
    error = "cannot create an ENet client host";
    return nullptr;
  }
  return std::unique_ptr<EnetTransport>(new EnetTransport(host, config));
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

bool EnetTransport::service(TransportEvent& event, uint32_t timeoutMs) {
  ENetEvent ev{};
  const int got = enet_host_service(m_host, &ev, timeoutMs);
  if (got <= 0) return false;
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

LinkStats EnetTransport::stats(LinkId link) const {
  auto it = m_links.find(link);
  if (it == m_links.end()) return {};
  const ENetPeer* p = it->second;
  return {static_cast<float>(p->roundTripTime), static_cast<float>(p->roundTripTimeVariance),
          static_cast<float>(p->packetLoss) / static_cast<float>(ENET_PEER_PACKET_LOSS_SCALE)};
}

} // namespace ferrum
