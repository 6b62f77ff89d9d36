// Authority and copies: the physical policy of copies of entities another peer
// simulates (a kinematic copy, players, is moved by its view alone and never shoved by
// local bodies; the authority's own body, and any copy that becomes the authority, is
// dynamic), and a grenade taken over after its explosion is spent.

#include <gtest/gtest.h>

#include "ferrum/entity.h"
#include "ferrum/entity_group.h"
#include "game/crate_controller.h"
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

/// The grenade's explosion event as its authority raises it.
WriteStream explosionAt(Vec3 where) {
  WriteStream blast(64);
  const auto& q = game::crateQuantization();
  serializeQuantized(blast, where, q.positionX, q.positionY, q.positionZ);
  return blast;
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

// A grenade whose explosion this peer already handled, and which then becomes this
// peer's to simulate (its thrower left before its despawn arrived), is spent: it is
// despawned, never set off a second time.
TEST(GrenadeHandover, AnExplodedGrenadeHandedOverIsDespawnedNotSetOffAgain) {
  ControllerRegistry registry;
  game::registerDemoTypes(registry);
  EntityGroup group(registry); // no NetManager: events handled here, despawns at step()
  group.setLocalPeer(kServerPeer);
  SpawnState s = at({0, 1, 0});
  s.variant = 30; // fuse ticks
  const EntityId id = EntityId::make(kElsewhere, 2);
  Entity* grenade = group.spawn(id, game::kGrenadeType, kElsewhere, s);
  ASSERT_TRUE(grenade);
  // The thrower's explosion event arrives.
  const WriteStream blast = explosionAt({0, 1, 0});
  Effects effects;
  group.dispatchEvent(id, ReadStream(blast.buffer().data(), blast.bits()), effects);
  const uint64_t explosions = effects.count(EffectKind::Explosion);
  EXPECT_EQ(explosions, 1u);
  // The thrower leaves; this peer takes the grenade over and simulates it.
  ASSERT_TRUE(group.setAuthority(id, kServerPeer));
  for (int i = 0; i < 60 && group.find(id); ++i) {
    group.find(id)->controller().clientUpdate(nullptr, {effects});
    group.step();
  }
  EXPECT_EQ(group.find(id), nullptr) << "a spent grenade goes";
  EXPECT_EQ(effects.count(EffectKind::Explosion), explosions) << "and never explodes twice";
}

TEST(GrenadeHandover, ARepeatedExplosionEventIsIgnored) {
  // A hostile owner may send its grenade's explosion event again and again: every peer
  // handles the first one and ignores the rest (no more blasts, no more shoves).
  ControllerRegistry registry;
  game::registerDemoTypes(registry);
  EntityGroup group(registry);
  group.setLocalPeer(kServerPeer);
  const EntityId id = EntityId::make(kElsewhere, 3);
  ASSERT_TRUE(group.spawn(id, game::kGrenadeType, kElsewhere, at({0, 1, 0})));
  Entity* crate = group.spawn(EntityId::make(kServerPeer, 1), game::kCrateType, kServerPeer, at({1, 1, 0}));
  ASSERT_TRUE(crate);
  const WriteStream blast = explosionAt({0, 1, 0});
  Effects effects;
  group.dispatchEvent(id, ReadStream(blast.buffer().data(), blast.bits()), effects);
  const Vec3 pushed = crate->body().linearVelocity();
  EXPECT_GT(pushed.length(), 0.1f) << "the first blast shoves the crate this peer simulates";
  for (int i = 0; i < 10; ++i) group.dispatchEvent(id, ReadStream(blast.buffer().data(), blast.bits()), effects);
  EXPECT_EQ(effects.count(EffectKind::Explosion), 1u);
  EXPECT_EQ(crate->body().linearVelocity(), pushed) << "no further shoves";
}
