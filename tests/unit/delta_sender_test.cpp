// Delta against acknowledged state: what is resent, what is not, and who goes first.

#include <gtest/gtest.h>

#include <random>

#include "net/delta_sender.h"
#include "tests/support/sender_blocks.h"

using namespace ferrum;
using testing_support::block;
using testing_support::ids;
using testing_support::kEqualWeight;
using testing_support::kRoomy;

TEST(ReceiveHistory, AcksTheNewestAndTheThirtyTwoBefore) {
  ReceiveHistory h;
  EXPECT_FALSE(h.any());
  h.onReceived(10);
  h.onReceived(12); // 11 lost
  h.onReceived(11); // ...arrives late
  h.onReceived(14);
  EXPECT_EQ(h.newest(), 14);
  // bit i = 14 - 1 - i: 13 missing, 12, 11, 10 present.
  EXPECT_EQ(h.bits() & 0xF, 0b1110u);
  EXPECT_EQ(h.lost(), 1u) << "13 never came; 11 came late and is not lost";
  h.onReceived(14 + 40); // a long gap forgets the old window
  EXPECT_EQ(h.bits(), 0u);
  h.onReceived(65535);
  EXPECT_EQ(h.newest(), 54) << "a very old sequence does not move the window back";
}

TEST(DeltaSender, UnchangedAcknowledgedStateIsNotResent) {
  DeltaSender d(0);
  std::vector<wire::StateBlock> blocks{block(1, 5), block(2, 6)};
  auto first = d.select(blocks, kEqualWeight, kRoomy, 1);
  EXPECT_EQ(first.size(), 2u);
  d.recordSent(100, first, 1);
  // Not acknowledged yet: still sent.
  auto second = d.select(blocks, kEqualWeight, kRoomy, 2);
  EXPECT_EQ(second.size(), 2u);
  d.recordSent(101, second, 2);
  d.onAck(101, 0);
  EXPECT_TRUE(d.select(blocks, kEqualWeight, kRoomy, 3).empty()) << "the receiver has exactly this";
  blocks[1] = block(2, 7);
  EXPECT_EQ(ids(d.select(blocks, kEqualWeight, kRoomy, 4)), std::vector<uint32_t>{2}) << "only what changed";
}

TEST(DeltaSender, AnOlderAckDoesNotCoverANewerDifferentBlock) {
  DeltaSender d(0);
  std::vector<wire::StateBlock> a{block(1, 5)}, b{block(1, 9)};
  d.recordSent(1, d.select(a, kEqualWeight, kRoomy, 1), 1);
  d.recordSent(2, d.select(b, kEqualWeight, kRoomy, 2), 2); // changed, in flight
  d.recordSent(3, d.select(a, kEqualWeight, kRoomy, 3), 3); // back to the first value
  d.onAck(1, 0); // only the oldest packet is confirmed
  EXPECT_EQ(d.select(a, kEqualWeight, kRoomy, 4).size(), 1u)
      << "the receiver may hold the value from packet 2: keep sending until the newest is acked";
  d.onAck(3, 0b11);
  EXPECT_TRUE(d.select(a, kEqualWeight, kRoomy, 5).empty());
}

TEST(DeltaSender, AcksThatTakeSeveralSendsStillStopTheResends) {
  // A block is resent while its ack is on the way; the ack of any packet that carried
  // these bytes must count, or with acks two sends or more behind (a few tens of ms of
  // RTT at 30 packets/s) the block would go out in every packet forever.
  for (int lag : {0, 1, 2, 3, 6, 20}) {
    DeltaSender d(0);
    std::vector<wire::StateBlock> blocks{block(1, 42)};
    int sent = 0;
    for (int s = 0; s < 300; ++s) {
      if (s - lag >= 0) d.onAck(static_cast<uint16_t>(s - lag), 0xFFFFFFFFu);
      const auto chosen = d.select(blocks, kEqualWeight, kRoomy, static_cast<uint32_t>(2 * s));
      d.recordSent(static_cast<uint16_t>(s), chosen, static_cast<uint32_t>(2 * s));
      sent += !chosen.empty();
    }
    EXPECT_LE(sent, lag + 2) << "ack lag of " << lag << " sends";
  }
}

