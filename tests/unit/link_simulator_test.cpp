// The link simulator over the in-memory transport, on a simulated clock.

#include <gtest/gtest.h>

#include "ferrum/link_simulator.h"
#include "ferrum/memory_transport.h"

using namespace ferrum;

namespace {

struct Pair {
  double now = 0;
  MemoryNetwork network;
  MemoryTransport& a = network.endpoint(1);
  MemoryTransport& b = network.endpoint(2);
  LinkId ab = kNoLink;
  LinkId ba = kNoLink;

  // Connects a -> b and drains the connect events.
  void connect() {
    ab = a.connect("mem", 2, 0);
    TransportEvent ev;
    while (b.service(ev, 0)) ba = ev.link;
    while (a.service(ev, 0)) {
    }
  }
};

std::vector<uint32_t> receiveAll(Transport& t, Channel* channelOut = nullptr) {
  std::vector<uint32_t> got;
  TransportEvent ev;
  while (t.service(ev, 0)) {
    if (ev.type != TransportEvent::Type::Received) continue;
    got.push_back(ev.payload[0] | (ev.payload[1] << 8));
    if (channelOut) *channelOut = ev.channel;
  }
  return got;
}

void sendNumber(Transport& t, LinkId link, Channel ch, uint32_t n) {
  const uint8_t bytes[2] = {static_cast<uint8_t>(n), static_cast<uint8_t>(n >> 8)};
  t.send(link, ch, bytes);
}

} // namespace

TEST(LinkSimulator, DelaysByTheLatency) {
  Pair p;
  p.connect();
  LinkSimulator sim(p.a, {50, 0, 0, 0}, {}, 1, [&] { return p.now; });
  sendNumber(sim, p.ab, Channel::State, 7);
  sim.flush();
  EXPECT_TRUE(receiveAll(p.b).empty());
  p.now = 0.049;
  sim.flush();
  EXPECT_TRUE(receiveAll(p.b).empty()) << "not before 50 ms";
  p.now = 0.050;
  sim.flush();
  EXPECT_EQ(receiveAll(p.b), std::vector<uint32_t>{7});
}

TEST(LinkSimulator, LosesAndDuplicatesStateAtTheGivenRates) {
  Pair p;
  p.connect();
  LinkSimulator sim(p.a, {0, 0, 0.2f, 0.1f}, {}, 42, [&] { return p.now; });
  for (uint32_t i = 0; i < 10000; ++i) sendNumber(sim, p.ab, Channel::State, i);
  // Nothing is delayed: with loss/dup only, packets leave on the next flush.
  sim.flush();
  const auto got = receiveAll(p.b);
  const double delivered = static_cast<double>(got.size()) / 10000.0;
  // 80 % survive, and 10 % of those come twice: about 0.88.
  EXPECT_NEAR(delivered, 0.88, 0.03);
  EXPECT_NEAR(static_cast<double>(sim.simStats().stateDropped) / 10000.0, 0.2, 0.02);
}

TEST(LinkSimulator, ReliableTrafficIsDelayedButNeverLostOrReordered) {
  Pair p;
  p.connect();
  LinkSimulator sim(p.a, {30, 40, 0.5f, 0.5f}, {}, 7, [&] { return p.now; });
  for (uint32_t i = 0; i < 500; ++i) {
    sendNumber(sim, p.ab, Channel::Reliable, i);
    p.now += 0.001;
    sim.flush();
  }
  p.now += 1.0;
  sim.flush();
  std::vector<uint32_t> expected(500);
  for (uint32_t i = 0; i < 500; ++i) expected[i] = i;
  EXPECT_EQ(receiveAll(p.b), expected);
}

TEST(LinkSimulator, JitterReordersStatePackets) {
  Pair p;
  p.connect();
  LinkSimulator sim(p.a, {20, 30, 0, 0}, {}, 3, [&] { return p.now; });
  for (uint32_t i = 0; i < 200; ++i) {
    sendNumber(sim, p.ab, Channel::State, i);
    p.now += 0.002;
    sim.flush();
  }
  p.now += 1.0;
  sim.flush();
  const auto got = receiveAll(p.b);
  ASSERT_EQ(got.size(), 200u) << "jitter alone loses nothing";
  int inversions = 0;
  for (size_t i = 1; i < got.size(); ++i) inversions += got[i] < got[i - 1];
  EXPECT_GT(inversions, 0);
}

TEST(LinkSimulator, IncomingDirectionIsSimulatedToo) {
  Pair p;
  p.connect();
  LinkSimulator simB(p.b, {}, {25, 0, 0, 0}, 9, [&] { return p.now; });
  sendNumber(p.a, p.ab, Channel::State, 5);
  TransportEvent ev;
  EXPECT_FALSE(simB.service(ev, 0)) << "held for 25 ms";
  p.now = 0.025;
  ASSERT_TRUE(simB.service(ev, 0));
  EXPECT_EQ(ev.payload[0], 5);
}

TEST(LinkSimulator, SameSeedSameFate) {
  auto run = [](uint64_t seed) {
    Pair p;
    p.connect();
    LinkSimulator sim(p.a, {0, 0, 0.3f, 0.2f}, {}, seed, [&] { return p.now; });
    for (uint32_t i = 0; i < 300; ++i) sendNumber(sim, p.ab, Channel::State, i);
    sim.flush();
    return receiveAll(p.b);
  };
  EXPECT_EQ(run(11), run(11));
  EXPECT_NE(run(11), run(12));
}

TEST(LinkConditions, ValidateRejectsNonsense) {
  EXPECT_TRUE(LinkConditions{}.validate().empty());
  EXPECT_FALSE((LinkConditions{-1, 0, 0, 0}).validate().empty());
  EXPECT_FALSE((LinkConditions{0, 0, 1.5f, 0}).validate().empty());
}
