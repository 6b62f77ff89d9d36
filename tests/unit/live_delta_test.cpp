// The live path's field deltas, from the receiving side: a hand-played server sends a
// real client NetManager whole and delta blocks in the cases that go wrong in practice
// (a block before its spawn, a baseline it never got or dropped, despawn and id reuse,
// an authority hand-over, sequence wrap, late packets), and checks that a delta is
// applied only against the very baseline it names; everything else is counted,
// dropped and asked for whole. Then two real NetManagers over a lossy, reordering
// link, which must end exact with deltas in use.

#include <gtest/gtest.h>

#include "ferrum/host.h"
#include "ferrum/memory_transport.h"
#include "ferrum/net_manager.h"
#include "tests/support/hand_server.h"
#include "tests/support/probe_pair.h"
#include "tests/support/probe_controller.h"
#include "wire/exp_golomb.h"
#include "wire/field_delta.h"
#include "wire/messages.h"

using namespace ferrum;
using testing_support::kProbeType;
using testing_support::ProbeController;
using testing_support::probeType;

namespace {

std::vector<uint8_t> bitsOf(uint32_t v) {
  WriteStream w;
  w.serializeBits(v, 32);
  return w.take();
}

/// A whole probe block.
wire::StateBlock whole(EntityId id, uint32_t value) { return {id, bitsOf(value), 32, 0}; }

/// A delta of the probe's one field from `base` to `value`, naming the packet `age` back.
wire::StateBlock delta(EntityId id, uint32_t base, uint32_t value, uint16_t age) {
  ProbeController p;
  WriteStream w;
  const auto b = bitsOf(base), c = bitsOf(value);
  EXPECT_TRUE(wire::writeFieldDelta(w, *p.fieldLayout(), b.data(), 32, c.data(), 32));
  wire::StateBlock block{id, {}, static_cast<uint32_t>(w.bits()), age};
  block.payload = w.take();
  return block;
}

HostDef probeClientDef() {
  HostDef def;
  def.types.add(kProbeType, probeType());
  return def;
}

/// The server, played by hand; the client is a real NetManager with the probe type.
struct HandServer : testing_support::HandServer {
  HandServer() : testing_support::HandServer(probeClientDef()) {}
  void spawn(EntityId id, PeerId authority = kServerPeer) {
    reliable(wire::MessageType::Spawn, wire::Spawn{id, kProbeType, authority, SpawnState{}, tick()});
  }
  void state(uint16_t sequence, const std::vector<wire::StateBlock>& blocks) { sendState(sequence, blocks); }
  ProbeController* probe(EntityId id) {
    Entity* e = client->group().find(id);
    return e ? static_cast<ProbeController*>(&e->controller()) : nullptr;
  }
};

const EntityId kX = EntityId::make(0, 7);

} // namespace

TEST(LiveDelta, AWholeBlockBeforeItsSpawnIsKeptAsTheBaselineForTheNextDelta) {
  HandServer s;
  s.state(10, {whole(kX, 7)}); // acknowledged, not applicable: the spawn is still on its way
  s.pump();
  EXPECT_EQ(s.client->net().stats().peers.at(0).unknownEntity, 1u);
  s.spawn(kX);
  s.state(11, {delta(kX, 7, 9, 1)});
  s.pump();
  ASSERT_NE(s.probe(kX), nullptr);
  EXPECT_EQ(s.probe(kX)->received, 9u);
  EXPECT_EQ(s.counters().deltaBlocksReceived, 1u);
  EXPECT_EQ(s.counters().baselineMismatches, 0u);
}

