#pragma once
// Every message on the wire, each with one serialize() over write, read and measure.
// docs/protocol.md describes the same layout; change both together.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "ferrum/bit_stream.h"
#include "ferrum/field_layout.h"
#include "ferrum/ids.h"
#include "ferrum/quantize.h"
#include "ferrum/rigid_quantization.h"
#include "ferrum/spawn_state.h"

namespace ferrum::wire {

constexpr uint16_t kProtocolVersion = 12;

/// ENet connect data: [protocol version:16][game id:16].
constexpr uint32_t packConnectData(uint16_t protocol, uint16_t gameId) { return (uint32_t{protocol} << 16) | gameId; }
constexpr uint16_t connectProtocol(uint32_t data) { return static_cast<uint16_t>(data >> 16); }
constexpr uint16_t connectGame(uint32_t data) { return static_cast<uint16_t>(data & 0xFFFF); }

/// Why a link was closed; travels in ENet's disconnect data as
/// [detail:16][reason:8] (detail: the server's protocol version or game id on a mismatch,
/// the low 16 bits of the server's type table fingerprint on a type table mismatch).
enum class DisconnectReason : uint8_t {
  TimedOut = 0, ///< no reason given: ENet timed the peer out
  Leaving = 1,
  ProtocolMismatch = 2,
  GameMismatch = 3,
  ServerFull = 4,
  Kicked = 5,
  ServerShutdown = 6,
  TooSlow = 7, ///< the server's backlog to this client passed its limit
  TypeTableMismatch = 8, ///< its hello's type table is not the server's (a TypeTable message says how)
  Draining = 9, ///< the server is being stopped by its operator: no new joins, goodbye to the rest
};
constexpr uint32_t packDisconnect(DisconnectReason r, uint16_t detail = 0) {
  return (uint32_t{detail} << 8) | static_cast<uint8_t>(r);
}
constexpr DisconnectReason disconnectReason(uint32_t data) { return static_cast<DisconnectReason>(data & 0xFF); }
constexpr uint16_t disconnectDetail(uint32_t data) { return static_cast<uint16_t>(data >> 8); }
std::string describe(DisconnectReason reason);

// ------------------------------------------------------------ reliable channel

enum class MessageType : uint8_t {
  Welcome = 1,
  Spawn = 2,
  Despawn = 3,
  PeerJoined = 4,
  PeerLeft = 5,
  EntityEvent = 6,
  SetAuthority = 7,
  Hello = 8,     ///< client -> server, its first message: the type table it registered
  TypeTable = 9, ///< server -> a client it refuses for its type table: the server's table
  Leave = 10,         ///< server -> client: an entity left its interest; drop the copy (not a despawn)
  WorldComplete = 11, ///< server -> client: every spawn queued at its join has been sent before this
  SpawnAck = 12,      ///< client -> server: how many spawns it has received so far
  Spawns = 13,        ///< server -> client: several Spawn messages in one packet (wire/message_batch.h)
};
constexpr uint32_t kMaxMessageType = 15;
/// Every reliable message starts with its type in this many bits.
constexpr int kMessageTypeBits = 4;
static_assert(kMaxMessageType < (1u << kMessageTypeBits));

/// Reads the type a reliable message starts with; false when there are not enough
/// bits. The value is the peer's: it may name no MessageType.
inline bool readMessageType(ReadStream& in, uint32_t& type) {
  type = 0;
  return in.serializeBits(type, kMessageTypeBits);
}

struct Welcome {
  uint16_t protocol = kProtocolVersion;
  PeerId yourSlot = kNoPeer;
  uint32_t serverTick = 0;
  uint16_t tickHz = 60;
  uint16_t sendHz = 30;
  /// Where this slot's entity counter continues: ids stay unique for the server's
  /// lifetime even when a slot is reused by a later client.
  uint32_t firstCounter = 1;

