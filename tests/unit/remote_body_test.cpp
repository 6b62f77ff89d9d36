// The physical policy of copies of entities another peer simulates: a kinematic copy
// (players) is moved by its view alone and never shoved by local bodies; the
// authority's own body, and any copy that becomes the authority, is dynamic.

#include <gtest/gtest.h>

#include "ferrum/entity.h"
#include "ferrum/entity_group.h"
#include "game/demo_game.h"
#include "game/types.h"

using namespace ferrum;

namespace {

constexpr PeerId kHere = 1, kElsewhere = 2;

SpawnState at(Vec3 position, Vec3 velocity = {}) {
  SpawnState s;
  s.transform.position = position;
  s.linearVelocity = velocity;
  return s;
}

struct Floorless {
  ControllerRegistry registry;
  std::unique_ptr<EntityGroup> group;
  Floorless() {
    game::registerDemoTypes(registry);
    group = std::make_unique<EntityGroup>(registry, PhysicsConfig{{0, 0, 0}, 1}); // no gravity
    group->setLocalPeer(kHere);
  }
};

} // namespace

TEST(RemoteBody, AnotherPeersPlayerIsKinematicHereAndDynamicWhereItIsSimulated) {
  Floorless w;
  Entity* theirs = w.group->spawn(EntityId::make(kElsewhere, 1), game::kPlayerType, kElsewhere, at({0, 5, 0}));
  Entity* mine = w.group->spawn(EntityId::make(kHere, 1), game::kPlayerType, kHere, at({5, 5, 0}));
  ASSERT_TRUE(theirs && mine);
  EXPECT_TRUE(theirs->body().kinematic());
  EXPECT_FALSE(mine->body().kinematic());
  const float mass = mine->body().mass();
  EXPECT_GT(mass, 0.0f);
  // Handed over to this peer: it simulates it now, with its mass back.
  ASSERT_TRUE(w.group->setAuthority(theirs->id(), kHere));
  EXPECT_FALSE(theirs->body().kinematic());
  EXPECT_FLOAT_EQ(theirs->body().mass(), mass);
  // Crates declare the corrected policy: their copies stay dynamic.
  Entity* crate = w.group->spawn(EntityId::make(kElsewhere, 2), game::kCrateType, kElsewhere, at({9, 5, 0}));
  ASSERT_TRUE(crate);
  EXPECT_FALSE(crate->body().kinematic());
}

TEST(RemoteBody, AKinematicCopyIsNeverShovedButStillPushesLocalBodies) {
  Floorless w;
  Entity* theirs = w.group->spawn(EntityId::make(kElsewhere, 1), game::kPlayerType, kElsewhere, at({0, 5, 0}));
  // A crate of ours flies into it at 8 m/s.
  Entity* crate = w.group->spawn(EntityId::make(kHere, 2), game::kCrateType, kHere, at({-3, 5, 0}, {8, 0, 0}));
  ASSERT_TRUE(theirs && crate);
  for (int i = 0; i < 60; ++i) w.group->step();
  EXPECT_LT(distance(theirs->body().position(), {0, 5, 0}), 1e-4f) << "only its view may move it";
  EXPECT_LT(crate->body().linearVelocity().x, 0.0f) << "the crate bounced back off it";
  EXPECT_LT(crate->body().position().x, -0.5f);
}
