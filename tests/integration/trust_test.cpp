// The server as referee, over real loopback ENet: forged updates, implausible speeds,
// spawn floods and implausible spawns are refused, counted, and do not reach others.

#include <gtest/gtest.h>

#include <algorithm>
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

/// The victim is client a, the cheat client b.
struct Match : testing_support::TwoPlayerMatch {
  using TwoPlayerMatch::TwoPlayerMatch;
  std::unique_ptr<TestPeer>& victim = a;
  std::unique_ptr<TestPeer>& cheat = b;

  SpawnState besideCheat() {
    SpawnState s;
    s.transform.position = cheat->group->find(cheat->player->id())->body().position() + Vec3{0.8f, 0.5f, 0};
    s.variant = game::kDefaultFuseTicks;
    return s;
  }
};

} // namespace

TEST(Trust, ForgedUpdateForAnotherPlayersEntityIsRejectedAndTheVictimUnchanged) {
  Match m;
  ASSERT_TRUE(m.ready());
  const EntityId victimId = m.victim->player->id();
  // The cheat claims authority over the victim's player and teleports it.
  m.cheat->group->setAuthority(victimId, m.cheat->net->localPeer());
  m.cheat->group->find(victimId)->body().setTransform({{15, 1, 15}, {}});
  const uint64_t rejectedBefore = statsOf(m.server->net->stats(), m.cheat->net->localPeer()).rejected;
  ASSERT_TRUE(pumpUntil(m.all, [&] {
    return statsOf(m.server->net->stats(), m.cheat->net->localPeer()).rejected > rejectedBefore + 5;
  }, 600));
  const Vec3 truth = m.victim->group->find(victimId)->body().position();
  EXPECT_LT(distance(m.server->group->find(victimId)->body().position(), truth), 0.1f)
      << "the server kept the victim's own state";
  EXPECT_GT(distance(truth, {15, 1, 15}), 5.0f);
  EXPECT_EQ(m.server->group->find(victimId)->authority(), m.victim->net->localPeer());
}

TEST(Trust, ImpossibleSpeedIsClampedBeforeItReachesOthers) {
  Match m;
  ASSERT_TRUE(m.ready());
  const EntityId cheatId = m.cheat->player->id();
  // The cheat's own player: 100 m/s straight up into the air each tick.
  uint64_t clampedBefore = statsOf(m.server->net->stats(), m.cheat->net->localPeer()).clamped;
  int ticks = 0;
  ASSERT_TRUE(pumpUntil(m.all, [&] {
    if (ticks++ < 20) m.cheat->group->find(cheatId)->body().setLinearVelocity({0, 100, 0});
    return statsOf(m.server->net->stats(), m.cheat->net->localPeer()).clamped > clampedBefore + 3;
  }, 600));
  for (TestPeer* p : {m.server.get(), m.victim.get()})
    EXPECT_LE(p->group->find(cheatId)->body().linearVelocity().length(), game::kPlayerSpeedLimit + 10.0f)
        << "nobody else sees the impossible speed";
}

TEST(Trust, AClampedOwnerIsPulledBackWithoutAVisiblePop) {
  Match m;
  ASSERT_TRUE(m.ready());
  const EntityId cheatId = m.cheat->player->id();
  const Vec3 start = m.cheat->group->find(cheatId)->body().position();
  // Further than any honest step: the referee settles on a clamped position instead.
  const Vec3 teleported = start + Vec3{30, 0, 0};
  m.cheat->group->find(cheatId)->body().setTransform({teleported, {}});
  Vec3 lastShown = teleported;
  float largestStep = 0;
  ASSERT_TRUE(pumpUntil(m.all, [&] {
    const Entity* mine = m.cheat->group->find(cheatId);
    const Vec3 shown = mine->displayTransform().position;
    largestStep = std::max(largestStep, distance(shown, lastShown));
    lastShown = shown;
    return m.cheat->net->stats().counters.correctionsApplied > 0 &&
           distance(mine->body().position(), m.server->group->find(cheatId)->body().position()) < 1.0f;
  }, 600));
  EXPECT_GT(m.server->net->stats().counters.correctionsSent, 0u);
  EXPECT_GT(distance(m.cheat->group->find(cheatId)->body().position(), teleported), 5.0f)
      << "the owner follows the server's verdict instead of its own claim";
  EXPECT_LT(largestStep, 6.0f) << "a correction of tens of metres is spread over frames, not shown as one jump";
}

TEST(Trust, SpawnFloodIsCappedAndCounted) {
  Match m;
  ASSERT_TRUE(m.ready());
  NetConfig defaults;
  for (int i = 0; i < 40; ++i) ASSERT_FALSE(m.cheat->net->spawn(game::kGrenadeType, m.besideCheat()).isNull());
  const PeerId cheatSlot = m.cheat->net->localPeer();
  ASSERT_TRUE(pumpUntil(m.all, [&] { return statsOf(m.server->net->stats(), cheatSlot).spawnsRejected >= 30; }, 300));
  const PeerStats s = statsOf(m.server->net->stats(), cheatSlot);
  EXPECT_LE(40 - static_cast<int>(s.spawnsRejected), defaults.spawnBurst + 1) << "at most the burst got through";
  // Rejected spawns are taken back on the creator too: nobody keeps phantom grenades.
  ASSERT_TRUE(pumpUntil(m.all, [&] {
    return countType(*m.cheat->group, game::kGrenadeType) == countType(*m.server->group, game::kGrenadeType);
  }, 300));
  EXPECT_LE(countType(*m.victim->group, game::kGrenadeType), static_cast<size_t>(defaults.spawnBurst + 1));
}