  template <class S>
  bool serialize(S& s) {
    uint32_t proto = protocol, slot = yourSlot, tick = serverTick, th = tickHz, sh = sendHz;
    s.serializeUint(firstCounter, 1, 0xFFFFFF);
    s.serializeBits(proto, 16);
    s.serializeUint(slot, 1, kMaxClientPeer);
    s.serializeBits(tick, 32);
    s.serializeUint(th, 1, 1000);
    s.serializeUint(sh, 1, 1000);
    if constexpr (S::kReading) {
      protocol = static_cast<uint16_t>(proto);
      yourSlot = static_cast<PeerId>(slot);
      serverTick = tick;
      tickHz = static_cast<uint16_t>(th);
      sendHz = static_cast<uint16_t>(sh);
    }
    return s.ok();
  }
};

/// One registered entity type as every peer must agree on it. OwnerLeave is the core's
/// OwnerLeavePolicy as a number (0: despawn, 1: hand to the server).
struct TypeEntry {
  uint16_t id = 0;
  std::string name; ///< at most kMaxTypeNameBytes (longer names are cut there)
  bool clientMaySpawn = false;
  uint8_t onOwnerLeave = 0;
  /// precisionDigest() of the type's statePrecision (0: none): how its spawns are coded.
  uint32_t precision = 0;

  friend bool operator==(const TypeEntry&, const TypeEntry&) = default;

  template <class S>
  bool serialize(S& s);
};
constexpr size_t kMaxTypeNameBytes = 64;
/// Types a handshake names (the TypeTable message stays well under ENet's 64 KiB cap).
constexpr uint32_t kMaxTypeEntries = 512;

/// FNV-1a (64 bit) of a table's canonical bytes: per entry, in ascending id order,
/// [id:16 big-endian][clientMaySpawn:8][onOwnerLeave:8][name length:8][name bytes]
/// [precision digest:32 big-endian].
/// The same on every platform and build (no std::hash); docs/protocol.md has it too.
uint64_t typeTableFingerprint(const std::vector<TypeEntry>& table);

/// The client's first message: which type table it registered.
struct Hello {
  uint32_t typeCount = 0;
  uint64_t fingerprint = 0;

  template <class S>
  bool serialize(S& s) {
    uint32_t high = static_cast<uint32_t>(fingerprint >> 32), low = static_cast<uint32_t>(fingerprint);
    s.serializeUint(typeCount, 0, kMaxTypeEntries);
    s.serializeBits(high, 32);
    s.serializeBits(low, 32);
    if constexpr (S::kReading) fingerprint = (uint64_t{high} << 32) | low;
    return s.ok();
  }
};

/// Reads `count` entries into `entries` (cleared first), growing it as each entry is
/// read rather than allocating the claimed count up front: the count is the sender's
/// claim (up to kMaxTypeEntries), and a short message must cost what it carries.
bool readTypeEntries(ReadStream& s, uint32_t count, std::vector<TypeEntry>& entries);

/// The server's type table, sent to a client refused for its own, so that the
/// client can say exactly what differs. Entries in ascending id order.
struct TypeTable {
  std::vector<TypeEntry> entries;

