// Resting copies through the real NetManager (in memory, simulated clock): once the
// server's crates rest, the client's copies sleep where the server's are; a crate
// the server then knocks away wakes on the client, follows, and rests again there.

#include <gtest/gtest.h>

#include "game/simulated_peer.h"
#include "game/types.h"

using namespace ferrum;

namespace {

struct CleanLink {
  double now = 0;
  MemoryNetwork network;
  game::SimulatedPeer server{network, {Role::Server, 1, {}, {}, 1, {}}, [this] { return now; }};
  game::SimulatedPeer client{network, {Role::Client, 2, {}, {}, 2, {}}, [this] { return now; }};
  CleanLink() { client.net->connect("mem", 1); }
  void tick(int n = 1) {
    for (int i = 0; i < n; ++i) {
      now += 1.0 / 60;
      server.net->frame(now);
      client.net->frame(now);
    }
  }
  bool all(EntityGroup& group, const std::function<bool(Entity&)>& test) {
    bool every = true;
    group.forEach([&](Entity& e) { every = every && (e.type() != game::kCrateType || test(e)); });
    return every;
  }
  bool serverCratesRest() {
    return all(*server.group, [](Entity& e) { return e.body().atRest(); });
  }
  bool clientCopiesRestOnTheServers() {
    return all(*client.group, [&](Entity& copy) {
      const Entity* truth = server.group->find(copy.id());
      return truth && copy.body().atRest() &&
             distance(copy.displayTransform().position, truth->body().position()) < 0.01f;
    });
  }
};

} // namespace

TEST(RestingCopyNetwork, CopiesOfRestingCratesSleepAndWakeWhenOneIsKnockedAway) {
  CleanLink link;
  for (int i = 0; i < 120 && !link.client.net->joined(); ++i) link.tick();
  ASSERT_TRUE(link.client.net->joined());
  game::spawnCrates(*link.server.net, 20, 4);
  for (int i = 0; i < 3000 && !link.serverCratesRest(); ++i) link.tick();
  ASSERT_TRUE(link.serverCratesRest());
  for (int i = 0; i < 300 && !link.clientCopiesRestOnTheServers(); ++i) link.tick();
  // Before, every copy was put back and woken every tick: none ever slept.
  ASSERT_TRUE(link.clientCopiesRestOnTheServers()) << "copies of resting crates sleep where the server's are";

  // The server knocks one crate away.
  const EntityId knocked = link.client.group->ids().front();
  Entity* truth = link.server.group->find(knocked);
  ASSERT_TRUE(truth && link.client.group->find(knocked));
  const Vec3 start = truth->body().position();
  truth->body().applyImpulse(Vec3{6, 4, 0} * truth->body().mass());
  float furthest = 0;
  for (int i = 0; i < 120; ++i) {
    link.tick();
    const Entity* copy = link.client.group->find(knocked);
    ASSERT_TRUE(copy);
    furthest = std::max(furthest, distance(copy->displayTransform().position, start));
  }
  EXPECT_GT(furthest, 0.5f) << "the copy woke and followed";
  for (int i = 0; i < 3000 && !link.serverCratesRest(); ++i) link.tick();
  ASSERT_TRUE(link.serverCratesRest());
  for (int i = 0; i < 300 && !link.clientCopiesRestOnTheServers(); ++i) link.tick();
  EXPECT_TRUE(link.clientCopiesRestOnTheServers()) << "and rests again where the server's crate came to rest";
}
