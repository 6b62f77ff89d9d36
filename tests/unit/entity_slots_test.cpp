// Dense entity slots (net/entity_slots.h) and the per-slot state kept by them
// (DeltaSender, SendWatch): a slot given to a new entity after the old one went must
// carry nothing of the old one over.

#include <gtest/gtest.h>

#include <algorithm>

#include "net/delta_sender.h"
#include "net/entity_slots.h"
#include "net/replication_set.h"
#include "net/send_watch.h"
#include "tests/support/sender_blocks.h"

using namespace ferrum;
using testing_support::block;
using testing_support::ids;
using testing_support::kEqualWeight;
using testing_support::kRoomy;

namespace {

constexpr size_t kNothingFits = 1; // bits: no block fits, everything waits

} // namespace

TEST(EntitySlots, DenseAndTheLowestReleasedSlotIsReusedFirst) {
  EntitySlots slots;
  EXPECT_EQ(slots.find(EntityId{7}), EntitySlots::kNone);
  EXPECT_EQ(slots.assign(EntityId{7}), 0u);
  EXPECT_EQ(slots.assign(EntityId{9}), 1u);
  EXPECT_EQ(slots.assign(EntityId{3}), 2u);
  EXPECT_EQ(slots.assign(EntityId{9}), 1u) << "an id keeps its slot";
  slots.release(EntityId{3});
  slots.release(EntityId{7});
  slots.release(EntityId{42}); // unknown: nothing happens
  EXPECT_EQ(slots.find(EntityId{7}), EntitySlots::kNone);
  EXPECT_EQ(slots.assign(EntityId{100}), 0u) << "the lowest free slot first";
  EXPECT_EQ(slots.assign(EntityId{101}), 2u);
  EXPECT_EQ(slots.assign(EntityId{102}), 3u);
  EXPECT_EQ(slots.span(), 4u);
  EXPECT_EQ(slots.size(), 4u);
}

// The caller released the old entity's slot (it is gone) and a new entity got it. Had
// the slot's state carried over, the new entity would pass for the old one: its block,
// byte for byte what the old one's receiver acknowledged, would count as held there
// and never be sent, and it would start with the old one's accumulated priority.
TEST(DeltaSenderSlots, ANewEntityInAReusedSlotInheritsNeitherAcknowledgedStateNorPriority) {
  EntitySlots slots;
  DeltaSender d(0, DeltaSender::Framing::Standalone, &slots);
  const EntityId oldId{1}, newId{2};
  std::vector<wire::StateBlock> blocks{block(oldId.value, 7)};
  auto first = d.select(blocks, kEqualWeight, kRoomy, 1);
  ASSERT_EQ(ids(first), std::vector<uint32_t>{oldId.value});
  d.recordSent(0, first, 1);
  d.onAck(0, 0);
  EXPECT_TRUE(d.select(blocks, kEqualWeight, kRoomy, 2).empty()) << "acknowledged and unchanged";
  blocks = {block(oldId.value, 8)};
  EXPECT_TRUE(d.select(blocks, kEqualWeight, kNothingFits, 3).empty());
  EXPECT_TRUE(d.select(blocks, kEqualWeight, kNothingFits, 4).empty());
  EXPECT_FLOAT_EQ(d.priorityOf(oldId), 2.0f) << "it waited twice";

  const uint32_t slot = slots.find(oldId);
  slots.release(oldId); // gone (the sender was not told)
  ASSERT_EQ(slots.assign(newId), slot) << "the new entity takes the old one's slot";
  blocks = {block(newId.value, 7)}; // the very bytes the receiver acknowledged of the old one
  EXPECT_TRUE(d.select(blocks, kEqualWeight, kNothingFits, 5).empty());
  EXPECT_FLOAT_EQ(d.priorityOf(newId), 1.0f) << "its own wait only, not the old one's";
  EXPECT_FALSE(d.knows(oldId));
  auto next = d.select(blocks, kEqualWeight, kRoomy, 6);
  ASSERT_EQ(ids(next), std::vector<uint32_t>{newId.value}) << "the receiver never had the new entity";
  EXPECT_EQ(next[0]->baselineAge, 0) << "sent whole";
}

// forget(): the receiver no longer holds the entity (it left its interest). Coming
// back with the same id and the same bytes, it must be sent again.
TEST(DeltaSenderSlots, ForgetDropsWhatTheReceiverAcknowledged) {
  EntitySlots slots;
  DeltaSender d(0, DeltaSender::Framing::Standalone, &slots);
  std::vector<wire::StateBlock> blocks{block(5, 7), block(6, 1)};
  auto first = d.select(blocks, kEqualWeight, kRoomy, 1);
  d.recordSent(0, first, 1);
  d.onAck(0, 0);
  EXPECT_TRUE(d.select(blocks, kEqualWeight, kRoomy, 2).empty());
  d.forget(EntityId{5});
  EXPECT_FALSE(d.knows(EntityId{5}));
  EXPECT_TRUE(d.knows(EntityId{6}));
  EXPECT_EQ(ids(d.select(blocks, kEqualWeight, kRoomy, 3)), std::vector<uint32_t>{5});
}

