// What a delta sender looks at per send: the watched/resting sets (SendWatch), the
// per-send change list (BlockChanges), and that looking only at those
// (DeltaSender::selectChanged) chooses exactly what a look at every block does.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "net/block_changes.h"
#include "net/delta_sender.h"
#include "net/send_watch.h"

using namespace ferrum;

namespace {

std::vector<EntityId> collected(SendWatch& w, uint32_t tick) {
  std::vector<EntityId> out;
  w.collect(tick, out);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<EntityId> idsOf(std::initializer_list<uint32_t> values) {
  std::vector<EntityId> out;
  for (uint32_t v : values) out.push_back(EntityId{v});
  return out;
}

wire::StateBlock block(uint32_t id, uint32_t value, uint32_t bits = 32) {
  WriteStream w;
  w.serializeBits(value, bits);
  wire::StateBlock b;
  b.id = EntityId{id};
  b.bits = bits;
  b.payload = w.take();
  return b;
}

} // namespace

TEST(SendWatch, WatchedAreCollectedEverySendRestingOnlyOnceDue) {
  SendWatch w;
  w.advance(100);
  w.watch(EntityId{1});
  w.watch(EntityId{2});
  w.rest(EntityId{3}, 105);
  w.rest(EntityId{4}); // until its block changes or it is watched
  EXPECT_EQ(collected(w, 101), idsOf({1, 2}));
  EXPECT_EQ(collected(w, 102), idsOf({1, 2})) << "watched ones come every time";
  w.rest(EntityId{1}, 200);
  EXPECT_EQ(collected(w, 104), idsOf({2}));
  EXPECT_EQ(collected(w, 105), idsOf({2, 3})) << "due at its tick, and watched from then on";
  EXPECT_TRUE(w.watched(EntityId{3}));
  EXPECT_EQ(collected(w, 106), idsOf({2, 3}));
  EXPECT_TRUE(w.resting(EntityId{4}));
  EXPECT_EQ(w.watchedCount(), 2u);
  EXPECT_EQ(w.restingCount(), 2u);
  w.watch(EntityId{4});
  EXPECT_EQ(collected(w, 107), idsOf({2, 3, 4}));
}

TEST(SendWatch, ARestSupersededOrForgottenNeverComesBack) {
  SendWatch w;
  w.advance(10);
  w.rest(EntityId{1}, 20);
  w.watch(EntityId{1});
  w.rest(EntityId{1}, 50); // the entry for 20 is stale now
  w.rest(EntityId{2}, 20);
  w.forget(EntityId{2}); // removed (despawned): its entry is stale too
  EXPECT_EQ(collected(w, 30), idsOf({}));
  EXPECT_FALSE(w.watched(EntityId{2}));
  EXPECT_FALSE(w.resting(EntityId{2}));
  // The id reused: a new entity with it starts from nothing.
  w.watch(EntityId{2});
  EXPECT_EQ(collected(w, 31), idsOf({2}));
  EXPECT_EQ(collected(w, 50), idsOf({1, 2}));
}

TEST(SendWatch, ForgettingAWatchedOneKeepsTheOthers) {
  SendWatch w;
  for (uint32_t id = 1; id <= 5; ++id) w.watch(EntityId{id});
  w.forget(EntityId{2}); // from the middle of the list
  w.forget(EntityId{5}); // the last one
  w.forget(EntityId{9}); // never known: nothing happens
  EXPECT_EQ(collected(w, 1), idsOf({1, 3, 4}));
  w.forget(EntityId{1});
  w.forget(EntityId{3});
  w.forget(EntityId{4});
  EXPECT_EQ(collected(w, 2), idsOf({}));
  EXPECT_EQ(w.watchedCount() + w.restingCount(), 0u);
}

TEST(SendWatch, TicksThatWrapStayInOrder) {
  SendWatch w;
  const uint32_t nearWrap = 0xFFFFFFF0u;
  w.advance(nearWrap);
  w.rest(EntityId{1}, nearWrap + 32); // past the wrap: 0x10
  w.rest(EntityId{2}, nearWrap + 8);
  EXPECT_EQ(collected(w, nearWrap + 4), idsOf({}));
  EXPECT_EQ(collected(w, nearWrap + 8), idsOf({2}));
  EXPECT_EQ(collected(w, 0x0Fu), idsOf({2})) << "0x0F is after the wrap, before 0x10";
  EXPECT_EQ(collected(w, 0x10u), idsOf({1, 2}));
}

TEST(SendWatch, RepeatedRestsDoNotGrowWithoutBound) {
  SendWatch w;
  // One entity rested again and again with far ticks (each rest leaves the previous
  // entry behind): the collect that comes due still sees it exactly once.
  for (uint32_t i = 0; i < 10000; ++i) {
    w.watch(EntityId{7});
    w.rest(EntityId{7}, 1000000 + i);
  }
  EXPECT_EQ(collected(w, 999999), idsOf({}));
  EXPECT_EQ(collected(w, 1000000 + 9999), idsOf({7}));
}

TEST(BlockChanges, ReportsChangedAndNewBlocksAgainstThePreviousSend) {
  BlockChanges c;
  std::vector<wire::StateBlock> blocks{block(1, 10), block(2, 20), block(4, 40)};
  EXPECT_EQ(c.update(blocks), (std::vector<uint32_t>{0, 1, 2})) << "the first send: all new";
  EXPECT_TRUE(c.update(blocks).empty()) << "nothing changed";
  blocks[1] = block(2, 21);                  // other bytes
  blocks.insert(blocks.begin() + 2, block(3, 30)); // new id
  blocks.erase(blocks.begin());              // id 1 removed
  EXPECT_EQ(c.update(blocks), (std::vector<uint32_t>{0, 1}));
  blocks[2] = block(4, 40, 33); // same value, other bit count
  EXPECT_EQ(c.update(blocks), (std::vector<uint32_t>{2}));
  // Id 1 back (reused) with the bytes it had before it was removed: still new.
  blocks.insert(blocks.begin(), block(1, 10));
  EXPECT_EQ(c.update(blocks), (std::vector<uint32_t>{0}));
}

TEST(BlockChanges, UnsortedBlocksAllCountAsChanged) {
  BlockChanges c;
  std::vector<wire::StateBlock> blocks{block(2, 20), block(1, 10)};
  c.update(blocks);
  EXPECT_EQ(c.update(blocks), (std::vector<uint32_t>{0, 1}));
  std::swap(blocks[0], blocks[1]);
  EXPECT_EQ(c.update(blocks), (std::vector<uint32_t>{0, 1})) << "nothing was kept of the unsorted send";
  EXPECT_TRUE(c.update(blocks).empty());
}

namespace {

// One receiver seen by two senders fed the same events: one looks at every block
// each send (select), the other at the changed ones and what it watches
// (selectChanged). Whatever happens - changes, rests, refreshes, lost acks, a full
// state asked for, entities removed and ids reused, spawns confirmed late, a send
// skipped - they must choose the same blocks.
struct TwinSenders {
  DeltaSender full{12};
  DeltaSender changed{12};
  BlockChanges changes;
  bool changedSawPrevious = false;

