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

using namespace ferrum;

TEST(SpawnPass, SpectatorsJoiningTogetherGetEachEntityFromOneCodingAndHoldTheWholeWorld) {
  MemoryNetwork network;
  double now = 0;
  auto make = [&](MemoryTransport& t, Role role) {
    HostDef def = testing_support::cubesHost(role);
    def.clock = [&now] { return now; };
    def.transport = &t;
    std::string error;
    std::unique_ptr<Host> host = Host::create(std::move(def), error);
    EXPECT_TRUE(host) << error;
    return host;
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
