// libFuzzer target: the reliable channel. The whole sequence of messages is delivered
// to a real NetManager, as server (from a joined client) or as client (from its
// server), and a few ticks run on what it accepted; then each message is decoded on
// its own (every wire::MessageType; whatever decodes must re-encode to a fixed point).
//
// Input: [mode:1] then messages, each [length:1][bytes]. mode bit 0: deliver to a
// server; else to a client. Bits 1-2: how many ticks (0-3) run after the messages:
// ticks are most of an input's cost and many messages need none to do their harm,
// so the fuzzer pays for them only where they add coverage. Bits 3 and 4 both set, on
// the client side: the server then refuses the client's type table (the disconnect).
//
// Each input builds its peers afresh (a crash reproduces from the input alone), checks
// that they start exactly as the first input's did (fuzzing::expectSameFixture), and
// puts the shared world back when done; the fixture's own edges are forgotten
// (fuzzing::forgetFixtureCoverage), and so are the teardown's
// (fuzzing::keepInputCoverage).

#include <algorithm>
#include <cstddef>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "ferrum/entity.h"
#include "tests/fuzz/fuzz_world.h"
#include "wire/message_batch.h"
#include "wire/messages.h"

namespace {

using namespace ferrum;

// Whether `m` encodes to `expected`, as wire::encodeMessage would write it ([type:4]
// then the message; nothing if a field cannot be written), into a stream kept across
// inputs: the check runs for every message of every input, and a fresh vector per
// encoding was one of the allocations that made up a third of the target's time.
// `m` is the caller's decoded copy, used for nothing after (serialize() is not const;
// a copy made to call it cost an allocation for every message with a vector).
template <class M>
bool encodesTo(wire::MessageType type, M& m, const std::vector<uint8_t>& expected) {
  static WriteStream out;
  out.clear();
  uint32_t t = static_cast<uint32_t>(type);
  out.serializeBits(t, wire::kMessageTypeBits);
  m.serialize(out);
  if (!out.ok()) return expected.empty();
  return out.bytes() == expected.size() && std::equal(expected.begin(), expected.end(), out.buffer().begin());
}

// decode(encode(m)) must encode to the same bytes: what a peer forwards is what it read.
// `once` is encode(a), written already by the caller.
template <class M>
bool sameEncoding(wire::MessageType type, const std::vector<uint8_t>& once, const M&, M& b) {
  return encodesTo(type, b, once);
}

// Except a spawn's orientation: the reader renormalizes it, and normalizing a unit
// quaternion again may move a component by an ulp. Found by this target; harmless.
bool sameEncoding(wire::MessageType type, const std::vector<uint8_t>& once, const wire::Spawn& a, wire::Spawn& b) {
  wire::Spawn bWithA = b;
  bWithA.state.transform.orientation = a.state.transform.orientation;
  const Quat& p = a.state.transform.orientation;
  const Quat& q = b.state.transform.orientation;
  const float drift = std::fabs(p.x - q.x) + std::fabs(p.y - q.y) + std::fabs(p.z - q.z) + std::fabs(p.w - q.w);
  return drift < 1e-5f && encodesTo(type, bWithA, once);
}

// The first encoding goes through the library's own encoder (its sizing pass with a
// MeasureStream is library code this target covers), into storage kept across inputs
// (wire::encodeMessageInto; a new vector per message was ~5 allocations an input);
// the second is compared with it. `first` is moved in: only a Spawn's orientation,
// plain data a move leaves in place, is read after.
template <class M>
void checkFixedPoint(wire::MessageType type, ReadStream& in) {
  M first;
  if (!first.serialize(in)) return;
  static std::vector<uint8_t> once;
  wire::encodeMessageInto(once, type, std::move(first));
  ReadStream again(once);
  uint32_t t = 0;
  wire::readMessageType(again, t);
  M second;
  if (!second.serialize(again)) __builtin_trap();
  if (!sameEncoding(type, once, first, second)) __builtin_trap();
}

void decodeAlone(std::span<const uint8_t> bytes) {
  ReadStream in(bytes);
  uint32_t type = 0;
  if (!wire::readMessageType(in, type)) return;
  switch (static_cast<wire::MessageType>(type)) {
  case wire::MessageType::Welcome: return checkFixedPoint<wire::Welcome>(wire::MessageType::Welcome, in);
  case wire::MessageType::Spawn: return checkFixedPoint<wire::Spawn>(wire::MessageType::Spawn, in);
  case wire::MessageType::Despawn: return checkFixedPoint<wire::Despawn>(wire::MessageType::Despawn, in);
  case wire::MessageType::PeerJoined: return checkFixedPoint<wire::PeerNotice>(wire::MessageType::PeerJoined, in);
  case wire::MessageType::PeerLeft: return checkFixedPoint<wire::PeerNotice>(wire::MessageType::PeerLeft, in);
  case wire::MessageType::EntityEvent: return checkFixedPoint<wire::EntityEvent>(wire::MessageType::EntityEvent, in);
  case wire::MessageType::SetAuthority: return checkFixedPoint<wire::SetAuthority>(wire::MessageType::SetAuthority, in);
  case wire::MessageType::Hello: return checkFixedPoint<wire::Hello>(wire::MessageType::Hello, in);
  case wire::MessageType::TypeTable: return checkFixedPoint<wire::TypeTable>(wire::MessageType::TypeTable, in);
  case wire::MessageType::Leave: return checkFixedPoint<wire::Leave>(wire::MessageType::Leave, in);
  case wire::MessageType::WorldComplete:
    return checkFixedPoint<wire::WorldComplete>(wire::MessageType::WorldComplete, in);
  case wire::MessageType::SpawnAck: return checkFixedPoint<wire::SpawnAck>(wire::MessageType::SpawnAck, in);
  case wire::MessageType::Spawns: { // a batch: each message alone, and the batch packs back to its bytes
    std::vector<std::span<const uint8_t>> inner;
    if (!wire::readBatch(bytes, inner)) return;
    wire::MessageBatch again;
    for (std::span<const uint8_t> message : inner) {
      if (!again.add(message)) __builtin_trap();
      decodeAlone(message);
    }
    const std::vector<uint8_t> packed = again.take();
    if (!std::equal(packed.begin(), packed.end(), bytes.begin(), bytes.end())) __builtin_trap();
    return;
  }
  }
}

// The input's messages, in a list kept across inputs (its 64 places allocated once).
const std::vector<std::span<const uint8_t>>& splitMessages(const uint8_t* data, size_t size) {
  static std::vector<std::span<const uint8_t>> out;
  out.clear();
  out.reserve(64);
  size_t at = 0;
  while (at < size && out.size() < 64) {
    const size_t len = std::min<size_t>(data[at], size - at - 1);
    out.emplace_back(data + at + 1, len);
    at += 1 + len;
  }
  return out;
}

fuzzing::SharedWorld& world() {
  static fuzzing::SharedWorld shared;
  return shared;
}

void runTicks(NetManager& net, int ticks) {
  for (int i = 1; i <= ticks; ++i) net.frame(static_cast<double>(i) / 60.0);
}

// The input's last work, done while its peers still live: each message decoded alone
// (after the fixture, so that its coverage counts), then the coverage is kept before
// the teardown runs (LLVMFuzzerTestOneInput puts it back).
void finishInput(const std::vector<std::span<const uint8_t>>& messages) {
  for (auto bytes : messages) decodeAlone(bytes);
  fuzzing::keepInputCoverage();
}

// The server side: a joined client (slot 1) that owns a player and a live grenade.
void deliverToServer(const std::vector<std::span<const uint8_t>>& messages, int ticks) {
  MemoryNetwork network;
  MemoryTransport& serverEnd = network.endpoint(1);
  MemoryTransport& clientEnd = network.endpoint(2);
  EntityGroup& group = *world().group;
  NetManager server(fuzzing::fuzzConfig(Role::Server), serverEnd, group, world().effects);
  group.spawn(fuzzing::kCrateId, game::kCrateType, kServerPeer, fuzzing::restingAt({0, 2, 0}, 1));
  const LinkId link = clientEnd.connect("127.0.0.1", 1, wire::packConnectData(wire::kProtocolVersion, NetConfig{}.gameId));
  static const std::vector<uint8_t> hello = wire::encodeMessage(
      wire::MessageType::Hello, wire::Hello{static_cast<uint32_t>(world().registry.size()), world().registry.fingerprint()});
  clientEnd.send(link, Channel::Reliable, hello);
  server.service(0);
  group.spawn(fuzzing::kPlayerId, game::kPlayerType, 1, fuzzing::restingAt({4, 1, 0}, 1));
  group.spawn(fuzzing::kGrenadeId, game::kGrenadeType, 1, fuzzing::restingAt({4.5f, 1.5f, 0}, 90));
  fuzzing::expectSameFixture(0, fuzzing::fixtureDigest(server, world()));
  fuzzing::forgetFixtureCoverage();
  for (auto bytes : messages) {
    clientEnd.send(link, Channel::Reliable, bytes);
    server.service(0);
  }
  runTicks(server, ticks);
  finishInput(messages);
}

// The client side: everything a server may say, in any order; with `refuse`, the
// server then closes the link as a server that refused our type table does (the
// client puts the last table it was sent into words only then).
void deliverToClient(const std::vector<std::span<const uint8_t>>& messages, int ticks, bool refuse) {
  MemoryNetwork network;
  MemoryTransport& serverEnd = network.endpoint(1);
  MemoryTransport& clientEnd = network.endpoint(2);
  const NetConfig config = fuzzing::fuzzConfig(Role::Client);
  NetManager client(config, clientEnd, *world().group, world().effects);
  client.connect("127.0.0.1", 1);
  TransportEvent connected;
  serverEnd.service(connected, 0);
  client.service(0);
  fuzzing::expectSameFixture(1, fuzzing::fixtureDigest(client, world()));
  fuzzing::forgetFixtureCoverage();
  for (auto bytes : messages) {
    serverEnd.send(connected.link, Channel::Reliable, bytes);
    client.service(0);
  }
  runTicks(client, ticks);
  if (refuse) {
    serverEnd.disconnect(connected.link, wire::packDisconnect(wire::DisconnectReason::TypeTableMismatch, 0x1234));
    client.service(0);
    if (!client.disconnected() || client.disconnectReason().empty()) __builtin_trap(); // dropped without a reason
  }
  finishInput(messages);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzzing::quietLogs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const auto& messages = splitMessages(data + 1, size - 1);
  const int ticks = (data[0] >> 1) & 3;
  if (data[0] & 1)
    deliverToServer(messages, ticks);
  else
    deliverToClient(messages, ticks, (data[0] & 0x18) == 0x18);
  // The peers are gone; the world goes back to how the process built it, before the
  // input returns: what the input allocated is freed within it (a leak is then a
  // leak, not the next input's cleanup), and the next input starts where this one did.
  world().reset();
  fuzzing::restoreInputCoverage();
  return 0;
}