TEST(LiveDelta, ADeltaAgainstABaselineNeverReceivedIsCountedDroppedAndAskedForWhole) {
  HandServer s;
  s.spawn(kX);
  s.state(5, {delta(kX, 1, 4, 2)}); // packet 3 never arrived here
  s.pump();
  s.pump();
  EXPECT_EQ(s.probe(kX)->withData, 0) << "never applied to another state";
  EXPECT_EQ(s.counters().baselineMismatches, 1u);
  EXPECT_EQ(s.lastNeedFull(), std::vector<EntityId>{kX}) << "the sender is asked for whole state";
  s.state(6, {whole(kX, 4)});
  s.pump();
  s.pump();
  EXPECT_EQ(s.probe(kX)->received, 4u);
  EXPECT_TRUE(s.lastNeedFull().empty()) << "repaired: no longer asked";
  s.state(7, {delta(kX, 4, 5, 1)});
  s.pump();
  EXPECT_EQ(s.probe(kX)->received, 5u);
}

TEST(LiveDelta, ADespawnedIdReusedStartsWithoutBaselines) {
  HandServer s;
  s.spawn(kX);
  s.state(1, {whole(kX, 5)});
  s.pump();
  ASSERT_EQ(s.probe(kX)->received, 5u);
  s.reliable(wire::MessageType::Despawn, wire::Despawn{kX, wire::DespawnReason::Gone});
  s.spawn(kX); // the same id, another entity
  s.state(2, {delta(kX, 5, 6, 1)}); // against the old entity's block
  s.pump();
  EXPECT_EQ(s.probe(kX)->withData, 0);
  EXPECT_EQ(s.counters().baselineMismatches, 1u);
}

TEST(LiveDelta, AnAuthorityHandOverStartsWithoutBaselines) {
  HandServer s;
  s.spawn(kX, 2); // another client's entity, forwarded by the server
  s.state(1, {whole(kX, 5)});
  s.pump();
  s.reliable(wire::MessageType::SetAuthority, wire::SetAuthority{kX, kServerPeer});
  s.state(2, {delta(kX, 5, 6, 1)});
  s.pump();
  EXPECT_EQ(s.probe(kX)->withData, 0);
  EXPECT_EQ(s.counters().baselineMismatches, 1u);
}

TEST(LiveDelta, DeltasNameTheirBaselineAcrossTheSequenceWrap) {
  HandServer s;
  s.spawn(kX);
  s.state(65534, {whole(kX, 1)});
  s.state(65535, {delta(kX, 1, 2, 1)});
  s.state(0, {delta(kX, 2, 3, 1)});
  s.state(3, {delta(kX, 3, 30, 3)}); // against packet 0, three back across nothing
  s.pump();
  EXPECT_EQ(s.probe(kX)->received, 30u);
  EXPECT_EQ(s.counters().deltaBlocksReceived, 3u);
  EXPECT_EQ(s.counters().baselineMismatches, 0u);
}

TEST(LiveDelta, ABaselineDroppedOrPushedOutIsAMismatchNeverAnotherState) {
  HandServer s;
  s.spawn(kX);
  s.state(1, {whole(kX, 1)});
  s.state(2, {delta(kX, 1, 2, 1)});
  s.state(3, {delta(kX, 2, 3, 1)}); // the sender moved on to 2: 1 is dropped here
  s.state(4, {delta(kX, 1, 4, 3)}); // names 1 again
  s.pump();
  EXPECT_EQ(s.probe(kX)->received, 3u);
  EXPECT_EQ(s.counters().baselineMismatches, 1u);
  // More unacknowledged sends than a receiver keeps: the oldest is pushed out.
  for (uint16_t q = 10; q < 200; ++q) s.state(q, {whole(kX, q)});
  s.state(200, {delta(kX, 10, 99, 190)});
  s.pump();
  EXPECT_EQ(s.probe(kX)->received, 199u);
  EXPECT_EQ(s.counters().baselineMismatches, 2u);
}

TEST(LiveDelta, ALatePacketsDeltaIsStaleNotAMismatch) {
  HandServer s;
  s.spawn(kX);
  s.state(20, {whole(kX, 1)});
  s.state(22, {delta(kX, 1, 3, 2)});
  s.state(21, {delta(kX, 1, 2, 1)}); // reordered on the way
  s.pump();
  EXPECT_EQ(s.probe(kX)->received, 3u);
  EXPECT_EQ(s.counters().baselineMismatches, 0u);
  EXPECT_TRUE(s.lastNeedFull().empty());
}

