// Interest management over real loopback ENet: with a relevance radius, a client
// holds only what is near its player. An entity comes into its world (at the right
// place) when the player walks up to it, leaves quietly when it walks away (no
// despawn, nothing left behind on either side) and comes back as often as needed.

#include <gtest/gtest.h>

#include <cmath>

#include "game/types.h"
#include "tests/support/test_peer.h"

using namespace ferrum;
using testing_support::countType;
using testing_support::pumpTicks;
using testing_support::pumpUntil;
using testing_support::statsOf;
using testing_support::TestPeer;

namespace {

constexpr float kRadius = 6.0f;
constexpr float kHysteresis = 2.0f;

float horizontalDistance(Vec3 a, Vec3 b) { return std::hypot(a.x - b.x, a.z - b.z); }

} // namespace

TEST(Interest, AnEntityEntersAndLeavesAClientsWorldWithItsPlayersDistance) {
  NetConfig config;
  config.relevanceRadius = kRadius;
  config.relevanceHysteresis = kHysteresis;
  auto server = TestPeer::enetServer(config);
  ASSERT_TRUE(server);
  auto client = TestPeer::enetClient(server->port, true);
  ASSERT_TRUE(client);
  std::vector<TestPeer*> all{server.get(), client.get()};
  ASSERT_TRUE(pumpUntil(all, [&] {
    return client->net->worldComplete() && !client->player->id().isNull() &&
           server->group->find(client->player->id()) != nullptr;
  }, 900));
  const EntityId player = client->player->id();
  const PeerId slot = client->net->localPeer();

  // A crate 12 m from the player along x, on the side with room to walk.
  const Vec3 start = server->group->find(player)->body().position();
  const float toward = start.x < 0 ? 1.0f : -1.0f;
  SpawnState s;
  s.transform.position = {start.x + toward * 12.0f, 1.0f, start.z};
  const EntityId crate = server->net->spawn(game::kCrateType, s);
  ASSERT_FALSE(crate.isNull());

  std::vector<EntityId> left;
  auto leftSub = client->net->onEntityLeft.listen([&](EntityId id) {
    left.push_back(id);
    // The server let it go only past the radius plus the hysteresis (its copy of
    // the player is where the player was then, or nearer the crate).
    EXPECT_GT(horizontalDistance(server->group->find(player)->body().position(),
                                 server->group->find(crate)->body().position()),
              kRadius + kHysteresis - 0.5f);
  });
  auto serverHeld = [&] { return statsOf(server->net->stats(), slot).entitiesHeld; };
  auto holdsCrate = [&] { return client->group->find(crate) != nullptr; };
  auto copyWhereServerHasIt = [&] {
    const Entity* copy = client->group->find(crate);
    return copy && distance(copy->body().position(), server->group->find(crate)->body().position()) < 0.01f;
  };

  pumpTicks(all, 90); // the crate settles far away: never sent
  EXPECT_FALSE(holdsCrate());
  EXPECT_EQ(serverHeld(), client->group->size());

  for (int visit = 1; visit <= 2; ++visit) {
    client->player->setInput({toward, 0.0f, false});
    ASSERT_TRUE(pumpUntil(all, holdsCrate, 900)) << "visit " << visit << ": walked up, never got the crate";
    client->player->setInput({0.0f, 0.0f, false});
    ASSERT_TRUE(pumpUntil(all, copyWhereServerHasIt, 600)) << "visit " << visit << ": the copy is not where the crate is";
    EXPECT_EQ(serverHeld(), client->group->size());

    client->player->setInput({-toward, 0.0f, false});
    ASSERT_TRUE(pumpUntil(all, [&] { return !holdsCrate(); }, 900)) << "visit " << visit << ": walked away, it stayed";
    client->player->setInput({0.0f, 0.0f, false});
    EXPECT_EQ(left.size(), static_cast<size_t>(visit));
    EXPECT_EQ(client->net->stats().counters.leavesReceived, static_cast<uint64_t>(visit));
    EXPECT_EQ(client->net->stats().counters.despawnsReceived, 0u) << "a leave is not a despawn";
    EXPECT_EQ(serverHeld(), client->group->size());
  }
  EXPECT_EQ(server->net->stats().counters.leavesSent, 2u);

  // Removed while the client does not hold it: nothing is said to it, nothing is left.
  ASSERT_TRUE(server->net->despawn(crate));
  pumpTicks(all, 60);
  EXPECT_EQ(client->net->stats().counters.despawnsReceived, 0u);
  EXPECT_FALSE(holdsCrate());
  EXPECT_EQ(serverHeld(), client->group->size());
  EXPECT_EQ(statsOf(server->net->stats(), slot).spawnsQueued, 0u);
  EXPECT_EQ(countType(*client->group, game::kPlayerType), 1u); // its own player never leaves it
}

// The game's own rule replaces the radius: here crates are nobody's business. The
// join still completes, with exactly what the rule lets through.
TEST(Interest, AGameSuppliedRelevanceDecidesWhatAClientHolds) {
  auto server = TestPeer::enetServer();
  ASSERT_TRUE(server);
  server->net->setRelevance([](PeerId, const Entity& e, bool) { return e.type() == game::kCrateType ? 0.0f : 1.0f; });
  for (int i = 0; i < 5; ++i) {
    SpawnState s;
    s.transform.position = {static_cast<float>(i) * 2.0f, 1.0f, 0.0f};
    ASSERT_FALSE(server->net->spawn(game::kCrateType, s).isNull());
  }
  auto a = TestPeer::enetClient(server->port, true);
  auto b = TestPeer::enetClient(server->port, true);
  ASSERT_TRUE(a && b);
  std::vector<TestPeer*> all{server.get(), a.get(), b.get()};
  ASSERT_TRUE(pumpUntil(all, [&] {
    return a->net->worldComplete() && b->net->worldComplete() && countType(*a->group, game::kPlayerType) == 2 &&
           countType(*b->group, game::kPlayerType) == 2;
  }, 900));
  pumpTicks(all, 30);
  EXPECT_EQ(countType(*a->group, game::kCrateType), 0u);
  EXPECT_EQ(countType(*b->group, game::kCrateType), 0u);
  EXPECT_EQ(countType(*server->group, game::kCrateType), 5u);
}
