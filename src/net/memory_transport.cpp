#include "ferrum/memory_transport.h"

#include <cassert>

namespace ferrum {

MemoryTransport& MemoryNetwork::endpoint(uint16_t port) {
  assert(!m_endpoints.contains(port));
  auto t = std::unique_ptr<MemoryTransport>(new MemoryTransport(*this, port));
  auto& ref = *t;
  m_endpoints.emplace(port, std::move(t));
  return ref;
}

MemoryTransport* MemoryNetwork::find(uint16_t port) {
  auto it = m_endpoints.find(port);
  return it == m_endpoints.end() ? nullptr : it->second.get();
}

bool MemoryTransport::service(TransportEvent& event, uint32_t) {
  if (m_inbox.empty()) return false;
  event = std::move(m_inbox.front());
  m_inbox.pop_front();
  return true;
}

void MemoryTransport::send(LinkId link, Channel channel, std::span<const uint8_t> bytes) {
  auto it = m_links.find(link);
  if (it == m_links.end()) return;
  TransportEvent ev;
  ev.type = TransportEvent::Type::Received;
  ev.link = it->second.linkThere;
  ev.channel = channel;
  ev.payload.assign(bytes.begin(), bytes.end());
  it->second.transport->m_inbox.push_back(std::move(ev));
}

LinkId MemoryTransport::connect(const std::string&, uint16_t port, uint32_t connectData) {
  MemoryTransport* remote = m_network.find(port);
  if (!remote || remote == this) return kNoLink;
  const LinkId here = m_nextLink++;
  const LinkId there = remote->m_nextLink++;
  m_links[here] = {remote, there};
  remote->m_links[there] = {this, here};
  remote->m_inbox.push_back({TransportEvent::Type::Connected, there, Channel::Reliable, connectData, {}});
  m_inbox.push_back({TransportEvent::Type::Connected, here, Channel::Reliable, 0, {}});
  return here;
}

void MemoryTransport::disconnect(LinkId link, uint32_t reason) {
  auto it = m_links.find(link);
  if (it == m_links.end()) return;
  Remote remote = it->second;
  m_links.erase(it);
  remote.transport->m_links.erase(remote.linkThere);
  remote.transport->m_inbox.push_back(
      {TransportEvent::Type::Disconnected, remote.linkThere, Channel::Reliable, reason, {}});
  m_inbox.push_back({TransportEvent::Type::Disconnected, link, Channel::Reliable, reason, {}});
}

} // namespace ferrum
