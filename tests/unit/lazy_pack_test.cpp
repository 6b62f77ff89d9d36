// The delta sender codes a block only when its turn in a packet comes (highest
// priority first) and stops once the packet is full. What did not fit must wait and
// go later, nothing may be lost, what the receiver rebuilds must be exact, and the
// packets must keep to their budget; checked here with rigid-body blocks coded field
// by field against acknowledged baselines (a real BaselineStore on the receiving
// side), through a link that loses packets.

#include <gtest/gtest.h>

#include <random>
#include <string_view>

#include "ferrum/host.h"
#include "ferrum/log.h"
#include "ferrum/memory_transport.h"
#include "ferrum/net_manager.h"
#include "ferrum/rigid_state.h"
#include "net/baseline_store.h"
#include "net/delta_sender.h"
#include "tests/support/probe_controller.h"
#include "tests/support/probe_pair.h"
#include "tests/support/rigid_payload.h"
#include "wire/field_delta.h"
#include "wire/messages.h"

using namespace ferrum;

namespace {

const RigidQuantization kQuantization{};
const FieldLayout& layout() {
  static const FieldLayout l = rigidStateLayout(kQuantization);
  return l;
}

wire::StateBlock rigidBlock(uint32_t counter, const RigidState& s) {
  size_t bits = 0;
  wire::StateBlock b;
  b.id = EntityId::make(kServerPeer, counter);
  b.payload = testing_support::rigidPayload(s, kQuantization, bits);
  b.bits = static_cast<uint32_t>(bits);
  return b;
}

/// The receiving side: reads each packet, rebuilds deltas against what it stored.
struct Receiver {
  BaselineStore store;
  std::map<EntityId, std::vector<uint8_t>> held; ///< each entity's whole payload as rebuilt

  /// Reads the packet; false on anything it cannot rebuild.
  bool read(const std::vector<uint8_t>& bytes) {
    wire::StatePacket packet;
    if (!wire::readStatePacket(bytes, packet)) return false;
    for (const wire::StateBlock& b : packet.blocks) {
      std::vector<uint8_t> whole = b.payload;
      uint32_t bits = b.bits;
      if (b.baselineAge != 0) {
        WriteStream full(wire::kMaxBlockBits / 8);
        if (!store.rebuild(b.id, packet.header.sequence, b.baselineAge, layout(), b.payload.data(), b.bits, full))
          return false;
        bits = static_cast<uint32_t>(full.bits());
        whole = full.take();
      }
      store.store(b.id, packet.header.sequence, bits, whole);
      whole.resize((bits + 7) / 8);
      held[b.id] = whole;
    }
    return true;
  }
};

/// One send: choose within `budgetBytes`, write the packet as NetManager does
/// (header, chained blocks, end), record it.
std::vector<uint8_t> sendOne(DeltaSender& sender, const std::vector<wire::StateBlock>& blocks, uint16_t sequence,
                             uint32_t tick, size_t budgetBytes, size_t& blocksSent) {
  wire::StateHeader header;
  header.sequence = sequence;
  header.senderTick = header.originTick = tick;
  WriteStream out(budgetBytes);
  header.serialize(out);
  const size_t budgetBits = budgetBytes * 8 - out.bits() - 1;
  const auto chosen = sender.select(blocks, [](EntityId) { return 1.0f; }, budgetBits, tick, sequence,
                                    [](EntityId) { return &layout(); });
  wire::BlockContext context;
  for (const wire::StateBlock* b : chosen) EXPECT_TRUE(wire::writeBlock(out, *b, context));
  EXPECT_TRUE(wire::writeEnd(out));
  EXPECT_TRUE(out.ok()) << "the chosen blocks overflow the packet";
  sender.recordSent(sequence, chosen, tick);
  blocksSent = chosen.size();
  return out.take();
}

} // namespace

