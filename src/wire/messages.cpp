#include "wire/messages.h"

namespace ferrum::wire {

std::string describe(DisconnectReason reason) {
  switch (reason) {
  case DisconnectReason::TimedOut: return "timed out";
  case DisconnectReason::Leaving: return "left";
  case DisconnectReason::ProtocolMismatch: return "protocol version mismatch";
  case DisconnectReason::GameMismatch: return "game id mismatch";
  case DisconnectReason::ServerFull: return "server full";
  case DisconnectReason::Kicked: return "kicked for repeated violations";
  case DisconnectReason::ServerShutdown: return "server shut down";
  case DisconnectReason::TooSlow: return "dropped: too far behind (backlog limit)";
  }
  return "unknown reason";
}

bool writeBlock(WriteStream& out, const StateBlock& block) {
  bool more = true;
  uint32_t id = block.id.value, bits = block.bits;
  out.serializeBool(more);
  out.serializeBits(id, 32);
  out.serializeVarUint(bits);
  out.serializeRawBits(block.payload.data(), block.bits);
  return out.ok();
}

size_t measureBlock(const StateBlock& block) {
  MeasureStream m;
  uint32_t bits = block.bits;
  m.serializeVarUint(bits);
  return 1 + 32 + m.bits() + block.bits;
}

bool writeEnd(WriteStream& out) {
  bool more = false;
  return out.serializeBool(more);
}

bool readStatePacket(std::span<const uint8_t> bytes, StatePacket& out, size_t maxBlocks) {
  out.blocks.clear();
  ReadStream in(bytes);
  if (!out.header.serialize(in)) return false;
  for (;;) {
    bool more = false;
    if (!in.serializeBool(more)) return false;
    if (!more) break;
    if (out.blocks.size() >= maxBlocks) return false;
    StateBlock block;
    uint32_t id = 0;
    if (!in.serializeBits(id, 32) || id == 0) return false;
    block.id = EntityId{id};
    if (!in.serializeVarUint(block.bits) || block.bits > kMaxBlockBits) return false;
    if (!extractBits(in, block.bits, block.payload)) return false;
    out.blocks.push_back(std::move(block));
  }
  // Only zero padding may follow the end marker.
  return in.bitsRemaining() < 8;
}

} // namespace ferrum::wire
