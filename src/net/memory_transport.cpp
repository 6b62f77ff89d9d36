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
  if (m_inboxHead == m_inbox.size()) return false;
  TransportEvent& next = m_inbox[m_inboxHead++];
  event.type = next.type;
  event.link = next.link;
  event.channel = next.channel;
  event.data = next.data;
  // The caller's old payload storage becomes the spare the next send to us fills.
  event.payload.swap(next.payload);
  if (next.payload.capacity() > m_spare.capacity()) m_spare.swap(next.payload);
  if (m_inboxHead == m_inbox.size()) {
    m_inbox.clear(); // all serviced: start again at the front, storage kept
    m_inboxHead = 0;
  }
  return true;
}

void MemoryTransport::deliver(TransportEvent event) {
  // A reader that never drains the queue must not make it grow without end: drop
  // the serviced events once they are most of it.
  if (m_inboxHead > 64 && m_inboxHead * 2 > m_inbox.size()) {
    m_inbox.erase(m_inbox.begin(), m_inbox.begin() + static_cast<std::ptrdiff_t>(m_inboxHead));
    m_inboxHead = 0;
  }
  if (m_inbox.capacity() == 0) m_inbox.reserve(8); // one allocation for the usual few
  m_inbox.push_back(std::move(event));
}

void MemoryTransport::send(LinkId link, Channel channel, std::span<const uint8_t> bytes) {
  auto it = m_links.find(link);
  if (it == m_links.end()) return;
  TransportEvent ev;
  ev.type = TransportEvent::Type::Received;
  ev.link = it->second.linkThere;
  ev.channel = channel;
  MemoryTransport& there = *it->second.transport;
  ev.payload.swap(there.m_spare);
  ev.payload.assign(bytes.begin(), bytes.end());
  there.deliver(std::move(ev));
}

LinkId MemoryTransport::connect(const std::string&, uint16_t port, uint32_t connectData) {
  MemoryTransport* remote = m_network.find(port);
  if (!remote || remote == this) return kNoLink;
  const LinkId here = m_nextLink++;
  const LinkId there = remote->m_nextLink++;
  m_links[here] = {remote, there};
  remote->m_links[there] = {this, here};
  remote->deliver({TransportEvent::Type::Connected, there, Channel::Reliable, connectData, {}});
  deliver({TransportEvent::Type::Connected, here, Channel::Reliable, 0, {}});
  return here;
}

void MemoryTransport::disconnect(LinkId link, uint32_t reason) {
  auto it = m_links.find(link);
  if (it == m_links.end()) return;
  Remote remote = it->second;
  m_links.erase(it);
  remote.transport->m_links.erase(remote.linkThere);
  remote.transport->deliver({TransportEvent::Type::Disconnected, remote.linkThere, Channel::Reliable, reason, {}});
  deliver({TransportEvent::Type::Disconnected, link, Channel::Reliable, reason, {}});
}

} // namespace ferrum
