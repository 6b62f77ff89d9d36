// Delta against acknowledged state: what is resent, what is not, and who goes first.

#include <gtest/gtest.h>

#include "net/delta_sender.h"

using namespace ferrum;

namespace {

wire::StateBlock block(uint32_t id, uint32_t value) {
  WriteStream w;
  w.serializeBits(value, 32);
  wire::StateBlock b;
  b.id = EntityId{id};
  b.bits = 32;
  b.payload = w.take();
  return b;
}

std::vector<uint32_t> ids(const std::vector<const wire::StateBlock*>& chosen) {
  std::vector<uint32_t> out;
  for (const auto* b : chosen) out.push_back(b->id.value);
  return out;
}

const auto kEqualWeight = [](EntityId) { return 1.0f; };
constexpr size_t kRoomy = 100000;

} // namespace

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

TEST(DeltaSender, RefreshResendsUnchangedStateNowAndThen) {
  DeltaSender d(10);
  std::vector<wire::StateBlock> blocks{block(1, 5)};
  d.recordSent(1, d.select(blocks, kEqualWeight, kRoomy, 1), 1);
  d.onAck(1, 0);
  EXPECT_TRUE(d.select(blocks, kEqualWeight, kRoomy, 5).empty());
  EXPECT_EQ(d.select(blocks, kEqualWeight, kRoomy, 11).size(), 1u);
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
      EXPECT_EQ(chosen.front()->id.value, 7u) << "the heavy entity goes first";
    }
    for (const auto* c : chosen) ++sentCount[c->id.value];
    d.recordSent(seq++, chosen, tick);
  }
  for (uint32_t i = 1; i <= 10; ++i) EXPECT_GE(sentCount[i], 1) << "entity " << i << " starved";
  EXPECT_GT(sentCount[7], sentCount[1]);
}
