// How long acks take, measured on a link's own packets, and what it is for: an
// unchanged block in flight is not sent again before its ack can have come back, even
// when the delay is above the transport (which its own round trip does not see).

#include <gtest/gtest.h>

#include "ferrum/host.h"
#include "ferrum/memory_transport.h"
#include "net/delta_sender.h"
#include "tests/support/probe_controller.h"

using namespace ferrum;
using testing_support::kProbeType;
using testing_support::ProbeController;
using testing_support::probeType;

namespace {

wire::StateBlock probeBlock(uint32_t id, uint32_t value) {
  WriteStream w;
  w.serializeBits(value, 32);
  wire::StateBlock b{EntityId{id}, {}, 32, 0};
  b.payload = w.take();
  return b;
}

} // namespace

TEST(AckDelay, TheLongestOfTheRecentFirstAcks) {
  DeltaSender d(0);
  EXPECT_EQ(d.ackDelayTicks(), 0u);
  const std::vector<wire::StateBlock> blocks{probeBlock(1, 5)};
  const auto weight = [](EntityId) { return 1.0f; };
  for (uint16_t s = 0; s < 4; ++s) d.recordSent(s, d.select(blocks, weight, 100000, s * 2u, s), s * 2u);
  d.onAck(0, 0, 7);  // sent at tick 0: 7 ticks
  d.onAck(1, 1, 11); // sent at 2: 9
  EXPECT_EQ(d.ackDelayTicks(), 9u);
  d.onAck(1, 1, 30); // already acknowledged: no new sample
  EXPECT_EQ(d.ackDelayTicks(), 9u);
  d.onAck(3, 0b11, 9); // sent at 6: 3
  EXPECT_EQ(d.ackDelayTicks(), 9u) << "the longest recent one";
  for (uint16_t s = 4; s < 4 + DeltaSender::kAckDelaySamples; ++s) {
    d.recordSent(s, {}, 100u + s);
    d.onAck(s, 0xFFFFFFFFu, 102u + s);
  }
  EXPECT_EQ(d.ackDelayTicks(), 2u) << "older samples leave the window";
}

// The client's packets (its acks) are 100 ms late on a link whose transport knows
// nothing of it: the server must still wait for the ack of a changed block instead of
// sending the same block again every few ticks.
TEST(AckDelay, ABlockInFlightIsNotResentBeforeItsDelayedAckCanArrive) {
  MemoryNetwork network;
  double now = 0;
  auto make = [&](Role role, uint16_t port, LinkConditions out) {
    HostDef def;
    def.types.add(kProbeType, probeType());
    def.net.role = role;
    def.net.refreshSeconds = 0;
    def.memoryNetwork = &network;
    def.memoryPort = port;
    def.outgoing = out;
    def.simulateLink = true;
    def.clock = [&now] { return now; };
    std::string error;
    auto host = Host::create(std::move(def), error);
    EXPECT_TRUE(host) << error;
    return host;
  };
  LinkConditions late;
  late.latencyMs = 100;
  auto server = make(Role::Server, 1, {});
  auto client = make(Role::Client, 2, late);
  ASSERT_TRUE(client->connect("mem", 1));
  const EntityId id = server->net().spawn(kProbeType, {});
  auto run = [&](int ticks) {
    for (int i = 0; i < ticks; ++i) {
      now += 1.0 / 60;
      server->frame(now);
      client->frame(now);
    }
  };
  auto& authority = static_cast<ProbeController&>(server->group().find(id)->controller());
  for (uint32_t v = 1; v <= 20; ++v) { // acks flow: the delay is measured
    authority.value = v;
    run(6);
  }
  run(60);
  Entity* copy = client->group().find(id);
  ASSERT_NE(copy, nullptr);
  auto& received = static_cast<ProbeController&>(copy->controller());
  ASSERT_EQ(received.received, 20u);
  const int before = received.withData;
  authority.value = 21; // one change, then nothing: one send, and its ack
  run(60);
  EXPECT_EQ(received.received, 21u);
  EXPECT_EQ(received.withData - before, 1) << "the changed block was sent again while its ack was on its way";
}
