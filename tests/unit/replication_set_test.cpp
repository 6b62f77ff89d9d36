// The server's per-client replication set: the order and bookkeeping behind paced
// joins and interest management (what is queued, held, confirmed).

#include <algorithm>

#include <gtest/gtest.h>

#include "net/replication_set.h"

using namespace ferrum;

namespace {
EntityId id(uint32_t counter) { return EntityId::make(kServerPeer, counter); }

std::vector<EntityId> drain(ReplicationSet& set) {
  std::vector<EntityId> out;
  for (EntityId next = set.popNext(); !next.isNull(); next = set.popNext()) out.push_back(next);
  return out;
}
} // namespace

TEST(ReplicationSet, QueuedSpawnsComeHighestScoreFirstTiesByLowerId) {
  ReplicationSet set;
  set.queue(id(5), 1.0f);
  set.queue(id(2), 3.0f);
  set.queue(id(9), 1.0f);
  set.queue(id(1), 0.5f);
  set.queue(id(3), 3.0f);
  EXPECT_EQ(set.queued(), 5u);
  EXPECT_EQ(drain(set), (std::vector<EntityId>{id(2), id(3), id(5), id(9), id(1)}));
  EXPECT_EQ(set.queued(), 0u);
  EXPECT_TRUE(set.popNext().isNull());
}

TEST(ReplicationSet, SetQueueReplacesTheQueueAndSkipsWhatIsHeld) {
  ReplicationSet set;
  set.queue(id(1), 1.0f);
  set.queue(id(2), 2.0f);
  set.markSent(id(7));
  // Fresh scores: 1 is no longer wanted, 2 drops, 3 is new, 7 is held already.
  set.setQueue({{id(2), 0.1f}, {id(3), 5.0f}, {id(7), 9.0f}, {id(3), 1.0f}});
  EXPECT_FALSE(set.isQueued(id(1)));
  EXPECT_FALSE(set.isQueued(id(7)));
  EXPECT_EQ(set.queued(), 2u);
  EXPECT_EQ(drain(set), (std::vector<EntityId>{id(3), id(2)}));
}

TEST(ReplicationSet, ForgettingAQueuedEntityTakesItOutOfTheOrder) {
  ReplicationSet set;
  for (uint32_t i = 1; i <= 4; ++i) set.queue(id(i), static_cast<float>(i));
  EXPECT_FALSE(set.forget(id(3))); // queued, never held
  EXPECT_EQ(set.queued(), 3u);
  EXPECT_EQ(drain(set), (std::vector<EntityId>{id(4), id(2), id(1)}));
}

TEST(ReplicationSet, StateMayGoOnlyOnceTheSpawnIsAcknowledged) {
  ReplicationSet set;
  set.queue(id(1), 1.0f);
  ASSERT_EQ(set.popNext(), id(1));
  set.markSent(id(1));
  set.markSent(id(2));
  EXPECT_TRUE(set.holds(id(1)));
  EXPECT_FALSE(set.confirmed(id(1)));
  ASSERT_TRUE(set.onSpawnAck(1));
  EXPECT_TRUE(set.confirmed(id(1)));
  EXPECT_FALSE(set.confirmed(id(2)));
  ASSERT_TRUE(set.onSpawnAck(2));
  EXPECT_TRUE(set.confirmed(id(2)));
  EXPECT_EQ(set.spawnsSent(), 2u);
}

TEST(ReplicationSet, AcksBeyondWhatWasSentOrGoingBackAreRefused) {
  ReplicationSet set;
  set.markSent(id(1));
  set.markSent(id(2));
  EXPECT_FALSE(set.onSpawnAck(3)); // more than were sent
  EXPECT_FALSE(set.confirmed(id(1)));
  EXPECT_TRUE(set.onSpawnAck(2));
  EXPECT_FALSE(set.onSpawnAck(1)); // counts never go back
  EXPECT_TRUE(set.confirmed(id(1)));
}

// An entity that left and came back is confirmed by its new spawn's ack, not by the
// old one's still on its way.
TEST(ReplicationSet, AnOldSpawnsAckDoesNotConfirmTheEntitysNewSpawn) {
  ReplicationSet set;
  set.markSent(id(1)); // spawn 1
  EXPECT_TRUE(set.forget(id(1))); // it left
  set.markSent(id(1)); // spawn 2, the same entity again
  ASSERT_TRUE(set.onSpawnAck(1));
  EXPECT_TRUE(set.holds(id(1)));
  EXPECT_FALSE(set.confirmed(id(1)));
  ASSERT_TRUE(set.onSpawnAck(2));
  EXPECT_TRUE(set.confirmed(id(1)));
}

// The spawns waiting for their ack are a queue that drops what was confirmed from its
// front: acks in uneven steps, with spawns sent between them, confirm exactly the
// spawns counted, in order, however long the queue has been.
TEST(ReplicationSet, AcksInUnevenStepsConfirmExactlyTheSpawnsCountedAcrossAManySpawnQueue) {
  ReplicationSet set;
  uint32_t sent = 0;
  uint32_t acked = 0;
  std::vector<EntityId> confirmed;
  const uint32_t steps[] = {1, 70, 3, 0, 150, 2, 90, 1};
  for (uint32_t round = 0; round < 8; ++round) {
    for (uint32_t i = 0; i < 40 + 25 * round; ++i) set.markSent(id(++sent));
    const uint32_t ackTo = std::min(sent, acked + steps[round]);
    std::vector<EntityId> now;
    ASSERT_TRUE(set.onSpawnAck(ackTo, &now));
    for (uint32_t c = acked + 1; c <= ackTo; ++c) confirmed.push_back(id(c));
    std::vector<EntityId> expected(confirmed.end() - static_cast<std::ptrdiff_t>(ackTo - acked), confirmed.end());
    EXPECT_EQ(now, expected) << "round " << round;
    acked = ackTo;
    for (uint32_t c = 1; c <= sent; ++c) ASSERT_EQ(set.confirmed(id(c)), c <= acked) << "spawn " << c;
  }
  std::vector<EntityId> rest;
  ASSERT_TRUE(set.onSpawnAck(sent, &rest));
  EXPECT_EQ(rest.size(), sent - acked);
  for (uint32_t c = 1; c <= sent; ++c) EXPECT_TRUE(set.confirmed(id(c)));
  set.markSent(id(++sent)); // after the queue emptied
  EXPECT_FALSE(set.confirmed(id(sent)));
  ASSERT_TRUE(set.onSpawnAck(sent));
  EXPECT_TRUE(set.confirmed(id(sent)));
}

TEST(ReplicationSet, OwnEntitiesAreHeldAndConfirmedWithoutASpawn) {
  ReplicationSet set;
  set.queue(id(4), 1.0f);
  set.markOwn(id(4));
  EXPECT_FALSE(set.isQueued(id(4)));
  EXPECT_TRUE(set.confirmed(id(4)));
  EXPECT_EQ(set.spawnsSent(), 0u);
  set.queue(id(4), 1.0f); // held: queueing it changes nothing
  EXPECT_EQ(set.queued(), 0u);
}

TEST(ReplicationSet, RelevanceScaleIsKeptPerHeldEntity) {
  ReplicationSet set;
  set.markSent(id(1));
  EXPECT_EQ(set.scale(id(1)), 1.0f);
  set.setScale(id(1), 1.5f);
  EXPECT_EQ(set.scale(id(1)), 1.5f);
  EXPECT_EQ(set.scale(id(2)), 0.0f); // not held: no state for it
  set.setScale(id(2), 3.0f);
  EXPECT_FALSE(set.holds(id(2)));
}
