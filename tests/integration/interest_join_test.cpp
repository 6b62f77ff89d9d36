// A join under interest management over real loopback ENet: the joiner's world waits
// for its player, so the very first spawn it gets is already within its radius (plus
// hysteresis) of it, and nothing far arrives only to leave again. A joiner with no
// player (a spectator) still gets its world, all of it, after a short wait.

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "game/types.h"
#include "tests/support/test_peer.h"

using namespace ferrum;
using testing_support::countType;
using testing_support::pumpTicks;
using testing_support::pumpUntil;
using testing_support::TestPeer;

namespace {

constexpr float kRadius = 6.0f;
constexpr float kHysteresis = 2.0f;

std::unique_ptr<TestPeer> serverWithCrates(size_t& crates) {
  NetConfig config;
  config.relevanceRadius = kRadius;
  config.relevanceHysteresis = kHysteresis;
  auto server = TestPeer::enetServer(config);
  if (!server) return server;
  crates = 0;
  // A grid over the arena's floor: some crates near any player, most far.
  for (float x = -16.0f; x <= 16.0f; x += 4.0f)
    for (float z = -16.0f; z <= 16.0f; z += 4.0f) {
      SpawnState s;
      s.transform.position = {x, 0.6f, z};
      if (!server->net->spawn(game::kCrateType, s).isNull()) ++crates;
    }
  pumpTicks({server.get()}, 30);
  return server;
}

float horizontalDistance(Vec3 a, Vec3 b) { return std::hypot(a.x - b.x, a.z - b.z); }

} // namespace

TEST(InterestJoin, AJoinersFirstSpawnsAreNearItsPlayer) {
  size_t crates = 0;
  auto server = serverWithCrates(crates);
  ASSERT_TRUE(server);
  ASSERT_EQ(crates, 81u);
  auto client = TestPeer::enetClient(server->port, true);
  ASSERT_TRUE(client);
  std::vector<EntityId> spawned; // crates, in the order they arrived
  auto sub = client->group->onSpawned.listen([&](Entity& e) {
    if (e.type() == game::kCrateType) spawned.push_back(e.id());
  });
  std::vector<TestPeer*> all{server.get(), client.get()};
  ASSERT_TRUE(pumpUntil(all, [&] {
    return client->net->worldComplete() && !client->player->id().isNull() &&
           server->group->find(client->player->id()) != nullptr;
  }, 900));
  pumpTicks(all, 30);
  const Vec3 player = server->group->find(client->player->id())->body().position();
  ASSERT_FALSE(spawned.empty()) << "no crate near the player at all";
  EXPECT_LT(spawned.size(), crates);
  for (EntityId id : spawned) {
    const Entity* crate = server->group->find(id);
    ASSERT_TRUE(crate);
    EXPECT_LE(horizontalDistance(crate->body().position(), player), kRadius + kHysteresis)
        << "crate " << id.value << " was spawned at the joiner although it is far from its player";
  }
  EXPECT_EQ(client->net->stats().counters.leavesReceived, 0u) << "something far came and left again";
}

TEST(InterestJoin, ASpectatorWithoutAPlayerStillGetsTheWholeWorld) {
  size_t crates = 0;
  auto server = serverWithCrates(crates);
  ASSERT_TRUE(server);
  auto spectator = TestPeer::enetClient(server->port, false);
  ASSERT_TRUE(spectator);
  std::vector<TestPeer*> all{server.get(), spectator.get()};
  ASSERT_TRUE(pumpUntil(all, [&] { return spectator->net->worldComplete(); }, 900));
  EXPECT_EQ(countType(*spectator->group, game::kCrateType), crates);
}