  template <class S>
  bool serialize(S& s) {
    uint32_t count = static_cast<uint32_t>(entries.size());
    s.serializeUint(count, 0, kMaxTypeEntries);
    if constexpr (S::kReading) {
      if (!s.ok()) return false;
      return readTypeEntries(s, count, entries);
    } else {
      for (TypeEntry& e : entries)
        if (!e.serialize(s)) return false;
      return s.ok();
    }
  }
};

template <class S>
bool TypeEntry::serialize(S& s) {
  uint32_t idv = id, leave = onOwnerLeave;
  uint32_t length = static_cast<uint32_t>(std::min(name.size(), kMaxTypeNameBytes));
  s.serializeUint(idv, 1, 0xFFFF);
  s.serializeBool(clientMaySpawn);
  s.serializeUint(leave, 0, 3);
  s.serializeUint(length, 0, kMaxTypeNameBytes);
  if constexpr (S::kReading) {
    if (!s.ok()) return false;
    name.assign(length, '\0');
  }
  for (uint32_t i = 0; i < length; ++i) {
    uint32_t c = static_cast<uint8_t>(name[i]);
    s.serializeBits(c, 8);
    if constexpr (S::kReading) name[i] = static_cast<char>(c);
  }
  s.serializeBits(precision, 32);
  if constexpr (S::kReading) {
    id = static_cast<uint16_t>(idv);
    onOwnerLeave = static_cast<uint8_t>(leave);
  }
  return s.ok();
}

/// True for ids a state block can name: slot 0..kMaxClientPeer, counter 1..2^24-1.
/// Anything else is refused at the spawn, or it would be an entity whose state no
/// packet can carry.
constexpr bool isNameable(EntityId id) { return id.creator() <= kMaxClientPeer && id.counter() != 0; }

/// A type's declared precision (EntityType::statePrecision), looked up by type id
/// while a Spawn is read or written; nullptr: the type has none.
using PrecisionOf = std::function<const RigidQuantization*(EntityTypeId)>;

/// The spawn state at a type's precision: position ranged per axis, orientation in
/// "smallest three" (4 floats when the type sends none: a body physics keeps upright
/// still has a heading to start from), velocities ranged when the type sends them
/// (decoded as zero when it does not; the angular one likewise). The same fields,
/// steps and ranges as the type's state blocks, so a copy starts exactly where the
/// first state would put it; every read value is finite and inside the declared range.
template <class S>
bool serializeSpawnState(S& s, SpawnState& state, const RigidQuantization& q) {
  if constexpr (S::kWriting) {
    const auto finite = [](Vec3 v) { return std::isfinite(v.x) && std::isfinite(v.y) && std::isfinite(v.z); };
    const Quat& o = state.transform.orientation;
    if (!finite(state.transform.position) || !finite(state.linearVelocity) || !finite(state.angularVelocity) ||
        !std::isfinite(o.x + o.y + o.z + o.w)) {
      int32_t invalid = 1; // quantizing would hide it: fail the stream, as a raw float does
      s.serializeInt(invalid, 0, 0);
      return false;
    }
  }
  serializeQuantized(s, state.transform.position, q.positionX, q.positionY, q.positionZ);
  if (q.orientationBits > 0) {
    serializeQuatSmallestThree(s, state.transform.orientation, q.orientationBits);
  } else {
    serializeQuatRaw(s, state.transform.orientation);
    if constexpr (S::kReading) {
      const Quat& o = state.transform.orientation;
      const float len2 = o.x * o.x + o.y * o.y + o.z * o.z + o.w * o.w;
      if (!(len2 > 0.5f && len2 < 1.5f)) return s.fail(); // not a rotation
      state.transform.orientation = canonicalQuat(o);
    }
  }
  if (q.velocities) serializeQuantized(s, state.linearVelocity, q.linearVelocity);
  else if constexpr (S::kReading) state.linearVelocity = {};
  if (q.velocities && q.angularVelocities) serializeQuantized(s, state.angularVelocity, q.angularVelocity);
  else if constexpr (S::kReading) state.angularVelocity = {};
  return s.ok();
}

/// 32-bit FNV-1a of a precision's wire format (every range, bit count and flag), for
/// the type table's fingerprint: peers that code a type's spawns differently must not
/// meet. 0 is kept for "no precision".
uint32_t precisionDigest(const RigidQuantization* q);

struct Spawn {
  EntityId id;
  EntityTypeId type = 0;
  PeerId authority = kNoPeer;
  SpawnState state;
  /// Where `state` sits on the server's timeline (server ticks; a client's estimate for
  /// what it spawns): receivers show it as the entity's first news.
  uint32_t serverTick = 0;