  void forget(EntityId id) {
    full.forget(id);
    changed.forget(id);
  }
};

} // namespace

TEST(DeltaSenderSelectChanged, ChoosesExactlyWhatALookAtEveryBlockChooses) {
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    std::mt19937 rng(seed);
    TwinSenders twins;
    twins.full.setResendTicks(3);
    twins.changed.setResendTicks(3);
    std::map<uint32_t, uint32_t> values; // id -> value (the entities that exist)
    std::set<uint32_t> confirmed;        // what the receiver may be sent state of
    for (uint32_t id = 1; id <= 60; ++id) values[id] = id;
    auto weight = [&](EntityId id) { return confirmed.count(id.value) ? 1.0f + static_cast<float>(id.value % 3) : 0.0f; };
    uint16_t sequence = 0;
    for (uint32_t tick = 1; tick <= 1500; ++tick) {
      // The world: most entities rest; a few move; now and then one goes and its id
      // comes back later (reused), sometimes with the very bytes it had.
      const bool busy = (tick / 200) % 2 == 0;
      for (auto& [id, v] : values)
        if (std::uniform_int_distribution<int>(0, busy ? 4 : 60)(rng) == 0) v = static_cast<uint32_t>(rng() % 4);
      if (rng() % 40 == 0 && !values.empty()) {
        auto it = std::next(values.begin(), static_cast<long>(rng() % values.size()));
        const uint32_t id = it->first;
        values.erase(it);
        confirmed.erase(id);
        twins.forget(EntityId{id});
      }
      if (rng() % 40 == 0) {
        const auto id = static_cast<uint32_t>(1 + rng() % 70);
        if (!values.count(id)) values[id] = static_cast<uint32_t>(rng() % 4);
      }
      // Spawns confirmed (and watched, as NetManager does) some time after.
      if (rng() % 3 == 0)
        for (const auto& [id, v] : values)
          if (!confirmed.count(id) && rng() % 4 == 0) {
            confirmed.insert(id);
            twins.changed.watch(EntityId{id});
            break;
          }
      if (rng() % 97 == 0 && !confirmed.empty()) { // the receiver lacks a baseline
        const uint32_t id = *std::next(confirmed.begin(), static_cast<long>(rng() % confirmed.size()));
        twins.full.onNeedFull(EntityId{id});
        twins.changed.onNeedFull(EntityId{id});
      }
      if (tick % 2 != 0) continue; // sends every other tick
      std::vector<wire::StateBlock> blocks;
      for (const auto& [id, v] : values) blocks.push_back(block(id, v));
      if (rng() % 50 == 0) { // a send this receiver was skipped in
        twins.changedSawPrevious = false;
        continue;
      }
      const size_t budget = 40 + rng() % 400; // often too small for everything
      const auto a = twins.full.select(blocks, weight, budget, tick, sequence);
      std::vector<const wire::StateBlock*> b;
      const auto& list = twins.changes.update(blocks);
      if (twins.changedSawPrevious) b = twins.changed.selectChanged(blocks, list, weight, budget, tick, sequence);
      else b = twins.changed.select(blocks, weight, budget, tick, sequence);
      twins.changedSawPrevious = true;
      ASSERT_EQ(a.size(), b.size()) << "seed " << seed << " tick " << tick;
      for (size_t i = 0; i < a.size(); ++i) {
        ASSERT_EQ(a[i]->id, b[i]->id) << "seed " << seed << " tick " << tick;
        ASSERT_EQ(a[i]->payload, b[i]->payload) << "seed " << seed << " tick " << tick;
      }
      twins.full.recordSent(sequence, a, tick);
      twins.changed.recordSent(sequence, b, tick);
      // Acks come back two sends later, some lost.
      const auto acked = static_cast<uint16_t>(sequence - 2);
      if (sequence >= 2 && rng() % 5 != 0) {
        const uint32_t bits = static_cast<uint32_t>(rng());
        twins.full.onAck(acked, bits);
        twins.changed.onAck(acked, bits);
      }
      ++sequence;
    }
  }
}