TEST(DeltaSender, AcksKeepCountingLongAfterTheLastChangeAcrossTheSequenceWrap) {
  DeltaSender d(0);
  std::vector<wire::StateBlock> blocks{block(1, 7)};
  // 70 000 packets (past the 16-bit wrap), acks three sends behind; the block changes
  // once, half-way: it goes out a few times after each change, then never again.
  int sentAfterChange = 0;
  for (int s = 0; s < 70000; ++s) {
    if (s == 35000) blocks = {block(1, 8)};
    if (s >= 3) d.onAck(static_cast<uint16_t>(s - 3), 0xFFFFFFFFu);
    const auto chosen = d.select(blocks, kEqualWeight, kRoomy, static_cast<uint32_t>(s));
    d.recordSent(static_cast<uint16_t>(s), chosen, static_cast<uint32_t>(s));
    if (s >= 35000) sentAfterChange += !chosen.empty();
    if (s == 69999) {
      EXPECT_TRUE(chosen.empty());
    }
  }
  EXPECT_LE(sentAfterChange, 5);
}

TEST(DeltaSender, RefreshResendsUnchangedStateNowAndThen) {
  DeltaSender d(10);
  std::vector<wire::StateBlock> blocks{block(1, 5)};
  d.recordSent(1, d.select(blocks, kEqualWeight, kRoomy, 1), 1);
  d.onAck(1, 0);
  EXPECT_TRUE(d.select(blocks, kEqualWeight, kRoomy, 5).empty());
  EXPECT_EQ(d.select(blocks, kEqualWeight, kRoomy, 11).size(), 1u);
}

TEST(DeltaSender, RefreshBacksOffWhileTheEntityRestsAndStartsOverWhenItChanges) {
  DeltaSender d(10);
  std::vector<wire::StateBlock> blocks{block(1, 5)};
  uint16_t seq = 0;
  // Sends at `tick` and has the packet acknowledged at once; returns whether it sent.
  auto sendAt = [&](uint32_t tick) {
    auto chosen = d.select(blocks, kEqualWeight, kRoomy, tick);
    d.recordSent(seq, chosen, tick);
    d.onAck(seq++, 0);
    return !chosen.empty();
  };
  ASSERT_TRUE(sendAt(0));
  // Refreshes 10, 20, 40, 80, 160, 320 ticks after the previous send, then every 320.
  uint32_t last = 0;
  for (uint32_t interval : {10u, 20u, 40u, 80u, 160u, 320u, 320u, 320u}) {
    EXPECT_FALSE(sendAt(last + interval - 1)) << "interval " << interval;
    EXPECT_TRUE(sendAt(last + interval)) << "interval " << interval;
    last += interval;
  }
  blocks[0] = block(1, 6); // it moved: sent now, and refreshed quickly again
  EXPECT_TRUE(sendAt(last + 1));
  EXPECT_FALSE(sendAt(last + 10));
  EXPECT_TRUE(sendAt(last + 11));
}

TEST(DeltaSender, AnUnacknowledgedResendDoesNotCountAsARefresh) {
  DeltaSender d(10);
  std::vector<wire::StateBlock> blocks{block(1, 5)};
  d.recordSent(1, d.select(blocks, kEqualWeight, kRoomy, 0), 0);
  d.recordSent(2, d.select(blocks, kEqualWeight, kRoomy, 1), 1); // packet 1 not acked yet: resent
  d.onAck(2, 0);
  EXPECT_TRUE(d.select(blocks, kEqualWeight, kRoomy, 10).empty());
  EXPECT_EQ(d.select(blocks, kEqualWeight, kRoomy, 11).size(), 1u) << "first refresh, not a doubled one";
}

