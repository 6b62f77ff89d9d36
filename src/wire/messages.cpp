#include "wire/messages.h"

#include "wire/exp_golomb.h"
#include "wire/payload_extent.h"

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

/// The id code 0 (Exp-Golomb: kIdGapOrder + 1 bits), then slot and counter.
constexpr size_t kAbsoluteIdBits = 1 + kIdGapOrder + 8 + 24;

/// The gap from `previous` to `id`, if the gap form can name it at all.
bool gapFrom(EntityId previous, EntityId id, uint32_t& gap) {
  if (id.creator() != previous.creator() || id.counter() <= previous.counter()) return false;
  gap = id.counter() - previous.counter() - 1;
  return gap < 0xFFFFFFFFu && expGolombBits(gap + 1, kIdGapOrder) <= 2 * kMaxIdGapPrefix + 1 + kIdGapOrder;
}

/// A length after the previous block's, as zigzag(difference) - 1 (consecutive deltas
/// are of similar size; the same length has its own bit).
uint32_t lengthCode(uint32_t previousBits, uint32_t bits) {
  return zigzag(int64_t{bits} - int64_t{previousBits}) - 1;
}

/// The self-delimited flag, then the length (none when self-delimited) after the
/// previous block (`relative`) or on its own.
size_t lengthBits(const BlockContext& context, uint32_t bits, bool selfDelimited, bool relative) {
  if (selfDelimited) return 1;
  if (!relative) return 1 + expGolombBits(bits, kLengthOrder);
  return bits == context.previousBits ? 2 : 2 + expGolombBits(lengthCode(context.previousBits, bits), kLengthDiffOrder);
}

/// [delta:1]; 1 = then [baselineAge - 1: Exp-Golomb order kAgeOrder].
size_t codingBits(uint16_t baselineAge) {
  return baselineAge == 0 ? 1 : 1 + expGolombBits(baselineAge - 1u, kAgeOrder);
}

/// The gap form after a delta block starts with [like the previous:1]: 1 = a
/// self-delimited delta with the previous block's baseline age (nothing more: the
/// usual block of a sender's own series costs one bit here); 0 = the fields below.
bool likePrevious(const StateBlock& block, const BlockContext& context, bool delimited) {
  return delimited && block.baselineAge != 0 && block.baselineAge == context.previousAge;
}

/// Bits of the block's framing in the relative form (gap id) or the absolute one.
size_t framingBits(const StateBlock& block, const BlockContext& context, bool relative, uint32_t gap, bool delimited) {
  const size_t id = relative ? expGolombBits(gap + 1, kIdGapOrder) : kAbsoluteIdBits;
  const bool afterDelta = relative && context.previousAge != 0;
  if (afterDelta && likePrevious(block, context, delimited)) return 1 + id + 1;
  return 1 + id + (afterDelta ? 1 : 0) + lengthBits(context, block.bits, delimited, relative) +
         codingBits(block.baselineAge);
}

/// Whether to write `block` in the relative form after `context` (possible and not
/// longer than the absolute form), and the gap.
bool useRelative(const StateBlock& block, const BlockContext& context, uint32_t& gap, bool delimited) {
  return gapFrom(context.previous, block.id, gap) &&
         framingBits(block, context, true, gap, delimited) <= framingBits(block, context, false, 0, delimited);
}

// `relative` false: the absolute form, which reads the same after any block.
bool writeFramed(WriteStream& out, const StateBlock& block, const BlockContext& context, bool relative, uint32_t gap,
                 bool delimited) {
  bool more = true;
  out.serializeBool(more);
  if (!relative) {
    uint32_t code = 0, slot = block.id.creator(), counter = block.id.counter(), bits = block.bits;
    serializeExpGolomb(out, code, kIdGapOrder);
    out.serializeUint(slot, 0, kMaxClientPeer);
    out.serializeUint(counter, 1, kMaxCounter);
    out.serializeBool(delimited);
    if (!delimited) serializeExpGolomb(out, bits, kLengthOrder);
  } else {
    uint32_t code = gap + 1;
    serializeExpGolomb(out, code, kIdGapOrder);
    if (context.previousAge != 0) {
      bool like = likePrevious(block, context, delimited);
      out.serializeBool(like);
      if (like) {
        out.serializeRawBits(block.payload.data(), block.bits);
        return out.ok();
      }
    }
    out.serializeBool(delimited);
    if (!delimited) {
      bool same = block.bits == context.previousBits;
      out.serializeBool(same);
      code = lengthCode(context.previousBits, block.bits);
      if (!same) serializeExpGolomb(out, code, kLengthDiffOrder);
    }
  }
  bool delta = block.baselineAge != 0;
  out.serializeBool(delta);
  uint32_t age = block.baselineAge - 1u;
  if (delta) serializeExpGolomb(out, age, kAgeOrder);
  out.serializeRawBits(block.payload.data(), block.bits);
  return out.ok();
}

