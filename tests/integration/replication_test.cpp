// Replication between a server and two clients in one process, over real loopback
// ENet sockets on ephemeral ports.

#include <gtest/gtest.h>

#include "game/crate_controller.h"
#include "game/types.h"
#include "tests/support/test_peer.h"

using namespace ferrum;
using testing_support::pumpUntil;
using testing_support::countType;
using testing_support::statsOf;
using testing_support::TestPeer;

namespace {

bool allCratesAtRest(EntityGroup& g) {
  bool rest = true;
  int crates = 0;
  g.forEach([&](const Entity& e) {
    if (e.type() != game::kCrateType) return;
    ++crates;
    rest = rest && e.body().atRest();
  });
  return crates > 0 && rest;
}


} // namespace

// Crates fall and settle under the server's authority; clients end up showing them
// where the server has them, within the wire's quantization (1/512 m per axis:
// at most 1.7 mm) plus a small margin: 5 mm.
TEST(Replication, CratesFallAndSettleIdenticallyOnClients) {
  auto server = TestPeer::enetServer();
  ASSERT_TRUE(server);
  auto a = TestPeer::enetClient(server->port, false);
  auto b = TestPeer::enetClient(server->port, false);
  ASSERT_TRUE(a && b);
  std::vector<TestPeer*> all{server.get(), a.get(), b.get()};
  ASSERT_TRUE(pumpUntil(all, [&] { return a->net->joined() && b->net->joined(); }, 600));
  game::spawnCrates(*server->net, 20, 3);

  ASSERT_TRUE(pumpUntil(all, [&] { return allCratesAtRest(*server->group); }, 3000)) << "crates never settled";
  // Give the final states a few send intervals to arrive and be applied.
  testing_support::pumpTicks(all, 10);

  for (TestPeer* client : {a.get(), b.get()}) {
    ASSERT_EQ(countType(*client->group, game::kCrateType), 20u);
    server->group->forEach([&](const Entity& truth) {
      const Entity* copy = client->group->find(truth.id());
      ASSERT_NE(copy, nullptr);
      EXPECT_LT(distance(copy->body().position(), truth.body().position()), 0.005f);
      EXPECT_LT(angleBetween(copy->body().transform().orientation, truth.body().transform().orientation), 0.01f);
    });
  }
  EXPECT_GT(a->net->stats().counters.blocksApplied, 0u);
}

// A client's player is simulated on that client (its authority) from its inputs; the
// server and the other client see it move, close to where the owner has it.
TEST(Replication, ClientSimulatedPlayerIsSeenMovingByServerAndOtherClient) {
  auto server = TestPeer::enetServer();
  ASSERT_TRUE(server);
  auto owner = TestPeer::enetClient(server->port, true);
  auto other = TestPeer::enetClient(server->port, false);
  ASSERT_TRUE(owner && other);
  std::vector<TestPeer*> all{server.get(), owner.get(), other.get()};
  ASSERT_TRUE(pumpUntil(all, [&] {
    const EntityId id = owner->player->id();
    return !id.isNull() && server->group->find(id) && other->group->find(id);
  }, 600)) << "the player never appeared everywhere";

  const EntityId id = owner->player->id();
  EXPECT_EQ(server->group->find(id)->authority(), owner->net->localPeer());
  const Vec3 start = server->group->find(id)->body().position();
  owner->player->setInput({1.0f, 0.0f, false}); // run along +x
  ASSERT_TRUE(pumpUntil(all, [&] {
    return server->group->find(id)->body().position().x > start.x + 3 &&
           other->group->find(id)->body().position().x > start.x + 3;
  }, 600)) << "server or other client never saw the player move";

  owner->player->setInput({});
  testing_support::pumpTicks(all, 60); // stop, and let the last states arrive
  const Vec3 truth = owner->group->find(id)->body().position();
  EXPECT_LT(distance(server->group->find(id)->body().position(), truth), 0.05f);
  EXPECT_LT(distance(other->group->find(id)->body().position(), truth), 0.05f);
  EXPECT_GT(server->net->stats().counters.blocksForwarded, 0u);
}
