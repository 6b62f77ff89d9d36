#pragma once
// Several reliable messages in one reliable packet. A join sends each client tens of
// spawns a tick, and ENet pays per packet: a command to queue, an acknowledgement to
// send back and match, a resend timer, an allocation on each side, an event for the
// receiver. Each message is carried whole, byte for byte as it would go alone, so the
// receiver handles each exactly so (a spawn's baseline is built from its very bytes,
// net/spawn_baseline.h).
//
// Layout (docs/protocol.md, "Spawns"): [type:4 = MessageType::Spawns][0:4][count:8]
// then count x [length:8][message], count 1..255, length 1..255, nothing after the last.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace ferrum::wire {

constexpr size_t kMaxBatchedMessages = 255;
constexpr size_t kMaxBatchedMessageBytes = 255;

class MessageBatch {
public:
  /// Adds a whole message (as encodeMessage made it). False, and nothing added, when
  /// it is empty or longer than kMaxBatchedMessageBytes or the batch is full.
  bool add(std::span<const uint8_t> message);
  size_t count() const { return m_count; }
  /// The packet's size so far (with the header).
  size_t bytes() const { return m_count == 0 ? 0 : m_bytes.size(); }
  /// The packet (empty when nothing was added); the batch starts again empty.
  std::vector<uint8_t> take();

private:
  std::vector<uint8_t> m_bytes;
  size_t m_count = 0;
};

/// The messages of a batch packet, in order. False (and `out` empty) unless `packet`
/// is a well-formed batch throughout: its type, its zero bits, 1..255 messages of
/// 1..255 bytes each, exactly filling it.
bool readBatch(std::span<const uint8_t> packet, std::vector<std::span<const uint8_t>>& out);

} // namespace ferrum::wire