using BlockLayout = std::function<const FieldLayout*(EntityId)>;

// One block after `context` (never asserts). A self-delimited block is delimited by
// `layoutOf` (nullptr: no such lookup, a self-delimited block is malformed here).
PacketRead readBlock(ReadStream& in, BlockContext& context, StateBlock& block, const BlockLayout* layoutOf) {
  constexpr PacketRead bad = PacketRead::Malformed;
  uint32_t idCode = 0;
  if (!serializeExpGolomb(in, idCode, kIdGapOrder)) return bad;
  const bool absolute = idCode == 0;
  if (absolute) {
    uint32_t slot = 0, counter = 0;
    if (!in.serializeUint(slot, 0, kMaxClientPeer) || !in.serializeUint(counter, 1, kMaxCounter)) return bad;
    block.id = EntityId::make(static_cast<PeerId>(slot), counter);
  } else {
    const uint64_t counter = uint64_t{context.previous.counter()} + idCode; // previous + 1 + gap
    if (counter > kMaxCounter) return bad; // would leave the previous id's slot
    block.id = EntityId::make(context.previous.creator(), static_cast<uint32_t>(counter));
  }
  block.selfDelimited = false;
  block.baselineAge = 0;
  bool like = false; // a self-delimited delta with the previous block's age: nothing more
  if (!absolute && context.previousAge != 0 && !in.serializeBool(like)) return bad;
  if (like) {
    block.selfDelimited = true;
    block.baselineAge = context.previousAge;
  } else {
    if (!in.serializeBool(block.selfDelimited)) return bad;
    if (!block.selfDelimited && absolute) {
      if (!serializeExpGolomb(in, block.bits, kLengthOrder) || block.bits > kMaxBlockBits) return bad;
    } else if (!block.selfDelimited) {
      bool same = false;
      if (!in.serializeBool(same)) return bad;
      block.bits = context.previousBits;
      if (!same) {
        uint32_t code = 0;
        if (!serializeExpGolomb(in, code, kLengthDiffOrder) || code == 0xFFFFFFFFu) return bad;
        const int64_t bits = int64_t{context.previousBits} + unzigzag(code + 1);
        if (bits < 0 || bits > int64_t{kMaxBlockBits}) return bad;
        block.bits = static_cast<uint32_t>(bits);
      }
    }
    bool delta = false;
    if (!in.serializeBool(delta)) return bad;
    if (delta) {
      uint32_t age = 0;
      if (!serializeExpGolomb(in, age, kAgeOrder) || age + 1 > kSpawnBaseline) return bad; // or the spawn
      block.baselineAge = static_cast<uint16_t>(age + 1);
    }
  }
  if (block.selfDelimited) {
    if (!layoutOf) return bad; // only the first section may carry them
    // The rest of the packet can be found only through this block's layout: without
    // one (or with bits that do not walk it), nothing after it can be read.
    const FieldLayout* layout = (*layoutOf)(block.id);
    size_t bits = 0;
    if (!layout || !payloadExtent(in, *layout, block.baselineAge, kMaxBlockBits, bits))
      return PacketRead::Unreadable;
    block.bits = static_cast<uint32_t>(bits);
  }
  if (!extractBits(in, block.bits, block.payload)) return bad;
  context = contextAfter(block);
  return PacketRead::Ok;
}

} // namespace