TEST(LiveDelta, AMalformedDeltaIsRefusedWithoutHarm) {
  HandServer s;
  s.spawn(kX);
  s.state(1, {whole(kX, 0xFFFFFFF0u)});
  // +100 from 0xFFFFFFF0 leaves the 32-bit field; then trailing garbage after a good one.
  wire::StateBlock out{kX, {}, 0, 1};
  {
    WriteStream w;
    uint32_t one = 1, zero = 0, z = 199;
    w.serializeBits(one, 1);
    w.serializeBits(zero, 1);
    wire::serializeExpGolomb(w, z, 2);
    w.serializeBits(one, 1); // same tail
    out.bits = static_cast<uint32_t>(w.bits());
    out.payload = w.take();
  }
  s.state(2, {out});
  s.state(3, {whole(kX, 0xFFFFFFF0u)});
  wire::StateBlock trailing = delta(kX, 0xFFFFFFF0u, 5, 1);
  trailing.bits += 3; // the payload buffer has the padding bits (zero) to spare
  s.state(4, {trailing});
  s.pump();
  EXPECT_EQ(s.probe(kX)->received, 0xFFFFFFF0u);
  EXPECT_EQ(s.counters().baselineMismatches, 2u);
}

TEST(LiveDelta, TwoNetManagersOverALossyReorderingLinkEndExactWithDeltas) {
  // 30 ms + up to 20 of jitter, 20 % loss, 5 % duplicates
  testing_support::ProbePair pair(LinkConditions{30, 20, 0.2f, 0.05f});
  ASSERT_TRUE(pair.join());
  const std::vector<EntityId> ids = pair.spawnProbes(20);
  for (int t = 0; t < 600; ++t) {
    for (size_t i = 0; i < ids.size(); ++i)
      if ((t + i) % (i + 1) == 0) // small and larger steps
        pair.probe(*pair.server, ids[i])->value += static_cast<uint32_t>(1 + i * (t % 7));
    pair.tick(1);
  }
  pair.tick(240); // settle: deltas, refreshes and repairs
  EXPECT_EQ(pair.differing(ids), 0u);
  const NetCounters cc = pair.client->net().stats().counters;
  EXPECT_GT(cc.deltaBlocksReceived, cc.blocksApplied / 2) << "most changed blocks travel as deltas";
  std::printf("deltas %llu of %llu applied, mismatches %llu\n", (unsigned long long)cc.deltaBlocksReceived,
              (unsigned long long)cc.blocksApplied, (unsigned long long)cc.baselineMismatches);
}

namespace {

struct ProbeRun {
  uint64_t bytesReceived = 0; ///< by the client
  uint64_t mismatches = 0;
  size_t wrong = 0; ///< probes whose copy differs from the server's after the settle
};

/// 20 probes whose values step every tick for 10 s between a server and a client over
/// `link` (both ways), then 4 s to settle.
ProbeRun runProbes(LinkConditions link, bool optimistic) {
  NetConfig serverNet;
  serverNet.optimisticBaselines = optimistic;
  testing_support::ProbePair pair(link, serverNet);
  EXPECT_TRUE(pair.join());
  const std::vector<EntityId> ids = pair.spawnProbes(20);
  for (int t = 0; t < 600; ++t) {
    for (size_t i = 0; i < ids.size(); ++i) pair.probe(*pair.server, ids[i])->value += static_cast<uint32_t>(3 + i);
    pair.tick(1);
  }
  pair.tick(240);
  const NetCounters cc = pair.client->net().stats().counters;
  return {cc.bytesReceived, cc.baselineMismatches, pair.differing(ids)};
}

} // namespace