TEST(DeltaSender, ZeroRefreshNeverResendsAcknowledgedState) {
  DeltaSender d(0);
  std::vector<wire::StateBlock> blocks{block(1, 5)};
  d.recordSent(1, d.select(blocks, kEqualWeight, kRoomy, 1), 1);
  d.onAck(1, 0);
  EXPECT_TRUE(d.select(blocks, kEqualWeight, kRoomy, 1u << 30).empty());
}

TEST(DeltaSender, SelectionIsSortedById) {
  DeltaSender d(0);
  std::vector<wire::StateBlock> blocks{block(0x01000003, 1), block(9, 2), block(4, 3), block(0x01000001, 4)};
  auto weight = [](EntityId id) { return static_cast<float>(id.value & 0xFF); };
  EXPECT_EQ(ids(d.select(blocks, weight, kRoomy, 1)), (std::vector<uint32_t>{4, 9, 0x01000001, 0x01000003}));
}

// What a caller with chained framing writes must fit the budget select() was given,
// and select's running total must be the packet's real size: nothing it recorded as
// sent may be cut off by the writer.
TEST(DeltaSender, ChainedSelectionFitsTheBudgetExactly) {
  std::mt19937 engine(5);
  auto rng = [&] { return static_cast<uint32_t>(engine()); };
  for (int round = 0; round < 300; ++round) {
    DeltaSender d(0, DeltaSender::Framing::Chained);
    std::vector<wire::StateBlock> blocks;
    const uint32_t count = 1 + rng() % 60;
    for (uint32_t i = 0; i < count; ++i) {
      const auto slot = static_cast<PeerId>(rng() % 4 == 0 ? 1 + rng() % 3 : 0);
      const uint32_t counter = 1 + (rng() % 3 == 0 ? rng() % 0xFFFFFF : rng() % 200);
      WriteStream w;
      const auto bits = static_cast<uint32_t>(rng() % 3 == 0 ? rng() % 200 : 80 + 60 * (rng() % 2));
      for (uint32_t b = 0; b < bits; ++b) {
        uint32_t bit = rng() & 1;
        w.serializeBits(bit, 1);
      }
      wire::StateBlock sb;
      sb.id = EntityId::make(slot, counter);
      sb.bits = bits;
      sb.payload = w.take();
      blocks.push_back(std::move(sb));
    }
    auto weight = [&](EntityId id) { return 1.0f + static_cast<float>(std::hash<EntityId>{}(id) % 7); };
    const size_t budget = rng() % 4000;
    auto chosen = d.select(blocks, weight, budget, 1);
    WriteStream out(1 << 16);
    wire::BlockContext context;
    size_t measured = 0;
    for (size_t i = 0; i < chosen.size(); ++i) {
      if (i > 0) {
        ASSERT_LE(chosen[i - 1]->id, chosen[i]->id);
      }
      measured += wire::measureBlock(*chosen[i], context);
      ASSERT_TRUE(wire::writeBlock(out, *chosen[i], context));
    }
    EXPECT_EQ(out.bits(), measured);
    EXPECT_LE(out.bits(), budget) << "round " << round;
    // Whatever fits on its own in an empty packet is never left out of an empty one.
    bool anyFits = false;
    for (const auto& b : blocks) anyFits |= wire::measureBlock(b, {}) <= budget;
    EXPECT_EQ(anyFits, !chosen.empty()) << "round " << round;
  }
}

TEST(DeltaSender, StandaloneSelectionFitsWrittenOneByOne) {
  DeltaSender d(0);
  std::vector<wire::StateBlock> blocks;
  for (uint32_t i = 1; i <= 20; ++i) blocks.push_back(block(i * 3, i));
  const size_t budget = 7 * wire::measureBlock(blocks[0]) + 5;
  auto chosen = d.select(blocks, kEqualWeight, budget, 1);
  EXPECT_EQ(chosen.size(), 7u);
  WriteStream out(1 << 16);
  for (const auto* b : chosen) wire::writeBlock(out, *b);
  EXPECT_LE(out.bits(), budget);
}