TEST(Trust, ImplausibleSpawnIsRejectedOnItsCreator) {
  Match m;
  ASSERT_TRUE(m.ready());
  SpawnState far = m.besideCheat();
  far.transform.position = far.transform.position + Vec3{10, 0, 0}; // nowhere near the thrower
  const EntityId id = m.cheat->net->spawn(game::kGrenadeType, far);
  ASSERT_FALSE(id.isNull());
  ASSERT_TRUE(pumpUntil(m.all, [&] { return m.cheat->group->find(id) == nullptr; }, 300))
      << "the rejected spawn was not taken back";
  EXPECT_EQ(m.server->group->find(id), nullptr);
  EXPECT_EQ(m.victim->group->find(id), nullptr);
  EXPECT_EQ(statsOf(m.server->net->stats(), m.cheat->net->localPeer()).spawnsRejected, 1u);
}

// A grenade spun at 1e37 rad/s next to the server's bodies: physics would turn it and
// what it touches into NaN. A grenade's spawn travels at its type's precision
// (EntityType::statePrecision, the crate's: ±32 rad/s), so the spin cannot even be
// said on the wire: it arrives clamped (the referee's maxSpawnSpin refuses too fast a
// spin for types sent as raw floats), and nothing on the server or the victim turns
// to NaN.
TEST(Trust, AnAbsurdSpinArrivesClampedAndNothingTurnsToNaN) {
  Match m;
  ASSERT_TRUE(m.ready());
  SpawnState spun = m.besideCheat();
  spun.angularVelocity = {1e37f, 0, 0};
  const EntityId id = m.cheat->net->spawn(game::kGrenadeType, spun);
  ASSERT_FALSE(id.isNull());
  const Entity* onServer = nullptr;
  ASSERT_TRUE(pumpUntil(m.all, [&] { return (onServer = m.server->group->find(id)) != nullptr; }, 300));
  EXPECT_LE(onServer->body().angularVelocity().length(), 32.0f * 1.7321f + 0.01f); // ±32 per axis at most
  testing_support::pumpTicks(m.all, 60);
  for (TestPeer* p : m.all)
    p->group->forEach([](const Entity& e) {
      const Vec3 at = e.body().position();
      EXPECT_TRUE(std::isfinite(at.x) && std::isfinite(at.y) && std::isfinite(at.z)) << "entity " << e.id().value;
    });
}

// After a legal throw the owner simulates its grenade; the server used to check only
// the spawn, so the owner could then move it anywhere. Jumps are refused now.
TEST(Trust, AGrenadeMovedAcrossTheArenaAfterItsThrowIsRefused) {
  Match m;
  ASSERT_TRUE(m.ready());
  SpawnState thrown = m.besideCheat();
  thrown.variant = 600; // a long fuse: it must outlive the test
  const EntityId id = m.cheat->net->spawn(game::kGrenadeType, thrown);
  ASSERT_FALSE(id.isNull());
  ASSERT_TRUE(pumpUntil(m.all, [&] { return m.server->group->find(id) != nullptr; }, 300));
  testing_support::pumpTicks(m.all, 10);
  const PeerId cheatSlot = m.cheat->net->localPeer();
  const uint64_t rejectedBefore = statsOf(m.server->net->stats(), cheatSlot).rejected;
  const Vec3 corner{18, 1, 18};
  ASSERT_TRUE(pumpUntil(m.all, [&] {
    if (Entity* g = m.cheat->group->find(id)) g->body().setTransform({corner, {}}); // the cheat's teleport
    return statsOf(m.server->net->stats(), cheatSlot).rejected >= rejectedBefore + 5;
  }, 300));
  ASSERT_NE(m.server->group->find(id), nullptr);
  EXPECT_GT(distance(m.server->group->find(id)->body().position(), corner), 5.0f) << "the server never took the jump";
}

TEST(Trust, RepeatedViolationsDisconnectThePeerWithAReason) {
  NetConfig strict;
  strict.maxViolations = 10;
  Match m(strict);
  ASSERT_TRUE(m.ready());
  for (int i = 0; i < 30; ++i) m.cheat->net->spawn(game::kGrenadeType, m.besideCheat());
  ASSERT_TRUE(pumpUntil(m.all, [&] {
    return m.cheat->net->disconnected() && m.server->net->stats().counters.clientsKicked == 1;
  }, 600));
  EXPECT_NE(m.cheat->net->disconnectReason().find("kicked"), std::string::npos) << m.cheat->net->disconnectReason();
  ASSERT_TRUE(pumpUntil({m.server.get(), m.victim.get()}, [&] { return m.victim->group->size() == 1; }, 600))
      << "the kicked player's entities are gone for the others";
  EXPECT_TRUE(m.victim->net->joined());
}
