#include <gtest/gtest.h>

#include "ferrum/entity_group.h"
#include "game/crate_controller.h"
#include "game/demo_game.h"

using namespace ferrum;

namespace {
EntityType typeWithoutController() {
  EntityType t;
  t.name = "broken";
  t.build = [](const SpawnState&) { return EntityParts{}; };
  return t;
}
} // namespace

TEST(ControllerRegistry, RefusesZeroDuplicateAndFactorylessTypes) {
  ControllerRegistry r;
  EXPECT_TRUE(r.add(1, game::crateType()));
  EXPECT_FALSE(r.add(1, game::crateType())) << "duplicate id";
  EXPECT_FALSE(r.add(0, game::crateType())) << "0 is not a type";
  EntityType empty;
  empty.name = "no factory";
  EXPECT_FALSE(r.add(2, empty));
  EXPECT_EQ(r.size(), 1u);
  EXPECT_EQ(r.find(1)->name, "crate");
  EXPECT_EQ(r.find(99), nullptr);
}

TEST(EntityGroup, SpawnsFindsAndDespawnsThroughTheRegistry) {
  ControllerRegistry r;
  game::registerDemoTypes(r);
  EntityGroup g(r);
  SpawnState s;
  s.transform.position = {1, 5, 2};
  s.variant = 2;
  const EntityId id = g.allocateId();
  Entity* e = g.spawn(id, game::kCrateType, kServerPeer, s);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(g.find(id), e);
  EXPECT_EQ(e->type(), game::kCrateType);
  EXPECT_EQ(e->authority(), kServerPeer);
  EXPECT_EQ(e->body().position(), (Vec3{1, 5, 2})) << "created at its spawn state, not at the origin";
  EXPECT_EQ(g.spawnStateOf(*e).variant, 2u);
  EXPECT_EQ(&e->controller().entity(), e);
  EXPECT_TRUE(e->controller().isLocalAuthority());

  EXPECT_EQ(g.spawn(id, game::kCrateType, kServerPeer, s), nullptr) << "id already taken";
  EXPECT_EQ(g.spawn(g.allocateId(), 77, kServerPeer, s), nullptr) << "unknown type";
  EXPECT_EQ(g.spawn(kNullEntity, game::kCrateType, kServerPeer, s), nullptr) << "null id";
  EXPECT_EQ(g.size(), 1u);

  EXPECT_TRUE(g.despawn(id));
  EXPECT_FALSE(g.despawn(id));
  EXPECT_EQ(g.find(id), nullptr);
}

TEST(EntityGroup, AnEntityCannotExistWithoutItsController) {
  ControllerRegistry r;
  ASSERT_TRUE(r.add(5, typeWithoutController()));
  EntityGroup g(r);
  EXPECT_EQ(g.spawn(g.allocateId(), 5, kServerPeer, {}), nullptr);
  EXPECT_EQ(g.size(), 0u);
}

TEST(EntityGroup, CratesFallUnderPhysics) {
  ControllerRegistry r;
  game::registerDemoTypes(r);
  EntityGroup g(r);
  SpawnState s;
  s.transform.position = {0, 10, 0};
  Entity* e = g.spawn(g.allocateId(), game::kCrateType, kServerPeer, s);
  ASSERT_NE(e, nullptr);
  for (int i = 0; i < 30; ++i) g.step();
  EXPECT_LT(e->body().position().y, 9.0f);
}
