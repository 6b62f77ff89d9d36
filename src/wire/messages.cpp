#include "wire/messages.h"

#include "wire/exp_golomb.h"

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
  case DisconnectReason::TypeTableMismatch: return "type table mismatch";
  case DisconnectReason::Draining: return "server is shutting down (draining): join another server";
  }
  return "unknown reason";
}

static_assert(kMaxIdGapPrefix == kMaxExpGolombPrefix, "the id gap is read with the shared Exp-Golomb reader");

namespace {

constexpr uint32_t kMaxCounter = 0xFFFFFF;

constexpr size_t kAbsoluteIdBits = 1 + 8 + 24;

/// Whether the gap form is the one to write for `id` after `previous` (possible and
/// not longer than the absolute form), and the gap.
bool useGap(EntityId previous, EntityId id, uint32_t& gap) {
  if (id.creator() != previous.creator() || id.counter() <= previous.counter()) return false;
  gap = id.counter() - previous.counter() - 1;
  return 1 + expGolombBits(gap, kIdGapOrder) <= kAbsoluteIdBits;
}

size_t idBits(EntityId previous, EntityId id) {
  uint32_t gap = 0;
  return useGap(previous, id, gap) ? 1 + expGolombBits(gap, kIdGapOrder) : kAbsoluteIdBits;
}

size_t lengthBits(uint32_t previousBits, uint32_t bits) {
  return bits == previousBits ? 1 : 1 + expGolombBits(bits, kLengthOrder);
}

size_t codingBits(uint16_t baselineAge) {
  return baselineAge == 0 ? 1 : 1 + expGolombBits(baselineAge - 1u, kAgeOrder);
}

// Both forms of both codes, chosen by the caller (`shortForms` false: absolute id and
// explicit length, whatever the context).
bool writeFramed(WriteStream& out, const StateBlock& block, const BlockContext& context, bool shortForms) {
  bool more = true;
  out.serializeBool(more);
  uint32_t gap = 0;
  bool absolute = !(shortForms && useGap(context.previous, block.id, gap));
  out.serializeBool(absolute);
  if (absolute) {
    uint32_t slot = block.id.creator(), counter = block.id.counter();
    out.serializeUint(slot, 0, kMaxClientPeer);
    out.serializeUint(counter, 1, kMaxCounter);
  } else {
    serializeExpGolomb(out, gap, kIdGapOrder);
  }
  bool same = shortForms && block.bits == context.previousBits;
  out.serializeBool(same);
  if (!same) {
    uint32_t bits = block.bits;
    serializeExpGolomb(out, bits, kLengthOrder);
  }
  bool delta = block.baselineAge != 0;
  out.serializeBool(delta);
  if (delta) {
    uint32_t age = block.baselineAge - 1u;
    serializeExpGolomb(out, age, kAgeOrder);
  }
  out.serializeRawBits(block.payload.data(), block.bits);
  return out.ok();
}

// One block after `context`; false on anything malformed (never asserts).
bool readBlock(ReadStream& in, BlockContext& context, StateBlock& block) {
  bool absolute = false;
  if (!in.serializeBool(absolute)) return false;
  if (absolute) {
    uint32_t slot = 0, counter = 0;
    if (!in.serializeUint(slot, 0, kMaxClientPeer) || !in.serializeUint(counter, 1, kMaxCounter)) return false;
    block.id = EntityId::make(static_cast<PeerId>(slot), counter);
  } else {
    uint32_t gap = 0;
    if (!serializeExpGolomb(in, gap, kIdGapOrder)) return false;
    const uint64_t counter = uint64_t{context.previous.counter()} + 1 + gap;
    if (counter > kMaxCounter) return false; // would leave the previous id's slot
    block.id = EntityId::make(context.previous.creator(), static_cast<uint32_t>(counter));
  }
  bool same = false;
  if (!in.serializeBool(same)) return false;
  block.bits = context.previousBits;
  if (!same && !serializeExpGolomb(in, block.bits, kLengthOrder)) return false;
  if (block.bits > kMaxBlockBits) return false;
  bool delta = false;
  if (!in.serializeBool(delta)) return false;
  block.baselineAge = 0;
  if (delta) {
    uint32_t age = 0;
    if (!serializeExpGolomb(in, age, kAgeOrder) || age + 1 > kSpawnBaseline) return false;
    block.baselineAge = static_cast<uint16_t>(age + 1);
  }
  if (!extractBits(in, block.bits, block.payload)) return false;
  context = {block.id, block.bits};
  return true;
}

} // namespace

