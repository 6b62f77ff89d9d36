// libFuzzer target: the handshake. A server NetManager meets a scripted crowd of
// endpoints: connect data (protocol version, game id), disconnect reasons, early
// packets, joins past maxClients; a client NetManager meets any answer a server may
// give (a refusal with any reason and detail, stray bytes before the welcome).
//
// Input: [mode:1] then operations [op:1][value:4, little endian]. mode bit 0: fuzz
// the server; else the client. A connecting endpoint sends its hello at once, naming
// the server's type table or (op bit 7) another one.
//
// Each input builds its peers afresh, checks that they start as the first input's
// did (fuzzing::expectSameFixture), and puts the shared world back when done; the
// fixture's own edges are forgotten (fuzzing::forgetFixtureCoverage).
//
// Invariants checked: every connection the server sees is either joined or refused,
// never both and never neither; it never holds more than maxClients.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "tests/fuzz/fuzz_world.h"
#include "wire/messages.h"

namespace {

using namespace ferrum;

constexpr int kMaxClients = 3;
constexpr size_t kMaxEndpoints = 12;

struct Op {
  uint8_t code;
  uint32_t value;
};

std::vector<Op> parseOps(const uint8_t* data, size_t size) {
  std::vector<Op> ops;
  for (size_t at = 0; at + 5 <= size && ops.size() < 128; at += 5) {
    Op op{data[at], 0};
    std::memcpy(&op.value, data + at + 1, 4);
    ops.push_back(op);
  }
  return ops;
}

std::vector<uint8_t> bytesOf(uint32_t value) {
  std::vector<uint8_t> out(4);
  std::memcpy(out.data(), &value, 4);
  return out;
}

fuzzing::SharedWorld& world() {
  static fuzzing::SharedWorld shared;
  return shared;
}

void fuzzServer(const std::vector<Op>& ops) {
  MemoryNetwork network;
  NetConfig config = fuzzing::fuzzConfig(Role::Server);
  config.maxClients = kMaxClients;
  NetManager server(config, network.endpoint(1), *world().group, world().effects);
  fuzzing::expectSameFixture(0, fuzzing::fixtureDigest(server, world()));
  fuzzing::forgetFixtureCoverage();
  struct Client {
    MemoryTransport* end;
    LinkId link;
  };
  std::vector<Client> clients;
  uint64_t connectsDelivered = 0;
  int tick = 0;
  for (const Op& op : ops) {
    switch (op.code % 5) {
    case 0:
      if (clients.size() < kMaxEndpoints) {
        MemoryTransport& end = network.endpoint(static_cast<uint16_t>(2 + clients.size()));
        clients.push_back({&end, end.connect("127.0.0.1", 1, op.value)});
        const ControllerRegistry& types = world().registry;
        const wire::Hello hello{static_cast<uint32_t>(types.size()), types.fingerprint() ^ (op.code & 0x80 ? 1 : 0)};
        end.send(clients.back().link, Channel::Reliable, wire::encodeMessage(wire::MessageType::Hello, hello));
        ++connectsDelivered;
      }
      break;
    case 1:
      if (!clients.empty()) {
        const Client& c = clients[op.value % clients.size()];
        c.end->disconnect(c.link, op.value >> 8);
      }
      break;
    case 2:
    case 3:
      if (!clients.empty()) {
        const Client& c = clients[(op.value >> 24) % clients.size()];
        c.end->send(c.link, op.code % 5 == 2 ? Channel::Reliable : Channel::State, bytesOf(op.value));
      }
      break;
    default:
      server.frame(static_cast<double>(++tick) / 60.0);
    }
    server.service(0);
    const NetStats stats = server.stats();
    size_t connected = 0;
    for (const PeerStats& p : stats.peers) connected += p.connected;
    if (connected > static_cast<size_t>(kMaxClients)) __builtin_trap();
    if (stats.counters.clientsJoined + stats.counters.connectionsRefused != connectsDelivered) __builtin_trap();
  }
  fuzzing::keepInputCoverage(); // the teardown's edges are the same for every input
}

void fuzzClient(const std::vector<Op>& ops) {
  MemoryNetwork network;
  MemoryTransport& serverEnd = network.endpoint(1);
  const NetConfig config = fuzzing::fuzzConfig(Role::Client);
  NetManager client(config, network.endpoint(2), *world().group, world().effects);
  client.connect("127.0.0.1", 1);
  TransportEvent connected;
  serverEnd.service(connected, 0);
  fuzzing::expectSameFixture(1, fuzzing::fixtureDigest(client, world()));
  fuzzing::forgetFixtureCoverage();
  int tick = 0;
  for (const Op& op : ops) {
    switch (op.code % 3) {
    case 0:
      serverEnd.disconnect(connected.link, op.value);
      break;
    case 1:
      serverEnd.send(connected.link, op.code & 0x80 ? Channel::Reliable : Channel::State, bytesOf(op.value));
      break;
    default:
      client.frame(static_cast<double>(++tick) / 60.0);
    }
    client.service(0);
  }
  // A refused or dropped client must say why, whatever the server sent.
  if (client.disconnected() && client.disconnectReason().empty()) __builtin_trap();
  (void)wire::describe(wire::disconnectReason(ops.empty() ? 0 : ops.back().value));
  fuzzing::keepInputCoverage();
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzzing::quietLogs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const auto ops = parseOps(data + 1, size - 1);
  if (data[0] & 1)
    fuzzServer(ops);
  else
    fuzzClient(ops);
  world().reset(); // as in fuzz_reliable: the input frees what it allocated
  fuzzing::restoreInputCoverage();
  return 0;
}
