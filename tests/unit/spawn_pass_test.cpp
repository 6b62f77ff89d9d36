// A join's paced spawns (src/net/net_manager_spawn_pass.h): clients that wait for the
// same entity in the same tick get one coding of it, a client's spawns of a tick come
// several to a packet, and every one of them ends up holding every entity.

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "ferrum/host.h"
#include "ferrum/memory_transport.h"
#include "game/cubes_scenario.h"
#include "tests/support/cube_fixture.h"
#include "tests/support/hand_server.h"
#include "tests/support/test_peer.h"
#include "wire/message_batch.h"

using namespace ferrum;

TEST(SpawnPass, SpectatorsJoiningTogetherGetEachEntityFromOneCodingAndHoldTheWholeWorld) {
  MemoryNetwork network;
  double now = 0;
  // A fixed join budget of 128 spawns a tick: a join of twenty ticks, each of whose
  // budgets may run out between two clients' turns (the next tick codes those
  // entities again: the bound's slack).
  auto make = [&](MemoryTransport& t, Role role) {
    return testing_support::cubesHostOn(t, role, now, testing_support::fixJoinBudget);
  };
  std::unique_ptr<Host> server = make(network.endpoint(1), Role::Server);
  ASSERT_TRUE(server);
  game::spawnCubesScenario(server->net(), 4.0f); // 900 cubes and a roller
  std::vector<std::unique_ptr<Host>> clients;
  for (uint16_t i = 0; i < 3; ++i) {
    clients.push_back(make(network.endpoint(static_cast<uint16_t>(2 + i)), Role::Client));
    ASSERT_TRUE(clients.back());
    ASSERT_TRUE(clients.back()->net().connect("mem", 1)); // spectators: no player, one order for all
  }
  auto everyoneHoldsTheWorld = [&] {
    for (auto& c : clients)
      if (!c->net().worldComplete() || c->group().size() != server->group().size()) return false;
    return true;
  };
  for (int i = 0; i < 1200 && !everyoneHoldsTheWorld(); ++i) {
    now += 1.0 / 60;
    server->net().frame(now);
    for (auto& c : clients) c->net().frame(now);
  }
  ASSERT_TRUE(everyoneHoldsTheWorld());
  const NetCounters s = server->net().stats().counters;
  EXPECT_GE(s.spawnsPaced, 3u * 901u);
  // One coding per entity per tick: the three joined in the same frame and take their
  // turns in the same order, so each entity was coded once for all three.
  EXPECT_LE(s.spawnCodings, s.spawnsPaced / 3 + 16) << s.spawnsPaced << " spawns paced";
  EXPECT_GE(s.spawnCodings, 901u);
  // Each client's spawns of a tick came several to a reliable packet (wire/message_batch.h).
  for (auto& c : clients) {
    const NetCounters cs = c->net().stats().counters;
    EXPECT_GE(cs.spawnsReceived, 901u);
    EXPECT_LT(cs.packetsReceived * 4, cs.spawnsReceived) << "packets (all of them) against spawns received";
  }
}