  /// `precisionOf` gives the type's precision (both sides look it up in their type
  /// table, which the handshake proved equal); without one the state is raw floats.
  template <class S>
  bool serialize(S& s, const PrecisionOf& precisionOf = {}) {
    uint32_t idv = id.value, typev = type, auth = authority;
    s.serializeBits(idv, 32);
    s.serializeUint(typev, 1, 0xFFFF);
    s.serializeUint(auth, 0, kMaxClientPeer);
    if (!s.ok()) return false;
    const RigidQuantization* q = precisionOf ? precisionOf(static_cast<EntityTypeId>(typev)) : nullptr;
    if (q) {
      if (!serializeSpawnState(s, state, *q)) return false;
    } else {
      serializeVec3(s, state.transform.position);
      serializeQuatRaw(s, state.transform.orientation);
      serializeVec3(s, state.linearVelocity);
      serializeVec3(s, state.angularVelocity);
    }
    s.serializeVarUint(state.variant);
    s.serializeBits(serverTick, 32);
    if constexpr (S::kReading) {
      if (!isNameable(EntityId{idv})) return s.fail();
      id = EntityId{idv};
      type = static_cast<EntityTypeId>(typev);
      authority = static_cast<PeerId>(auth);
      if (!q) {
        const Quat& o = state.transform.orientation;
        const float len2 = o.x * o.x + o.y * o.y + o.z * o.z + o.w * o.w;
        if (!(len2 > 0.5f && len2 < 1.5f)) return s.fail(); // not a rotation
        state.transform.orientation = canonicalQuat(o);
      }
    }
    return s.ok();
  }
};

enum class DespawnReason : uint8_t { Gone = 0, OwnerLeft = 1, Rejected = 2 };

struct Despawn {
  EntityId id;
  DespawnReason reason = DespawnReason::Gone;

  template <class S>
  bool serialize(S& s) {
    uint32_t idv = id.value, r = static_cast<uint32_t>(reason);
    s.serializeBits(idv, 32);
    s.serializeUint(r, 0, 2);
    if constexpr (S::kReading) {
      if (idv == 0) return s.fail();
      id = EntityId{idv};
      reason = static_cast<DespawnReason>(r);
    }
    return s.ok();
  }
};

struct PeerNotice {
  PeerId slot = kNoPeer;

  template <class S>
  bool serialize(S& s) {
    uint32_t v = slot;
    s.serializeUint(v, 1, kMaxClientPeer);
    if constexpr (S::kReading) slot = static_cast<PeerId>(v);
    return s.ok();
  }
};

constexpr uint32_t kMaxEventBits = 1024;

/// An event raised by an entity's authority, handled once by every peer.
struct EntityEvent {
  EntityId source;
  uint32_t bits = 0;
  std::vector<uint8_t> payload;

  template <class S>
  bool serialize(S& s) {
    uint32_t idv = source.value;
    s.serializeBits(idv, 32);
    s.serializeUint(bits, 0, kMaxEventBits);
    if constexpr (S::kWriting) {
      s.serializeRawBits(payload.data(), bits);
    } else {
      if (idv == 0) return s.fail();
      source = EntityId{idv};
      extractBits(s, bits, payload);
    }
    return s.ok();
  }
};

/// The server moved an entity's authority (e.g. its owner left).
struct SetAuthority {
  EntityId id;
  PeerId authority = kServerPeer;

  template <class S>
  bool serialize(S& s) {
    uint32_t idv = id.value, a = authority;
    s.serializeBits(idv, 32);
    s.serializeUint(a, 0, kMaxClientPeer);
    if constexpr (S::kReading) {
      if (idv == 0) return s.fail();
      id = EntityId{idv};
      authority = static_cast<PeerId>(a);
    }
    return s.ok();
  }
};

/// Server -> client: the entity left the client's interest (relevance). The client
/// removes its copy quietly: the entity lives on at the server and may come back
/// with a new Spawn.
struct Leave {
  EntityId id;

  template <class S>
  bool serialize(S& s) {
    uint32_t idv = id.value;
    s.serializeBits(idv, 32);
    if constexpr (S::kReading) {
      if (!isNameable(EntityId{idv})) return s.fail();
      id = EntityId{idv};
    }
    return s.ok();
  }
};

/// Server -> client, once: the spawns queued for it at its join have all been sent
/// (before this, on the same ordered channel): it now holds the world it was given.
struct WorldComplete {
  uint32_t entities = 0; ///< how many spawns that join queue sent (for logs)

