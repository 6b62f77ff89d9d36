#include "wire/message_batch.h"

#include <utility>

#include "ferrum/bit_stream.h"
#include "wire/messages.h"

namespace ferrum::wire {

namespace {
// The first byte: the type in the 4 bits a reliable message starts with (as the
// receiver's ReadStream reads them), then 4 zero bits.
static_assert(kMessageTypeBits <= 8, "the type and its padding make one byte");
uint8_t makeHeaderByte() {
  WriteStream out(1);
  uint32_t type = static_cast<uint32_t>(MessageType::Spawns), zero = 0;
  out.serializeBits(type, kMessageTypeBits);
  out.serializeBits(zero, 8 - kMessageTypeBits);
  return out.take().at(0);
}

uint8_t headerByte() {
  static const uint8_t header = makeHeaderByte();
  return header;
}
} // namespace

bool MessageBatch::add(std::span<const uint8_t> message) {
  if (message.empty() || message.size() > kMaxBatchedMessageBytes || m_count == kMaxBatchedMessages) return false;
  if (m_count == 0) {
    m_bytes.clear();
    m_bytes.push_back(headerByte());
    m_bytes.push_back(0); // the count, written by take()
  }
  m_bytes.push_back(static_cast<uint8_t>(message.size()));
  m_bytes.insert(m_bytes.end(), message.begin(), message.end());
  ++m_count;
  return true;
}

std::vector<uint8_t> MessageBatch::take() {
  if (m_count == 0) return {};
  m_bytes[1] = static_cast<uint8_t>(m_count);
  m_count = 0;
  return std::exchange(m_bytes, {});
}

bool readBatch(std::span<const uint8_t> packet, std::vector<std::span<const uint8_t>>& out) {
  out.clear();
  if (packet.size() < 2 || packet[0] != headerByte()) return false;
  const size_t count = packet[1];
  if (count == 0) return false;
  size_t at = 2;
  for (size_t i = 0; i < count; ++i) {
    if (at >= packet.size()) return out.clear(), false;
    const size_t length = packet[at++];
    if (length == 0 || length > packet.size() - at) return out.clear(), false;
    out.push_back(packet.subspan(at, length));
    at += length;
  }
  if (at != packet.size()) return out.clear(), false;
  return true;
}

} // namespace ferrum::wire