// A client reads a Spawns packet whole before it uses any of it: one whose last Spawn
// does not read (cut short) creates nothing and counts one malformed message; the
// same spawns in a good packet all arrive, counted as spawns for SpawnAck.
TEST(SpawnPass, AClientUsesABatchOnlyWhenEverySpawnInItReads) {
  testing_support::HandServer server(testing_support::cubesHost(Role::Client));
  ASSERT_TRUE(server.client);
  auto spawn = [](uint32_t counter) {
    SpawnState s;
    s.transform.position = {static_cast<float>(counter), 1.0f, 0.0f};
    return wire::encodeMessage(wire::MessageType::Spawn,
                               wire::Spawn{EntityId::make(kServerPeer, counter), game::kCubeType, kServerPeer, s, 1},
                               testing_support::cubePrecision());
  };
  const size_t before = server.client->group().size();
  auto malformed = [&] { return testing_support::statsOf(server.client->net().stats(), kServerPeer).malformed; };
  const uint64_t malformedBefore = malformed();

  wire::MessageBatch bad;
  ASSERT_TRUE(bad.add(spawn(1)));
  ASSERT_TRUE(bad.add(spawn(2)));
  std::vector<uint8_t> cut = spawn(3);
  cut.resize(cut.size() / 2);
  ASSERT_TRUE(bad.add(cut));
  server.sendReliable(bad.take());
  server.pump(2);
  EXPECT_EQ(server.client->group().size(), before) << "nothing of a batch that does not read is used";
  EXPECT_EQ(malformed(), malformedBefore + 1) << "one malformed message, not one per spawn";

  wire::MessageBatch good;
  for (uint32_t c = 1; c <= 3; ++c) ASSERT_TRUE(good.add(spawn(c)));
  server.sendReliable(good.take());
  server.pump(2);
  EXPECT_EQ(server.client->group().size(), before + 3);
  EXPECT_EQ(server.client->net().stats().counters.spawnsReceived, 3u);
  EXPECT_EQ(malformed(), malformedBefore + 1);
}

// Interest management switched off (setRelevance({})) gives every client the rest of
// the world: one whose join was still under way, and one that already held all its
// interest covered. Without interest management a queue is scored again only once
// the client's own entities move, and an empty one not at all; a client last scored
// by interest management is scored once more.
TEST(SpawnPass, InterestSwitchedOffGivesEveryClientTheRestOfTheWorld) {
  MemoryNetwork network;
  double now = 0;
  auto make = [&](MemoryTransport& t, Role role) {
    return testing_support::cubesHostOn(t, role, now, [](HostDef& def) {
      def.net.spawnsPerTick = 16; // a join of about 30 ticks for the half below
      def.net.maxSpawnsPerTick = 16;
    });
  };
  std::unique_ptr<Host> server = make(network.endpoint(1), Role::Server);
  ASSERT_TRUE(server);
  game::spawnCubesScenario(server->net(), 4.0f); // 900 cubes and a roller
  server->net().setRelevance([](PeerId, const Entity& e, bool) { return (e.id().value & 1u) ? 1.0f : 0.0f; });
  std::vector<std::unique_ptr<Host>> clients;
  auto tick = [&] {
    now += 1.0 / 60;
    server->net().frame(now);
    for (auto& c : clients) c->net().frame(now);
  };
  clients.push_back(make(network.endpoint(2), Role::Client));
  ASSERT_TRUE(clients.back() && clients.back()->net().connect("mem", 1));
  for (int i = 0; i < 1200 && !clients[0]->net().worldComplete(); ++i) tick();
  ASSERT_TRUE(clients[0]->net().worldComplete()) << "the first holds what its interest covers";
  const size_t interesting = clients[0]->group().size();
  EXPECT_LT(interesting, server->group().size() * 3 / 4) << "interest covered about half the world";

  clients.push_back(make(network.endpoint(3), Role::Client));
  ASSERT_TRUE(clients.back() && clients.back()->net().connect("mem", 1));
  for (int i = 0; i < 1200 && clients[1]->group().size() < 100; ++i) tick();
  ASSERT_GE(clients[1]->group().size(), 100u);
  ASSERT_LT(clients[1]->group().size(), interesting) << "the second's join is still under way";

  server->net().setRelevance({});
  auto everyoneHoldsTheWorld = [&] {
    for (auto& c : clients)
      if (c->group().size() != server->group().size()) return false;
    return true;
  };
  for (int i = 0; i < 1200 && !everyoneHoldsTheWorld(); ++i) tick();
  EXPECT_EQ(clients[0]->group().size(), server->group().size()) << "the one whose join was over";
  EXPECT_EQ(clients[1]->group().size(), server->group().size()) << "the one still joining";
}
