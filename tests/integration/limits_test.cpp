// Resource limits, each exceeded on purpose over real loopback ENet: packet rate,
// entities per client, and the backlog a stalled client may leave on the server.
// (Max clients: JoinLeave.ServerFullRefusesTheExtraClient.)

#include <gtest/gtest.h>

#include "game/grenade_controller.h"
#include "game/types.h"
#include "tests/support/test_peer.h"

using namespace ferrum;
using testing_support::pumpTicks;
using testing_support::pumpUntil;
using testing_support::countType;
using testing_support::statsOf;
using testing_support::TestPeer;

TEST(Limits, PacketsBeyondTheRateAreDroppedAndCounted) {
  NetConfig server;
  server.maxPacketsPerSecond = 30; // exactly the client's send rate...
  server.maxViolations = 100000;   // (count, do not kick, for this test)
  auto s = TestPeer::enetServer(server);
  auto c = TestPeer::enetClient(s->port, true);
  std::vector<TestPeer*> all{s.get(), c.get()};
  ASSERT_TRUE(pumpUntil(all, [&] { return !c->player->id().isNull() && s->group->find(c->player->id()); }, 600));
  // ...so a burst of 40 extra reliable messages (spawns, sent at once) pushes it over.
  const Vec3 at = c->group->find(c->player->id())->body().position();
  for (int i = 0; i < 40; ++i) {
    SpawnState g;
    g.transform.position = at + Vec3{0.8f, 0.5f, 0};
    g.variant = game::kDefaultFuseTicks;
    c->net->spawn(game::kGrenadeType, g);
  }
  ASSERT_TRUE(pumpUntil(all, [&] {
    const PeerStats p = statsOf(s->net->stats(), c->net->localPeer());
    return p.rateLimited > 0;
  }, 600));
  EXPECT_TRUE(c->net->joined()) << "dropping excess packets is not a disconnect";
}

TEST(Limits, EntitiesPerClientAreCapped) {
  NetConfig server;
  server.maxEntitiesPerClient = 3; // its player and two grenades
  server.spawnBurst = 100;
  server.maxSpawnsPerSecond = 100;
  auto s = TestPeer::enetServer(server);
  auto c = TestPeer::enetClient(s->port, true);
  std::vector<TestPeer*> all{s.get(), c.get()};
  ASSERT_TRUE(pumpUntil(all, [&] { return !c->player->id().isNull() && s->group->find(c->player->id()); }, 600));
  const Vec3 at = c->group->find(c->player->id())->body().position();
  for (int i = 0; i < 6; ++i) {
    SpawnState g;
    g.transform.position = at + Vec3{0.8f, 0.5f, 0};
    g.variant = game::kDefaultFuseTicks;
    ASSERT_FALSE(c->net->spawn(game::kGrenadeType, g).isNull());
  }
  ASSERT_TRUE(pumpUntil(all, [&] {
    const PeerStats p = statsOf(s->net->stats(), c->net->localPeer());
    return p.spawnsRejected == 4;
  }, 600));
  size_t owned = 0;
  s->group->forEach([&](const Entity& e) { owned += e.authority() == c->net->localPeer(); });
  EXPECT_EQ(owned, 3u);
}

TEST(Limits, StalledClientIsDroppedWhenItsBacklogPassesTheLimit) {
  NetConfig server;
  server.maxQueuedBytes = 4096;
  auto s = TestPeer::enetServer(server);
  auto stalled = TestPeer::enetClient(s->port, false);
  auto healthy = TestPeer::enetClient(s->port, false);
  ASSERT_TRUE(pumpUntil({s.get(), stalled.get(), healthy.get()},
                        [&] { return stalled->net->joined() && healthy->net->joined(); }, 600));
  // The stalled client stops servicing its socket; the server keeps producing: a few
  // crates every other tick, whose spawns (reliable) the healthy client acknowledges
  // as they come and the stalled one never does. One burst past the limit would be
  // unacknowledged at either client's next send, whichever tick that falls on.
  std::vector<TestPeer*> running{s.get(), healthy.get()};
  for (uint32_t i = 0; i < 300 && s->net->stats().counters.clientsTooSlow == 0; ++i) {
    game::spawnCrates(*s->net, 4, 9 + i);
    pumpTicks(running, 2);
  }
  ASSERT_EQ(s->net->stats().counters.clientsTooSlow, 1u);
  EXPECT_TRUE(healthy->net->joined());
  EXPECT_EQ(s->net->stats().counters.clientsKicked, 0u);
}
