// EntityWalk (src/core/entity_walk.h): NetManager's per-tick walk over every entity
// without an id copy. It must visit exactly what a walk over a copy of the ids would:
// every entity in id order, none removed during the walk, none added during it, and
// see spawns and despawns between walks.

#include <gtest/gtest.h>

#include <vector>

#include "ferrum/entity_group.h"
#include "game/demo_game.h"
#include "core/entity_walk.h"

using namespace ferrum;

namespace {

struct Group {
  ControllerRegistry registry;
  std::unique_ptr<EntityGroup> group;
  Group() {
    game::registerDemoTypes(registry);
    group = std::make_unique<EntityGroup>(registry);
  }
  EntityId spawn() {
    SpawnState s;
    s.transform.position = {0, 5, 0};
    const EntityId id = group->allocateId();
    EXPECT_NE(group->spawn(id, game::kCrateType, kServerPeer, s), nullptr);
    return id;
  }
};

std::vector<EntityId> visited(EntityWalk& walk) {
  std::vector<EntityId> out;
  walk.forEach([&](Entity& e) { out.push_back(e.id()); });
  return out;
}

} // namespace

TEST(EntityWalk, VisitsEveryEntityInIdOrderAndSeesChangesBetweenWalks) {
  Group g;
  EntityWalk walk(*g.group);
  EXPECT_TRUE(visited(walk).empty());
  const EntityId a = g.spawn(), b = g.spawn(), c = g.spawn();
  EXPECT_EQ(visited(walk), (std::vector<EntityId>{a, b, c}));
  EXPECT_EQ(visited(walk), g.group->ids()); // unchanged: the same again
  g.group->despawn(b);
  EXPECT_EQ(visited(walk), (std::vector<EntityId>{a, c}));
  const EntityId d = g.spawn();
  EXPECT_EQ(visited(walk), (std::vector<EntityId>{a, c, d}));
}

TEST(EntityWalk, SkipsWhatAVisitDespawnsAndLeavesOutWhatItSpawns) {
  Group g;
  EntityWalk walk(*g.group);
  const EntityId a = g.spawn(), b = g.spawn(), c = g.spawn(), d = g.spawn();
  visited(walk); // the walk's list is built and current
  std::vector<EntityId> seen;
  EntityId added;
  walk.forEach([&](Entity& e) {
    seen.push_back(e.id());
    if (e.id() == a) {
      g.group->despawn(c); // later in the walk: must not be visited (it is gone)
      added = g.spawn();   // new during the walk: not visited, as with a copy of the ids
    }
  });
  EXPECT_EQ(seen, (std::vector<EntityId>{a, b, d}));
  EXPECT_EQ(visited(walk), (std::vector<EntityId>{a, b, d, added})); // next walk has it
}