TEST(DeltaSender, PriorityDecidesWhatFitsAndStarvedEntitiesRise) {
  DeltaSender d(0);
  std::vector<wire::StateBlock> blocks;
  for (uint32_t i = 1; i <= 10; ++i) blocks.push_back(block(i, i));
  auto weight = [](EntityId id) { return id.value == 7 ? 10.0f : 1.0f; };
  const size_t twoBlocks = 2 * wire::measureBlock(blocks[0]);
  std::vector<int> sentCount(11, 0);
  uint16_t seq = 0;
  for (uint32_t tick = 1; tick <= 10; ++tick) {
    // Every entity changes every tick, so everything always wants to go.
    for (auto& b : blocks) b = block(b.id.value, b.id.value * 1000 + tick);
    auto chosen = d.select(blocks, weight, twoBlocks, tick);
    ASSERT_LE(chosen.size(), 2u);
    if (tick == 1) {
      EXPECT_TRUE(std::find_if(chosen.begin(), chosen.end(), [](const auto* c) { return c->id.value == 7; }) !=
                  chosen.end())
          << "the heavy entity goes first";
    }
    for (const auto* c : chosen) ++sentCount[c->id.value];
    d.recordSent(seq++, chosen, tick);
  }
  for (uint32_t i = 1; i <= 10; ++i) EXPECT_GE(sentCount[i], 1) << "entity " << i << " starved";
  EXPECT_GT(sentCount[7], sentCount[1]);
}

TEST(DeltaSender, AnUnchangedBlockInFlightWaitsForItsAckBeforeBeingSentAgain) {
  DeltaSender d(0);
  d.setResendTicks(6);
  std::vector<wire::StateBlock> blocks{block(1, 5)};
  d.recordSent(1, d.select(blocks, kEqualWeight, kRoomy, 0), 0);
  EXPECT_TRUE(d.select(blocks, kEqualWeight, kRoomy, 2).empty()) << "its ack is probably on the way";
  EXPECT_EQ(d.select(blocks, kEqualWeight, kRoomy, 6).size(), 1u) << "no ack in time: sent again";
  std::vector<wire::StateBlock> changed{block(1, 6)};
  d.recordSent(2, d.select(changed, kEqualWeight, kRoomy, 7), 7);
  EXPECT_EQ(d.select(std::vector<wire::StateBlock>{block(1, 7)}, kEqualWeight, kRoomy, 8).size(), 1u)
      << "a change goes at once";
}

// More candidates than the sender puts in order up front (it sorts the first few
// hundred and the rest only when it gets there): what goes is still exactly the
// highest weights, whether the packet stops among the first ones or far past them.
TEST(DeltaSender, AmongManyCandidatesTheHighestWeightsGoWhereverThePacketStops) {
  for (size_t fits : {size_t{100}, size_t{700}}) {
    DeltaSender sender(0);
    std::vector<wire::StateBlock> blocks;
    for (uint32_t id = 1; id <= 1000; ++id) blocks.push_back(block(id, id * 7));
    const size_t perBlock = wire::measureBlock(blocks.front());
    // Weights shuffled against ids, all different: the top `fits` are known.
    std::vector<float> weight(1001);
    for (uint32_t id = 1; id <= 1000; ++id) weight[id] = static_cast<float>((id * 389) % 1000 + 1);
    const auto chosen =
        sender.select(blocks, [&](EntityId id) { return weight[id.value]; }, fits * perBlock, 1, 0);
    ASSERT_EQ(chosen.size(), fits);
    for (const wire::StateBlock* b : chosen) EXPECT_GT(weight[b->id.value], 1000.0f - static_cast<float>(fits));
  }
}