bool writeBlock(WriteStream& out, const StateBlock& block, BlockContext& context) {
  if (!writeFramed(out, block, context, true)) return false;
  context = {block.id, block.bits};
  return true;
}

size_t measureBlock(const StateBlock& block, const BlockContext& context) {
  return 1 + idBits(context.previous, block.id) + lengthBits(context.previousBits, block.bits) +
         codingBits(block.baselineAge) + block.bits;
}

bool writeBlock(WriteStream& out, const StateBlock& block) { return writeFramed(out, block, {}, false); }

size_t measureBlock(const StateBlock& block) {
  return 1 + 1 + 8 + 24 + lengthBits(~block.bits, block.bits) + codingBits(block.baselineAge) + block.bits;
}

bool writeEnd(WriteStream& out) {
  bool more = false;
  return out.serializeBool(more);
}

bool writeSectionStart(WriteStream& out, uint32_t senderTick, PeerId origin, uint32_t originTick) {
  bool section = true;
  uint32_t o = origin;
  out.serializeBool(section);
  out.serializeBits(senderTick, 32);
  out.serializeUint(o, 1, kMaxClientPeer);
  out.serializeBits(originTick, 32);
  return out.ok();
}

namespace {

// One section's blocks up to and including its end marker; `count` counts blocks over
// the whole packet against `maxBlocks`.
bool readBlocks(ReadStream& in, std::vector<StateBlock>& blocks, size_t& count, size_t maxBlocks) {
  BlockContext context;
  for (;;) {
    bool more = false;
    if (!in.serializeBool(more)) return false;
    if (!more) return true;
    if (count >= maxBlocks) return false;
    StateBlock block;
    if (!readBlock(in, context, block)) return false;
    blocks.push_back(std::move(block));
    ++count;
  }
}

} // namespace

bool readStatePacket(std::span<const uint8_t> bytes, StatePacket& out, size_t maxBlocks) {
  out.blocks.clear();
  out.sections.clear();
  ReadStream in(bytes);
  if (!out.header.serialize(in)) return false;
  size_t count = 0;
  if (!readBlocks(in, out.blocks, count, maxBlocks)) return false;
  // Further origins' sections: each announced by a 1 bit; a 0 bit (or no bits left,
  // when the end marker closed the last byte) ends the packet.
  for (;;) {
    bool section = false;
    if (in.bitsRemaining() > 0 && !in.serializeBool(section)) return false;
    if (!section) break;
    if (out.sections.size() >= kMaxExtraSections) return false;
    StateSection s;
    uint32_t origin = 0;
    in.serializeBits(s.senderTick, 32);
    in.serializeUint(origin, 1, kMaxClientPeer);
    in.serializeBits(s.originTick, 32);
    if (!in.ok()) return false;
    s.origin = static_cast<PeerId>(origin);
    if (!readBlocks(in, s.blocks, count, maxBlocks)) return false;
    out.sections.push_back(std::move(s));
  }
  // Only zero padding may follow the end marker.
  if (in.bitsRemaining() >= 8) return false;
  uint32_t padding = 0;
  const int left = static_cast<int>(in.bitsRemaining());
  return in.serializeBits(padding, left) && padding == 0;
}

} // namespace ferrum::wire
