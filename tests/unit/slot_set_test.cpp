// SlotSet: membership by an entity's dense slot, agreeing with membership by id, and a
// slot given to another entity after a release reading as "not a member".

#include <gtest/gtest.h>

#include "net/slot_set.h"

using namespace ferrum;

TEST(SlotSet, MembersAreFoundByIdAndBySlotAndErasedOnes) {
  EntitySlots slots;
  SlotSet set;
  set.useSlots(&slots);
  const EntityId a{0x01000001}, b{0x01000002}, c{0x02000001};
  set.insert(a);
  set.insert(c);
  EXPECT_TRUE(set.contains(a));
  EXPECT_TRUE(set.contains(a, slots.find(a)));
  EXPECT_FALSE(set.contains(b));
  EXPECT_FALSE(set.contains(b, slots.assign(b)));
  EXPECT_TRUE(set.contains(c, slots.find(c)));
  set.erase(a);
  EXPECT_FALSE(set.contains(a));
  EXPECT_FALSE(set.contains(a, slots.find(a)));
  EXPECT_TRUE(set.contains(c));
  set.erase(b); // never a member: nothing changes
  EXPECT_TRUE(set.contains(c));
  EXPECT_FALSE(set.contains(kNullEntity, 0));
}

TEST(SlotSet, ASlotReusedByAnotherEntityIsNotAMemberThroughTheOldEntry) {
  EntitySlots slots;
  SlotSet set;
  set.useSlots(&slots);
  const EntityId old{0x01000001}, next{0x01000002};
  set.insert(old);
  const uint32_t slot = slots.find(old);
  slots.release(old);
  ASSERT_EQ(slots.assign(next), slot); // the lowest released slot goes first
  EXPECT_FALSE(set.contains(next, slot));
  EXPECT_FALSE(set.contains(next));
  set.insert(next);
  EXPECT_TRUE(set.contains(next, slot));
}

TEST(SlotSet, OutOfRangeSlotsAreNotMembers) {
  EntitySlots slots;
  SlotSet set;
  set.useSlots(&slots);
  const EntityId a{0x01000001};
  set.insert(a);
  EXPECT_FALSE(set.contains(a, EntitySlots::kNone));
  EXPECT_FALSE(set.contains(a, 1000));
}