bool writeBlock(WriteStream& out, const StateBlock& block, BlockContext& context, bool selfDelimited) {
  uint32_t gap = 0;
  const bool relative = useRelative(block, context, gap, selfDelimited);
  if (!writeFramed(out, block, context, relative, gap, selfDelimited)) return false;
  context = contextAfter(block);
  return true;
}

bool writeBlock(WriteStream& out, const StateBlock& block, BlockContext& context) {
  return writeBlock(out, block, context, block.selfDelimited);
}

size_t measureBlock(const StateBlock& block, const BlockContext& context, bool selfDelimited) {
  uint32_t gap = 0;
  const bool relative = useRelative(block, context, gap, selfDelimited);
  return framingBits(block, context, relative, gap, selfDelimited) + block.bits;
}

size_t measureBlock(const StateBlock& block, const BlockContext& context) {
  return measureBlock(block, context, block.selfDelimited);
}

bool writeBlock(WriteStream& out, const StateBlock& block) {
  return writeFramed(out, block, {}, false, 0, block.selfDelimited);
}

size_t measureBlock(const StateBlock& block) { return framingBits(block, {}, false, 0, block.selfDelimited) + block.bits; }

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
// the whole packet against `maxBlocks`. `unreadable`: the block that made it so.
PacketRead readBlocks(ReadStream& in, std::vector<StateBlock>& blocks, size_t& count, size_t maxBlocks,
                      const BlockLayout* layoutOf, EntityId& unreadable) {
  BlockContext context;
  for (;;) {
    bool more = false;
    if (!in.serializeBool(more)) return PacketRead::Malformed;
    if (!more) return PacketRead::Ok;
    if (count >= maxBlocks) return PacketRead::Malformed;
    StateBlock block;
    if (const PacketRead r = readBlock(in, context, block, layoutOf); r != PacketRead::Ok) {
      if (r == PacketRead::Unreadable) unreadable = block.id;
      return r;
    }
    blocks.push_back(std::move(block));
    ++count;
  }
}

} // namespace

PacketRead readStatePacket(std::span<const uint8_t> bytes, StatePacket& out, const DelimitLayout& layoutOf,
                           size_t maxBlocks) {
  constexpr PacketRead bad = PacketRead::Malformed;
  out.blocks.clear();
  out.sections.clear();
  out.unreadable = kNullEntity;
  ReadStream in(bytes);
  if (!out.header.serialize(in)) return bad;
  size_t count = 0;
  // The header's section is the sender's own series: the only one whose blocks the
  // receiver can have been told to delimit by their layout.
  const BlockLayout first = [&](EntityId id) { return layoutOf ? layoutOf(out.header, id) : nullptr; };
  if (const PacketRead r = readBlocks(in, out.blocks, count, maxBlocks, &first, out.unreadable); r != PacketRead::Ok)
    return r;
  // Further origins' sections: each announced by a 1 bit; a 0 bit (or no bits left,
  // when the end marker closed the last byte) ends the packet.
  for (;;) {
    bool section = false;
    if (in.bitsRemaining() > 0 && !in.serializeBool(section)) return bad;
    if (!section) break;
    if (out.sections.size() >= kMaxExtraSections) return bad;
    StateSection s;
    uint32_t origin = 0;
    in.serializeBits(s.senderTick, 32);
    in.serializeUint(origin, 1, kMaxClientPeer);
    in.serializeBits(s.originTick, 32);
    if (!in.ok()) return bad;
    s.origin = static_cast<PeerId>(origin);
    if (readBlocks(in, s.blocks, count, maxBlocks, nullptr, out.unreadable) != PacketRead::Ok) return bad;
    out.sections.push_back(std::move(s));
  }
  // Only zero padding may follow the end marker.
  if (in.bitsRemaining() >= 8) return bad;
  uint32_t padding = 0;
  const int left = static_cast<int>(in.bitsRemaining());
  return in.serializeBits(padding, left) && padding == 0 ? PacketRead::Ok : bad;
}

bool readStatePacket(std::span<const uint8_t> bytes, StatePacket& out, size_t maxBlocks) {
  return readStatePacket(bytes, out, DelimitLayout{}, maxBlocks) == PacketRead::Ok;
}

} // namespace ferrum::wire