// NetConfig::optimisticBaselines between two real NetManagers: with acks 200 ms late and
// no loss, every delta is rebuilt and the client receives less than with deltas against
// acknowledged blocks; over a lossy link the lost baselines cost repairs (counted) and
// the copies still end exact.
TEST(LiveDelta, OptimisticBaselinesCostLessWhenAcksAreLateAndLostOnesAreRepaired) {
  const LinkConditions slow{100, 0, 0, 0};
  const ProbeRun acked = runProbes(slow, false);
  const ProbeRun optimistic = runProbes(slow, true);
  EXPECT_EQ(acked.wrong, 0u);
  EXPECT_EQ(optimistic.wrong, 0u);
  EXPECT_EQ(acked.mismatches, 0u);
  EXPECT_EQ(optimistic.mismatches, 0u);
  EXPECT_LT(optimistic.bytesReceived * 10, acked.bytesReceived * 9)
      << optimistic.bytesReceived << " bytes against " << acked.bytesReceived;
  const ProbeRun lossy = runProbes(LinkConditions{50, 0, 0.05f, 0}, true);
  EXPECT_EQ(lossy.wrong, 0u);
  EXPECT_GT(lossy.mismatches, 0u) << "a lost baseline is repaired, and counted";
  std::printf("client bytes: %llu acknowledged, %llu optimistic; lossy: %llu mismatches\n",
              (unsigned long long)acked.bytesReceived, (unsigned long long)optimistic.bytesReceived,
              (unsigned long long)lossy.mismatches);
}

#include "game/arena.h"
#include "game/crate_controller.h"
#include "game/demo_game.h"
#include "game/types.h"

TEST(LiveDelta, ACopyPushedByTheReceiversPhysicsDoesNotSpoilTheDeltas) {
  // Deltas are rebuilt against the block received, never against the copy: a crate
  // copy that the client's own physics (here: a teleport) moved must still end exactly
  // on the server's quantized state once the server's crate moves and rests again.
  MemoryNetwork network;
  double now = 0;
  auto host = [&](uint16_t port, Role role) {
    HostDef def;
    game::registerDemoTypes(def.types);
    def.buildWorld = game::buildArena;
    def.net.role = role;
    def.memoryNetwork = &network;
    def.memoryPort = port;
    def.clock = [&now] { return now; };
    std::string error;
    auto h = Host::create(std::move(def), error);
    EXPECT_TRUE(h) << error;
    return h;
  };
  auto server = host(1, Role::Server);
  auto client = host(2, Role::Client);
  ASSERT_TRUE(client->net().connect("mem", 1));
  auto tick = [&](int n) {
    for (int i = 0; i < n; ++i) {
      now += 1.0 / 60;
      server->frame(now);
      client->frame(now);
    }
  };
  tick(10);
  ASSERT_TRUE(client->net().joined());
  SpawnState s;
  s.transform.position = {0, 3, 0};
  const EntityId id = server->net().spawn(game::kCrateType, s);
  tick(240); // falls, lands, sleeps
  Entity* copy = client->group().find(id);
  ASSERT_NE(copy, nullptr);
  copy->body().setTransform({{4, 6, 4}, {0, 0, 0, 1}}); // pushed off by physics here
  server->group().find(id)->body().setLinearVelocity({2, 3, 0}); // and the server's crate moves on
  tick(300); // moves, lands, rests; deltas all the way
  const RigidState truth = quantizeRigidState(captureRigidState(server->group().find(id)->body()), game::crateQuantization());
  // The newest state the client decoded is the server's, to the bit (its body may sit
  // a grid step off: a dynamic copy rests on the floor by its own contacts).
  const std::optional<Transform> received = client->group().find(id)->receivedTransform();
  ASSERT_TRUE(received.has_value());
  EXPECT_EQ(received->position.x, truth.position.x);
  EXPECT_EQ(received->position.y, truth.position.y);
  EXPECT_EQ(received->position.z, truth.position.z);
  EXPECT_LT(distance(client->group().find(id)->body().transform().position, truth.position), 0.01f)
      << "and the copy is back, not where it was pushed";
  const NetCounters c = client->net().stats().counters;
  EXPECT_GT(c.deltaBlocksReceived, 0u);
  EXPECT_EQ(c.baselineMismatches, 0u);
}
