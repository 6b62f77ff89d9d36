// Client-spawned grenades over real loopback ENet: immediacy on the thrower, events
// handled exactly once everywhere, and the server finishing an orphaned fuse.

#include <gtest/gtest.h>

#include <cmath>

#include "game/grenade_controller.h"
#include "game/types.h"
#include "tests/support/test_peer.h"

using namespace ferrum;
using testing_support::pumpUntil;
using testing_support::countType;
using testing_support::statsOf;
using testing_support::TestPeer;

namespace {

using Match = testing_support::TwoPlayerMatch;

} // namespace

TEST(Grenades, ThrownGrenadeExistsOnTheThrowerInTheSameFrameThenEverywhere) {
  Match m;
  ASSERT_TRUE(m.ready());
  const size_t before = countType(*m.a->group, game::kGrenadeType);
  ASSERT_TRUE(m.a->player->throwGrenade({1, 0, 0}));
  // No frame has run since the throw: no round trip to anyone.
  EXPECT_EQ(countType(*m.a->group, game::kGrenadeType), before + 1);
  ASSERT_TRUE(pumpUntil(m.all, [&] {
    return countType(*m.server->group, game::kGrenadeType) == 1 && countType(*m.b->group, game::kGrenadeType) == 1;
  }, 120)) << "the grenade never reached the server and the other client";
}

TEST(Grenades, EachExplosionIsHandledExactlyOnceOnEveryPeer) {
  Match m;
  ASSERT_TRUE(m.ready());
  int thrown = 0;
  // Three throws, spaced past the throw cooldown.
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(pumpUntil(m.all, [&] { return m.a->player->throwGrenade({0, 0, 1}); }, 120));
    ++thrown;
  }
  ASSERT_TRUE(pumpUntil(m.all, [&] {
    for (TestPeer* p : m.all)
      if (p->effects->count(EffectKind::Explosion) < 3 || countType(*p->group, game::kGrenadeType) != 0) return false;
    return true;
  }, 1200)) << "not every explosion reached every peer";
  testing_support::pumpTicks(m.all, 30); // any duplicate would show up now
  for (TestPeer* p : m.all) EXPECT_EQ(p->effects->count(EffectKind::Explosion), 3u) << "exactly once per grenade";
  EXPECT_EQ(m.a->net->stats().counters.eventsRaised, 3u);
  EXPECT_EQ(m.server->net->stats().counters.eventsReceived, 3u);
  EXPECT_EQ(m.b->net->stats().counters.eventsReceived, 3u);
  EXPECT_EQ(m.a->player->grenadesThrown(), 3u);
}

TEST(Grenades, ExplosionPushesCratesAndEveryClientSeesThemMove) {
  Match m;
  ASSERT_TRUE(m.ready());
  ASSERT_TRUE(m.a->player->throwGrenade({1, 0, 0}));
  // Just before the fuse runs out, put a crate on the floor next to the grenade.
  const game::GrenadeController* grenade = nullptr;
  ASSERT_TRUE(pumpUntil(m.all, [&] {
    m.server->group->forEach([&](Entity& e) {
      if (e.type() == game::kGrenadeType) grenade = static_cast<const game::GrenadeController*>(&e.controller());
    });
    return grenade && grenade->fuseTicks() < 20;
  }, 600));
  const Vec3 g = grenade->entity().body().position();
  SpawnState s;
  s.transform.position = {g.x + 1.5f, 0.31f, g.z};
  const EntityId crate = m.server->net->spawn(game::kCrateType, s);
  ASSERT_TRUE(pumpUntil(m.all, [&] { return m.server->effects->count(EffectKind::Explosion) == 1; }, 600));
  auto horizontal = [&](Vec3 p) { return std::hypot(p.x - s.transform.position.x, p.z - s.transform.position.z); };
  ASSERT_TRUE(pumpUntil(m.all, [&] { return horizontal(m.server->group->find(crate)->body().position()) > 0.3f; }, 120))
      << "the blast did not move the crate on the server";
  ASSERT_TRUE(pumpUntil(m.all, [&] { return m.server->group->find(crate)->body().atRest(); }, 1200));
  testing_support::pumpTicks(m.all, 10);
  for (TestPeer* c : {m.a.get(), m.b.get()})
    EXPECT_LT(distance(c->group->find(crate)->body().position(), m.server->group->find(crate)->body().position()), 0.01f)
        << "crate motion caused by the blast converges on every client";
}

TEST(Grenades, ThrowerLeavingMidFuseStillGivesExactlyOneExplosionEverywhere) {
  Match m;
  ASSERT_TRUE(m.ready());
  ASSERT_TRUE(m.a->player->throwGrenade({1, 0, 0}));
  ASSERT_TRUE(pumpUntil(m.all, [&] {
    return countType(*m.server->group, game::kGrenadeType) == 1 && countType(*m.b->group, game::kGrenadeType) == 1;
  }, 120));
  m.a->net->shutdown(); // mid-fuse: the 2 s fuse has barely started
  std::vector<TestPeer*> rest{m.server.get(), m.b.get()};
  ASSERT_TRUE(pumpUntil(rest, [&] {
    return m.server->effects->count(EffectKind::Explosion) == 1 && m.b->effects->count(EffectKind::Explosion) == 1 &&
           countType(*m.server->group, game::kGrenadeType) == 0 && countType(*m.b->group, game::kGrenadeType) == 0;
  }, 1200)) << "the server did not finish the orphaned fuse";
  testing_support::pumpTicks(rest, 30);
  EXPECT_EQ(m.server->effects->count(EffectKind::Explosion), 1u);
  EXPECT_EQ(m.b->effects->count(EffectKind::Explosion), 1u);
  EXPECT_EQ(m.server->net->stats().counters.authorityHandovers, 1u);
  EXPECT_EQ(m.b->net->stats().counters.authorityHandovers, 1u);
  EXPECT_EQ(m.server->group->find(m.a->player->id()), nullptr) << "the leaver's player is gone";
}