TEST(DeltaSenderSelectChanged, AWorldAtRestIsNotLookedAt) {
  DeltaSender d(0); // no refresh: at rest, nothing is ever due
  BlockChanges changes;
  std::vector<wire::StateBlock> blocks;
  for (uint32_t id = 1; id <= 100; ++id) blocks.push_back(block(id, id));
  auto all = [](EntityId) { return 1.0f; };
  uint16_t sequence = 0;
  auto send = [&](uint32_t tick, bool first) {
    const auto& list = changes.update(blocks);
    auto chosen = first ? d.select(blocks, all, 100000, tick, sequence)
                        : d.selectChanged(blocks, list, all, 100000, tick, sequence);
    d.recordSent(sequence, chosen, tick);
    d.onAck(sequence, 0);
    ++sequence;
    return chosen.size();
  };
  EXPECT_EQ(send(1, true), 100u);
  EXPECT_EQ(send(2, false), 0u);
  EXPECT_EQ(d.sendWatch().watchedCount(), 0u) << "everything acknowledged rests";
  EXPECT_EQ(d.sendWatch().restingCount(), 100u);
  blocks[41] = block(42, 1000);
  EXPECT_EQ(send(3, false), 1u) << "the one that changed";
  EXPECT_EQ(send(4, false), 0u);
  d.forget(EntityId{42}); // removed: nothing of it is kept
  blocks.erase(blocks.begin() + 41);
  EXPECT_EQ(send(5, false), 0u);
  EXPECT_FALSE(d.sendWatch().watched(EntityId{42}) || d.sendWatch().resting(EntityId{42}));
  EXPECT_EQ(d.sendWatch().restingCount(), 99u);
}