// 400 bodies, all moving for 40 sends, through 300-byte packets (a small share of them
// fits each time) that lose one in five; then everything comes to rest. Every body
// must go out while they move (none starves behind the coded ones), and once the
// sender has nothing more to send, the receiver holds every body's last state exactly.
TEST(DeltaSenderLazyPacking, WhatDoesNotFitGoesLaterAndTheReceiverEndsExact) {
  constexpr uint32_t kBodies = 400;
  constexpr size_t kPacketBytes = 300;
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> u(-1, 1);
  std::vector<RigidState> states(kBodies);
  for (uint32_t i = 0; i < kBodies; ++i) states[i].position = {static_cast<float>(i % 20), 0.5f, static_cast<float>(i / 20)};
  DeltaSender sender(0, DeltaSender::Framing::Chained);
  Receiver receiver;
  std::vector<int> sentWhileMoving(kBodies + 1, 0);
  uint16_t sequence = 0;
  uint32_t tick = 0;
  size_t deltas = 0;
  auto pack = [&] {
    std::vector<wire::StateBlock> blocks;
    for (uint32_t i = 0; i < kBodies; ++i) blocks.push_back(rigidBlock(i + 1, states[i]));
    return blocks;
  };
  auto step = [&](const std::vector<wire::StateBlock>& blocks, bool moving) {
    size_t count = 0;
    const std::vector<uint8_t> packet = sendOne(sender, blocks, sequence, tick, kPacketBytes, count);
    EXPECT_LE(packet.size(), kPacketBytes);
    wire::StatePacket read;
    EXPECT_TRUE(wire::readStatePacket(packet, read));
    for (const wire::StateBlock& b : read.blocks) {
      if (moving) ++sentWhileMoving[b.id.counter()];
      if (b.baselineAge != 0) ++deltas;
    }
    if (sequence % 5 != 3) { // lost on the way otherwise: neither read nor acknowledged
      EXPECT_TRUE(receiver.read(packet)) << "packet " << sequence;
      sender.onAck(sequence, 0);
    }
    ++sequence;
    ++tick;
    return count;
  };
  for (int send = 0; send < 40; ++send) {
    for (RigidState& s : states) {
      s.position.x += u(rng) * 0.05f;
      s.position.z += u(rng) * 0.05f;
      s.linearVelocity = {u(rng), 0, u(rng)};
    }
    const size_t count = step(pack(), true);
    EXPECT_LT(count, kBodies) << "the packet must be too small for every body";
  }
  for (uint32_t i = 1; i <= kBodies; ++i) EXPECT_GE(sentWhileMoving[i], 1) << "body " << i << " starved";
  EXPECT_GT(deltas, 0u) << "deltas against acknowledged blocks were in use";
  // At rest: the sender drains what waits, then has nothing more to send.
  const std::vector<wire::StateBlock> last = pack();
  int quiet = 0;
  for (int send = 0; send < 400 && quiet < 3; ++send) quiet = step(last, false) == 0 ? quiet + 1 : 0;
  ASSERT_EQ(quiet, 3) << "the sender never ran out of blocks to send";
  for (const wire::StateBlock& b : last) {
    auto it = receiver.held.find(b.id);
    ASSERT_NE(it, receiver.held.end()) << "body " << b.id.counter() << " never arrived";
    EXPECT_EQ(it->second, b.payload) << "body " << b.id.counter() << " is not exact";
  }
}

// A packet too small for the top candidates still takes the first one further down
// that fits on its own: an empty packet is never given up on.
TEST(DeltaSenderLazyPacking, AnEmptyPacketTakesWhateverFitsAlone) {
  DeltaSender sender(0, DeltaSender::Framing::Chained);
  std::vector<wire::StateBlock> blocks;
  for (uint32_t i = 1; i <= 40; ++i) {
    wire::StateBlock b;
    b.id = EntityId::make(kServerPeer, i);
    b.bits = i == 37 ? 8 : 400; // one small block among large ones
    b.payload.assign((b.bits + 7) / 8, static_cast<uint8_t>(i));
    blocks.push_back(std::move(b));
  }
  const size_t budget = wire::measureBlock(blocks[36], {}) + 10;
  auto weight = [](EntityId id) { return id.counter() == 37 ? 0.5f : 2.0f; }; // the small one ranks last
  const auto chosen = sender.select(blocks, weight, budget, 1, 0);
  ASSERT_EQ(chosen.size(), 1u);
  EXPECT_EQ(chosen[0]->id.counter(), 37u);
}