  template <class S>
  bool serialize(S& s) {
    s.serializeBits(entities, 32);
    return s.ok();
  }
};

/// Client -> server: Spawn messages received from the server so far (all of them, in
/// order on the reliable channel). The server sends an entity's state only once the
/// client has counted its spawn, so no block arrives before the entity it is about.
struct SpawnAck {
  uint32_t count = 0;

  template <class S>
  bool serialize(S& s) {
    s.serializeBits(count, 32);
    return s.ok();
  }
};

/// encodeMessage (below) into `out`, whose storage it reuses (for a caller encoding
/// message after message); `out` ends up as encodeMessage would return it.
template <class M, class... Context>
void encodeMessageInto(std::vector<uint8_t>& out, MessageType type, M message, const Context&... context) {
  MeasureStream size;
  message.serialize(size, context...);
  WriteStream stream((size.bits() + kMessageTypeBits + 7) / 8 + 8, std::move(out));
  uint32_t t = static_cast<uint32_t>(type);
  stream.serializeBits(t, kMessageTypeBits);
  message.serialize(stream, context...);
  out = stream.take();
  // A field that could not be written (a non-finite float) fails the whole message:
  // empty, never sent cut short (a receiver would drop it as malformed, or worse,
  // read the next fields from the wrong bits).
  if (!stream.ok()) out.clear();
}

/// Packs [type:4][message] into bytes for the reliable channel. `context` goes on to
/// the message's serialize (a Spawn's PrecisionOf).
template <class M, class... Context>
std::vector<uint8_t> encodeMessage(MessageType type, M message, const Context&... context) {
  std::vector<uint8_t> out;
  encodeMessageInto(out, type, std::move(message), context...);
  return out;
}

/// The reverse of encodeMessage for a message expected to be of `type`: true when
/// `bytes` start with that type and the rest reads as `message` (`context` as for
/// encodeMessage). Bytes after the message are not looked at.
template <class M, class... Context>
bool decodeMessage(std::span<const uint8_t> bytes, MessageType type, M& message, const Context&... context) {
  ReadStream in(bytes);
  uint32_t t = 0;
  return readMessageType(in, t) && t == static_cast<uint32_t>(type) && message.serialize(in, context...);
}

// --------------------------------------------------------------- state channel

/// Header of every state packet. `origin` is the peer whose simulation produced the
/// blocks and `originTick` its tick: forwarded client state keeps its owner's time.
/// At most this many entities asked for whole state in one packet header.
constexpr uint32_t kMaxNeedFull = 16;
/// A delta's baseline is at most this many of the sender's packets older than the
/// packet carrying it (far from the 16-bit wrap; receivers keep no older baselines).
constexpr uint32_t kMaxBaselineAge = 4095;
/// A block's baselineAge with this value is a field delta against the entity's state as
/// its Spawn carried it (the spawn baseline, net/spawn_baseline.h), not against a packet:
/// the age code's one value past every real age.
constexpr uint16_t kSpawnBaseline = kMaxBaselineAge + 1;

struct StateHeader {
  uint16_t sequence = 0;
  uint16_t ack = 0;      ///< newest sequence received from the other side
  uint32_t ackBits = 0;  ///< bit i: sequence ack - 1 - i was received too
  bool hasAck = false;
  uint32_t senderTick = 0;
  PeerId origin = kServerPeer;
  uint32_t originTick = 0;
  /// Entities whose delta blocks from the other side we could not rebuild (no such
  /// baseline here): send them whole. Repeated until a whole block arrives.
  std::vector<EntityId> needFull;

