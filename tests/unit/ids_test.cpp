#include <gtest/gtest.h>

#include <set>

#include "ferrum/entity_group.h"

using namespace ferrum;

TEST(EntityIds, CarryTheCreatorSlotAndCounter) {
  const EntityId id = EntityId::make(7, 0x123456);
  EXPECT_EQ(id.creator(), 7);
  EXPECT_EQ(id.counter(), 0x123456u);
  EXPECT_FALSE(id.isNull());
  EXPECT_TRUE(kNullEntity.isNull());
}

TEST(EntityIds, PeersAllocateDisjointRanges) {
  ControllerRegistry registry;
  EntityGroup a(registry), b(registry);
  a.setLocalPeer(0);
  b.setLocalPeer(3);
  std::set<uint32_t> seen;
  for (int i = 0; i < 1000; ++i) {
    const EntityId x = a.allocateId(), y = b.allocateId();
    EXPECT_EQ(x.creator(), 0);
    EXPECT_EQ(y.creator(), 3);
    EXPECT_FALSE(x.isNull()) << "the server's first id must not be the null id";
    EXPECT_TRUE(seen.insert(x.value).second);
    EXPECT_TRUE(seen.insert(y.value).second);
  }
}

TEST(EntityIds, AllocationStopsWhenTheCounterIsSpent) {
  ControllerRegistry registry;
  EntityGroup g(registry);
  g.setLocalPeer(1);
  EntityId last;
  for (uint32_t i = 0; i < 0xFFFFFFu; ++i) last = g.allocateId();
  EXPECT_EQ(last.counter(), 0xFFFFFFu);
  EXPECT_TRUE(g.allocateId().isNull());
}
