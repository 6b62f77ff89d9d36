// NetConfig::staggerSends: clients take turns across the ticks of a send period, each
// still getting sendHz state packets a second, as many bytes and as close a copy of
// the world; without it they are served together.

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "ferrum/host.h"
#include "ferrum/memory_transport.h"
#include "game/cubes_scenario.h"
#include "tests/support/cube_fixture.h"

using namespace ferrum;

namespace {

struct Served {
  std::vector<uint64_t> packets;  ///< per client: packets received over the second measured
  std::vector<uint64_t> bytes;    ///< per client: payload bytes received over it
  int ticksServingBoth = 0;       ///< ticks after which both clients had a new packet
  /// At its end, over both clients: entities the server has and a client lacks, and
  /// the farthest a client's copy was from the server's body.
  size_t missing = 0;
  float worstMetres = 0;
};

// A server of the cubes scenario (the roller keeps state flowing) and two spectators,
// in memory on a virtual clock; one second measured once both hold the world. A fixed
// join budget, so that second starts on the same tick, the roller in the same place.
Served runTwoClients(bool stagger) {
  MemoryNetwork network;
  double now = 0;
  auto make = [&](MemoryTransport& t, Role role) {
    return testing_support::cubesHostOn(t, role, now, [&](HostDef& def) {
      def.net.staggerSends = stagger;
      testing_support::fixJoinBudget(def);
    });
  };
  Served served;
  std::unique_ptr<Host> server = make(network.endpoint(1), Role::Server);
  if (!server) return served;
  game::spawnCubesScenario(server->net(), 4.0f);
  std::vector<std::unique_ptr<Host>> clients;
  for (uint16_t i = 0; i < 2; ++i) {
    clients.push_back(make(network.endpoint(static_cast<uint16_t>(2 + i)), Role::Client));
    if (!clients.back() || !clients.back()->net().connect("mem", 1)) return served;
  }
  auto tick = [&] {
    now += 1.0 / 60;
    server->net().frame(now);
    for (auto& c : clients) c->net().frame(now);
  };
  for (int i = 0; i < 1200 && !(clients[0]->net().worldComplete() && clients[1]->net().worldComplete()); ++i) tick();
  EXPECT_TRUE(clients[0]->net().worldComplete() && clients[1]->net().worldComplete());
  for (int i = 0; i < 30; ++i) tick(); // the last spawns' acknowledgements settle
  std::vector<uint64_t> before, start, bytesBefore;
  for (auto& c : clients) {
    before.push_back(c->net().stats().counters.packetsReceived);
    bytesBefore.push_back(c->net().stats().counters.bytesReceived);
  }
  start = before;
  for (int i = 0; i < 60; ++i) {
    tick();
    int got = 0;
    for (size_t k = 0; k < clients.size(); ++k) {
      const uint64_t n = clients[k]->net().stats().counters.packetsReceived;
      got += n > before[k];
      before[k] = n;
    }
    served.ticksServingBoth += got == 2;
  }
  for (size_t k = 0; k < clients.size(); ++k) {
    served.packets.push_back(before[k] - start[k]);
    served.bytes.push_back(clients[k]->net().stats().counters.bytesReceived - bytesBefore[k]);
  }
  server->group().forEach([&](const Entity& truth) {
    for (auto& c : clients) {
      const Entity* copy = c->group().find(truth.id());
      if (!copy) {
        ++served.missing;
        continue;
      }
      served.worstMetres = std::max(served.worstMetres, distance(copy->body().position(), truth.body().position()));
    }
  });
  return served;
}

} // namespace

TEST(StaggerSends, ClientsTakeTurnsAndEachStillGetsSendHzPacketsASecond) {
  const Served staggered = runTwoClients(true);
  ASSERT_EQ(staggered.packets.size(), 2u);
  for (uint64_t n : staggered.packets) {
    EXPECT_GE(n, 30u) << "30 state packets a second (and a few reliable ones)";
    EXPECT_LE(n, 34u);
  }
  EXPECT_EQ(staggered.ticksServingBoth, 0) << "never both on one tick";

  const Served together = runTwoClients(false);
  ASSERT_EQ(together.packets.size(), 2u);
  EXPECT_GE(together.ticksServingBoth, 29) << "without it, both are served on the same ticks";
  // Taking turns changes when a client is served, not what it gets: as many bytes, and
  // copies as close to the server's bodies (the roller's, seen a view delay behind, is
  // the farthest either way).
  for (size_t k = 0; k < 2; ++k) {
    EXPECT_GE(staggered.bytes[k] * 5, together.bytes[k] * 4) << "client " << k << ": its bandwidth";
    EXPECT_LE(staggered.bytes[k] * 4, together.bytes[k] * 5) << "client " << k << ": its bandwidth";
  }
  EXPECT_EQ(staggered.missing, 0u);
  EXPECT_EQ(together.missing, 0u);
  EXPECT_LE(staggered.worstMetres, together.worstMetres + 0.05f);
  EXPECT_LT(together.worstMetres, 1.0f);
}