// An ack of a packet that carried the old entity says nothing about the new one in its slot.
TEST(DeltaSenderSlots, AnAckOfTheOldEntitysPacketDoesNotCoverTheNewOne) {
  EntitySlots slots;
  DeltaSender d(0, DeltaSender::Framing::Standalone, &slots);
  std::vector<wire::StateBlock> blocks{block(1, 7)};
  d.recordSent(0, d.select(blocks, kEqualWeight, kRoomy, 1), 1);
  slots.release(EntityId{1});
  ASSERT_EQ(slots.assign(EntityId{2}), 0u);
  blocks = {block(2, 7)};
  d.recordSent(1, d.select(blocks, kEqualWeight, kRoomy, 2), 2);
  d.onAck(0, 0); // the old entity's packet, late
  EXPECT_EQ(ids(d.select(blocks, kEqualWeight, kRoomy, 3)), std::vector<uint32_t>{2})
      << "the new entity's own packet is not acknowledged yet: still sent";
  d.onAck(1, 1);
  EXPECT_TRUE(d.select(blocks, kEqualWeight, kRoomy, 4).empty());
}

TEST(SendWatchSlots, ANewEntityInAReusedSlotIsNeitherWatchedNorRestingUntilSaid) {
  EntitySlots slots;
  SendWatch w(&slots);
  const EntityId oldId{1}, newId{2};
  w.watch(oldId);
  EXPECT_TRUE(w.watched(oldId));
  const uint32_t slot = slots.find(oldId);
  slots.release(oldId);
  ASSERT_EQ(slots.assign(newId), slot);
  EXPECT_FALSE(w.watched(newId) || w.resting(newId));
  w.rest(newId, slot, 10); // takes the slot over: the old entity's watch goes with it
  EXPECT_EQ(w.watchedCount(), 0u);
  EXPECT_EQ(w.restingCount(), 1u);
  std::vector<EntityId> due;
  w.collect(9, due);
  EXPECT_TRUE(due.empty()) << "the old entity is not looked at any more";
  w.collect(10, due);
  EXPECT_EQ(due, std::vector<EntityId>{newId});
}

// The replication set's by-slot answers (what a server's senders ask per block, and
// its forwarding per forwarded block, for every client) must say what its by-id
// answers say, through spawns, acks, scales, leaves and a slot given to a new entity.
TEST(ReplicationSetSlots, TheSlotAnswerAgreesWithTheIdAnswer) {
  EntitySlots slots;
  ReplicationSet set;
  set.useSlots(&slots);
  const EntityId a{1}, b{2}, c{3}, own{4};
  auto agree = [&](EntityId id) {
    const uint32_t slot = slots.find(id);
    const uint32_t asked = slot == EntitySlots::kNone ? 0 : slot;
    return set.confirmedScale(id, asked) == set.confirmedScale(id) && set.confirmed(id, asked) == set.confirmed(id);
  };
  slots.assign(c); // not held: no answer but 0
  EXPECT_EQ(set.confirmedScale(c, slots.find(c)), 0.0f);
  EXPECT_FALSE(set.confirmed(c, slots.find(c)));
  EXPECT_FALSE(set.confirmed(EntityId{6}, EntitySlots::kNone)) << "no slot at all";
  set.markSent(a);
  set.markSent(b);
  set.markOwn(own);
  EXPECT_EQ(set.confirmedScale(a, slots.find(a)), 0.0f) << "sent, not yet confirmed";
  EXPECT_FALSE(set.confirmed(a, slots.find(a))) << "sent, not yet confirmed";
  EXPECT_EQ(set.confirmedScale(own, slots.find(own)), 1.0f);
  EXPECT_TRUE(set.confirmed(own, slots.find(own)));
  ASSERT_TRUE(set.onSpawnAck(2));
  EXPECT_EQ(set.confirmedScale(a, slots.find(a)), 1.0f);
  EXPECT_TRUE(set.confirmed(a, slots.find(a)));
  set.setScale(b, 1.5f);
  EXPECT_EQ(set.confirmedScale(b, slots.find(b)), 1.5f);
  EXPECT_TRUE(agree(a) && agree(b) && agree(c) && agree(own));
  // a leaves the client's interest, then is despawned: its slot goes to a new entity.
  const uint32_t slotA = slots.find(a);
  EXPECT_TRUE(set.forget(a));
  EXPECT_EQ(set.confirmedScale(a, slotA), 0.0f);
  EXPECT_FALSE(set.confirmed(a, slotA));
  slots.release(a);
  const EntityId d{5};
  ASSERT_EQ(slots.assign(d), slotA);
  EXPECT_EQ(set.confirmedScale(d, slotA), 0.0f) << "the new entity in a's slot is not held";
  EXPECT_FALSE(set.confirmed(d, slotA));
  set.markSent(d);
  ASSERT_TRUE(set.onSpawnAck(3));
  EXPECT_EQ(set.confirmedScale(d, slotA), 1.0f);
  EXPECT_TRUE(set.confirmed(d, slotA));
  EXPECT_EQ(set.confirmedScale(a, slotA), 0.0f);
  EXPECT_FALSE(set.confirmed(a, slotA));
  EXPECT_TRUE(agree(b) && agree(d) && agree(own));
}