  template <class S>
  bool serialize(S& s) {
    uint32_t seq = sequence, a = hasAck ? ack : 0, o = origin;
    s.serializeBits(seq, 16);
    s.serializeBool(hasAck);
    // A sender that has heard nothing yet (or a one-way stream) has nothing to ack.
    if (hasAck) {
      s.serializeBits(a, 16);
      s.serializeBits(ackBits, 32);
    } else if constexpr (S::kReading) {
      a = 0;
      ackBits = 0;
    }
    s.serializeBits(senderTick, 32);
    s.serializeUint(o, 0, kMaxClientPeer);
    // The sender's own series is stamped with its own tick: one bit instead of 32.
    bool sameTick = originTick == senderTick;
    s.serializeBool(sameTick);
    if (sameTick) {
      if constexpr (S::kReading) originTick = senderTick;
    } else {
      s.serializeBits(originTick, 32);
    }
    bool hasNeedFull = !needFull.empty();
    s.serializeBool(hasNeedFull);
    if (hasNeedFull) {
      uint32_t count = static_cast<uint32_t>(needFull.size());
      if (!s.serializeUint(count, 1, kMaxNeedFull)) return false;
      if constexpr (S::kReading) needFull.assign(count, kNullEntity);
      for (EntityId& id : needFull) {
        uint32_t slot = id.creator(), counter = id.counter();
        s.serializeUint(slot, 0, kMaxClientPeer);
        s.serializeUint(counter, 1, 0xFFFFFF);
        if constexpr (S::kReading) id = EntityId::make(static_cast<PeerId>(slot), counter);
      }
    } else if constexpr (S::kReading) {
      needFull.clear();
    }
    if constexpr (S::kReading) {
      sequence = static_cast<uint16_t>(seq);
      ack = static_cast<uint16_t>(a);
      origin = static_cast<PeerId>(o);
    }
    return s.ok();
  }
};

/// One entity's state. On the wire: [more:1][id code][self-delimited:1][length code]
/// [coding][payload], where the id, length and coding are coded against the block
/// before it (see BlockContext; after a delta block one `like previous` bit may stand
/// for everything between the id code and the payload).
struct StateBlock {
  EntityId id;
  std::vector<uint8_t> payload; ///< byte-aligned copy of the payload bits
  uint32_t bits = 0;
  /// 0: the payload is the entity's whole state. 1..kMaxBaselineAge: the payload is a
  /// field delta (wire/field_delta.h) against the entity's state in the sender's
  /// packet `sequence - baselineAge` (same series). kSpawnBaseline: a field delta
  /// against the state the entity's Spawn carried.
  uint16_t baselineAge = 0;
  /// On the wire without a length: the receiver finds the payload's end by the
  /// entity's FieldLayout (wire/payload_extent.h). Only for a field delta, or the whole
  /// state of a layout without a tail, of an entity the receiver provably holds with
  /// that layout (docs/protocol.md, "Self-delimited blocks"); the reader sets it as read.
  bool selfDelimited = false;
};

constexpr uint32_t kMaxBlockBits = 8 * 1024;
/// Exp-Golomb order of the id code (0: absolute id; else 1 + the gap); its prefix is
/// bounded (a longer one is malformed).
constexpr uint32_t kIdGapOrder = 2;
constexpr int kMaxIdGapPrefix = 24;
constexpr uint32_t kLengthOrder = 5;
constexpr uint32_t kLengthDiffOrder = 3;
constexpr uint32_t kAgeOrder = 1;

/// What the blocks already in a packet leave for the next one: the previous block's
/// id, payload length and baseline age. Writer and reader each start a fresh one per
/// packet and pass it to every block in order, so both sides code the same way.
///
/// A block: [more:1 = 1][id code: Exp-Golomb order kIdGapOrder], then
///   id code 0 (absolute form, reads the same after any block): [slot:0..254]
///               [counter:1..2^24-1][self-delimited:1]; 0: [bits: Exp-Golomb order
///               kLengthOrder]
///   id code v > 0 (gap form): id = previous + v within the previous id's slot;
///               after a delta block first [like previous:1], 1 = a self-delimited
///               delta with the previous block's baseline age (nothing more before the
///               payload); then (or 0) [self-delimited:1]; 0: [same length:1]; 0:
///               [zigzag(bits - previous bits) - 1: Exp-Golomb order kLengthDiffOrder]
/// then the coding: [delta:1]; 1 = [baselineAge - 1: Exp-Golomb order kAgeOrder], at most
/// kMaxBaselineAge, or kSpawnBaseline (a delta against the entity's acknowledged Spawn).
/// Then the payload. The writer takes the shorter form; sorted by id, a packet's blocks cost a
/// few bits of framing each.
struct BlockContext {
  EntityId previous = kNullEntity; ///< a fresh packet counts from slot 0, counter 0
  uint32_t previousBits = 0;
  uint16_t previousAge = 0;
};
/// The context a block leaves for the next one.
inline BlockContext contextAfter(const StateBlock& block) { return {block.id, block.bits, block.baselineAge}; }

/// Appends one block (with its leading "more" bit), coded against `context`, which
/// then describes this block.
bool writeBlock(WriteStream& out, const StateBlock& block, BlockContext& context);
/// Bits writeBlock(out, block, context) would add; does not change `context`.
size_t measureBlock(const StateBlock& block, const BlockContext& context);
/// The same two with `selfDelimited` in place of the block's own flag (a sender that
/// decides per receiver, without copying the block).
bool writeBlock(WriteStream& out, const StateBlock& block, BlockContext& context, bool selfDelimited);
size_t measureBlock(const StateBlock& block, const BlockContext& context, bool selfDelimited);
/// A block that reads the same after any other: absolute id, explicit length (for
/// writers that keep no context, one block after another). Not to be mixed with the
/// context form in one packet: the reader's context moves past this block too.
bool writeBlock(WriteStream& out, const StateBlock& block);
/// Bits writeBlock(out, block) adds; never less than measureBlock(block, any context)
/// with the same flag.
size_t measureBlock(const StateBlock& block);
/// Ends the block list.
bool writeEnd(WriteStream& out);

/// A further origin's blocks in the same state packet (a server coalescing what it
/// forwards): after the first section's end marker, [section:1 = 1][senderTick:32]
/// [origin:1..254][originTick:32], then blocks (a fresh BlockContext) and an end
/// marker; a 0 bit or the end of the packet's bits means no further section.
struct StateSection {
  uint32_t senderTick = 0;
  PeerId origin = kNoPeer;
  uint32_t originTick = 0;
  std::vector<StateBlock> blocks;
};
/// At most this many sections follow the header's own in one packet.
constexpr size_t kMaxExtraSections = kMaxClientPeer;

/// A decoded state packet. Decoding validates everything before anyone acts on it.
struct StatePacket {
  StateHeader header;
  std::vector<StateBlock> blocks;
  std::vector<StateSection> sections; ///< further origins' blocks (forwarded state only)
  /// After PacketRead::Unreadable: the self-delimited block's entity that stopped it.
  EntityId unreadable = kNullEntity;
};
/// Starts a further section after the previous section's end marker.
bool writeSectionStart(WriteStream& out, uint32_t senderTick, PeerId origin, uint32_t originTick);
/// Bits writeSectionStart adds.
constexpr size_t kSectionStartBits = 1 + 32 + 8 + 32;
/// What reading a state packet came to.
enum class PacketRead : uint8_t {
  Ok,
  Malformed,  ///< a malformed, truncated or oversized field
  Unreadable, ///< a self-delimited block the receiver cannot delimit (StatePacket::unreadable)
};
/// The layout by which to delimit a self-delimited block of entity `id` in the packet
/// whose header is `header` (asked only for the header's own section), or nullptr when
/// the receiver cannot be sure which layout its sender meant: the packet is then
/// unreadable past that block, and must be dropped whole and not acknowledged.
using DelimitLayout = std::function<const FieldLayout*(const StateHeader& header, EntityId id)>;
/// Reads a whole packet; anything but Ok leaves nothing in `out` to act on.
PacketRead readStatePacket(std::span<const uint8_t> bytes, StatePacket& out, const DelimitLayout& layoutOf,
                           size_t maxBlocks = 4096);
/// The same without a layout lookup (a self-delimited block makes it fail); true on Ok.
bool readStatePacket(std::span<const uint8_t> bytes, StatePacket& out, size_t maxBlocks = 4096);

/// 16-bit sequence comparison with wrap-around: is `a` newer than `b`?
constexpr bool sequenceNewer(uint16_t a, uint16_t b) {
  return a != b && static_cast<uint16_t>(a - b) < 0x8000;
}

} // namespace ferrum::wire