// End to end through two real NetManagers over a link that delays, loses and
// duplicates: 600 entities change every tick, by large and small steps, and a state
// packet holds 200 bytes, a small share of them. Once they stop, the client must hold every entity's final
// value exactly, with deltas in use and no baseline mismatch.
TEST(DeltaSenderLazyPacking, TwoNetManagersWithCrowdedPacketsEndExact) {
  using testing_support::ProbeController;
  NetConfig net;
  net.maxPacketBytes = 200;
  // 20 ms + up to 10 of jitter, 15 % loss, 5 % duplicates
  testing_support::ProbePair pair(LinkConditions{20, 10, 0.15f, 0.05f}, net, net);
  // A block the sender chose but the packet had no room for means its budget was
  // not what it wrote (e.g. the header measured without its acks): the server says so.
  int leftOut = 0;
  setLogSink([&leftOut](LogLevel, std::string_view line) {
    leftOut += line.find("did not fit") != std::string_view::npos;
  });
  struct RestoreSink {
    ~RestoreSink() { setLogSink({}); }
  } restoreSink;
  ASSERT_TRUE(pair.join());
  const std::vector<EntityId> ids = pair.spawnProbes(600);
  Host& server = *pair.server;
  Host& client = *pair.client;
  auto probe = [](Host& host, EntityId id) { return testing_support::ProbePair::probe(host, id); };
  auto tick = [&pair](int n) { pair.tick(n); };
  for (int t = 0; t < 300; ++t) {
    // Large steps beside small ones: deltas of different sizes, so that after one did
    // not fit a smaller one further down often still does.
    for (size_t i = 0; i < ids.size(); ++i)
      probe(server, ids[i])->value += static_cast<uint32_t>((i + t) % 4 == 0 ? 70000 + t : 1 + (i + t) % 3);
    tick(1);
  }
  // 300 ticks are sendHz * 5 sends, each with 600 changed entities: a crowded packet
  // takes a small share of them.
  const uint64_t appliedWhileBusy = client.net().stats().counters.blocksApplied;
  const auto sends = static_cast<uint64_t>(server.net().config().sendHz * 5);
  EXPECT_LT(appliedWhileBusy, 600u * sends / 2) << "the packets were meant to hold a small share of the changes";
  // Settle: what waits goes, lost ones are sent again, until the client holds it all.
  auto exact = [&] {
    for (EntityId id : ids) {
      const ProbeController* c = probe(client, id);
      if (!c || c->received != probe(server, id)->value) return false;
    }
    return true;
  };
  int settle = 0;
  for (; settle < 60 * 60 && !exact(); ++settle) tick(1);
  for (EntityId id : ids) {
    const ProbeController* c = probe(client, id);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->received, probe(server, id)->value) << "entity " << id.counter();
  }
  const NetCounters cc = client.net().stats().counters;
  EXPECT_GT(cc.deltaBlocksReceived, 0u);
  EXPECT_EQ(cc.baselineMismatches, 0u);
  EXPECT_EQ(leftOut, 0) << "packets the sender chose blocks for that did not hold them";
  std::printf("applied while busy %llu, settled in %d ticks, deltas %llu of %llu applied\n",
              static_cast<unsigned long long>(appliedWhileBusy), settle,
              static_cast<unsigned long long>(cc.deltaBlocksReceived), static_cast<unsigned long long>(cc.blocksApplied));
}

// A writer that leaves out the length of blocks its receiver can walk (NetManager does,
// for deltas of entities the receiver holds): costed as written, a crowded packet takes
// more blocks, and what it takes still fits the packet as written.
TEST(DeltaSenderLazyPacking, BlocksWrittenWithoutTheirLengthAreCostedSoAndMoreOfThemFit) {
  constexpr uint32_t kBodies = 400;
  constexpr size_t kPacketBytes = 300;
  auto run = [&](bool tellsTheSender) {
    std::mt19937 rng(5);
    std::uniform_real_distribution<float> u(-1, 1);
    std::vector<RigidState> states(kBodies);
    for (uint32_t i = 0; i < kBodies; ++i) states[i].position = {static_cast<float>(i % 20), 0.5f, static_cast<float>(i / 20)};
    DeltaSender sender(0, DeltaSender::Framing::Chained);
    auto leavesOut = [](const wire::StateBlock& b) { return b.baselineAge != 0; };
    if (tellsTheSender) sender.setLeavesOutLength(leavesOut);
    size_t sentLater = 0;
    for (uint16_t sequence = 0; sequence < 40; ++sequence) {
      for (RigidState& s : states) {
        s.position.x += u(rng) * 0.05f;
        s.position.z += u(rng) * 0.05f;
      }
      std::vector<wire::StateBlock> blocks;
      for (uint32_t i = 0; i < kBodies; ++i) blocks.push_back(rigidBlock(i + 1, states[i]));
      wire::StateHeader header;
      header.sequence = sequence;
      WriteStream out(kPacketBytes);
      header.serialize(out);
      const size_t budgetBits = kPacketBytes * 8 - out.bits() - 1;
      const auto chosen = sender.select(blocks, [](EntityId) { return 1.0f; }, budgetBits, sequence, sequence,
                                        [](EntityId) { return &layout(); });
      wire::BlockContext context;
      for (const wire::StateBlock* b : chosen) EXPECT_TRUE(wire::writeBlock(out, *b, context, leavesOut(*b)));
      EXPECT_TRUE(wire::writeEnd(out));
      EXPECT_TRUE(out.ok()) << "the chosen blocks overflow the packet as written";
      sender.recordSent(sequence, chosen, sequence);
      sender.onAck(sequence, 0);
      if (sequence >= 10) sentLater += chosen.size(); // once most bodies have a baseline
    }
    return sentLater;
  };
  const size_t withLength = run(false), asWritten = run(true);
  EXPECT_GT(asWritten * 100, withLength * 105) << withLength << " blocks costed with their length, " << asWritten
                                               << " costed as written";
}
