// ferrum::Host, the front door: a definition becomes a working peer or a clear error,
// and two hosts on an in-memory network exchange an entity.

#include <gtest/gtest.h>

#include <limits>
#include <functional>
#include <utility>
#include <vector>

#include "ferrum/host.h"
#include "tests/support/probe_controller.h"

using namespace ferrum;
using testing_support::kProbeType;
using testing_support::probeType;

namespace {

HostDef probeGame(Role role, MemoryNetwork& network, uint16_t port) {
  HostDef def;
  def.net.role = role;
  def.types.add(kProbeType, probeType());
  def.memoryNetwork = &network;
  def.memoryPort = port;
  return def;
}

} // namespace

TEST(Host, RefusesADefinitionWithoutTypes) {
  std::string error;
  EXPECT_EQ(Host::create(HostDef{}, error), nullptr);
  EXPECT_NE(error.find("no entity types"), std::string::npos) << error;
}

TEST(Host, RefusesABadConfigNamingTheField) {
  MemoryNetwork network;
  HostDef def = probeGame(Role::Server, network, 1);
  def.net.sendHz = 0;
  std::string error;
  EXPECT_EQ(Host::create(def, error), nullptr);
  EXPECT_NE(error.find("sendHz"), std::string::npos) << error;
}

TEST(Host, RefusesBadLinkConditions) {
  MemoryNetwork network;
  HostDef def = probeGame(Role::Server, network, 1);
  def.incoming.loss = 2;
  std::string error;
  EXPECT_EQ(Host::create(def, error), nullptr);
  EXPECT_NE(error.find("incoming link"), std::string::npos) << error;
}

TEST(Host, RefusesAMemoryPortInUse) {
  MemoryNetwork network;
  std::string error;
  auto first = Host::create(probeGame(Role::Server, network, 7), error);
  ASSERT_TRUE(first) << error;
  EXPECT_EQ(Host::create(probeGame(Role::Server, network, 7), error), nullptr);
  EXPECT_NE(error.find("already in use"), std::string::npos) << error;
}

TEST(Host, ServerRefusesToConnect) {
  MemoryNetwork network;
  std::string error;
  auto server = Host::create(probeGame(Role::Server, network, 1), error);
  ASSERT_TRUE(server) << error;
  EXPECT_FALSE(server->connect("mem", 2));
}

// Both of the NetManager's clocks are read every frame: an empty one given by mistake
// is taken as the steady clock, not a std::bad_function_call.
TEST(Host, AnEmptyClockGivenToTheNetManagerIsTheSteadyClock) {
  MemoryNetwork network;
  std::string error;
  auto server = Host::create(probeGame(Role::Server, network, 1), error);
  ASSERT_TRUE(server) << error;
  server->net().setClock({});
  server->net().setWorkClock({});
  EXPECT_NO_THROW(server->frame(1.0));
  EXPECT_NO_THROW(server->frame(1.0 + 1.0 / 60));
  EXPECT_EQ(server->net().tick(), 2u);
}

TEST(Host, TwoHostsInMemoryShareAnEntity) {
  MemoryNetwork network;
  double now = 0;
  std::string error;
  HostDef serverDef = probeGame(Role::Server, network, 1), clientDef = probeGame(Role::Client, network, 2);
  serverDef.clock = clientDef.clock = [&] { return now; };
  auto server = Host::create(serverDef, error);
  auto client = Host::create(clientDef, error);
  ASSERT_TRUE(server && client) << error;

  int joinedCalls = 0, spawnedHere = 0;
  Subscription joined = client->net().onJoined.listen([&](PeerId) { ++joinedCalls; });
  Subscription spawned = client->group().onSpawned.listen([&](Entity&) { ++spawnedHere; });
  ASSERT_TRUE(client->connect("mem", 1));
  const EntityId id = server->net().spawn(kProbeType, {});
  ASSERT_FALSE(id.isNull());
  for (int i = 0; i < 120 && !(client->joined() && client->group().find(id)); ++i) {
    now += 1.0 / 60;
    server->step(0);
    client->step(0);
  }
  EXPECT_TRUE(client->joined());
  EXPECT_EQ(joinedCalls, 1);
  EXPECT_NE(client->group().find(id), nullptr);
  EXPECT_EQ(spawnedHere, 1);
  EXPECT_EQ(client->group().spawnedCount(), 1u);
}

TEST(Host, RunStopsWhenAskedAndCountsItsClock) {
  MemoryNetwork network;
  double now = 100;
  HostDef def = probeGame(Role::Server, network, 1);
  def.clock = [&] { return now; };
  std::string error;
  auto host = Host::create(def, error);
  ASSERT_TRUE(host) << error;
  int turns = 0, seconds = 0;
  host->run(0, [&] {
    now += 1.0 / 60;
    return ++turns == 300;
  }, [&] { ++seconds; });
  EXPECT_EQ(turns, 300);
  EXPECT_EQ(seconds, 4); // 299 turns of 1/60 s ran: just under 5 s, reported at 1, 2, 3 and 4
  EXPECT_NEAR(static_cast<double>(host->net().tick()), 299.0, 2.0) << "one tick per 1/60 s of the host's clock";
}

TEST(Host, ASpawnWithANonFiniteStateIsRefusedLocally) {
  MemoryNetwork network;
  std::string error;
  auto server = Host::create(probeGame(Role::Server, network, 1), error);
  ASSERT_TRUE(server) << error;
  SpawnState bad;
  bad.angularVelocity.x = std::numeric_limits<float>::infinity();
  EXPECT_TRUE(server->net().spawn(kProbeType, bad).isNull());
  EXPECT_EQ(server->group().size(), 0u);
  EXPECT_FALSE(server->net().spawn(kProbeType, {}).isNull());
}

// A draining server (its operator is stopping it) refuses newcomers and says goodbye
// to the clients still in with a reason they can show.
TEST(Host, DrainingServerRefusesJoinsAndTellsClientsWhy) {
  MemoryNetwork network;
  double now = 0;
  std::string error;
  HostDef serverDef = probeGame(Role::Server, network, 1), inDef = probeGame(Role::Client, network, 2),
          lateDef = probeGame(Role::Client, network, 3);
  serverDef.clock = inDef.clock = lateDef.clock = [&] { return now; };
  auto server = Host::create(serverDef, error);
  auto in = Host::create(inDef, error);
  auto late = Host::create(lateDef, error);
  ASSERT_TRUE(server && in && late) << error;
  auto pump = [&](const std::function<bool()>& done) {
    for (int i = 0; i < 600 && !done(); ++i) {
      now += 1.0 / 60;
      server->step(0);
      in->step(0);
      late->step(0);
    }
    return done();
  };
  ASSERT_TRUE(in->connect("mem", 1));
  ASSERT_TRUE(pump([&] { return in->joined(); }));

  server->net().drain();
  EXPECT_TRUE(server->net().draining());
  ASSERT_TRUE(late->connect("mem", 1));
  ASSERT_TRUE(pump([&] { return late->disconnected(); }));
  EXPECT_FALSE(late->joined());
  EXPECT_NE(late->net().disconnectReason().find("shutting down"), std::string::npos) << late->net().disconnectReason();
  EXPECT_EQ(server->net().stats().counters.connectionsRefused, 1u);
  EXPECT_TRUE(in->joined()) << "clients already in keep playing until the goodbye";

  server->shutdown();
  ASSERT_TRUE(pump([&] { return in->disconnected(); }));
  EXPECT_NE(in->net().disconnectReason().find("draining"), std::string::npos) << in->net().disconnectReason();
}

TEST(Host, TickEndFollowsEveryTickStart) {
  MemoryNetwork network;
  double now = 0;
  HostDef def = probeGame(Role::Server, network, 1);
  def.clock = [&] { return now; };
  std::string error;
  auto host = Host::create(def, error);
  ASSERT_TRUE(host) << error;
  std::vector<std::pair<char, uint32_t>> seen;
  Subscription start = host->net().onTick.listen([&](uint32_t t) { seen.push_back({'s', t}); });
  Subscription end = host->net().onTickEnd.listen([&](uint32_t t) { seen.push_back({'e', t}); });
  for (int i = 0; i < 10; ++i) {
    now += 1.0 / 60;
    host->frame(now);
  }
  ASSERT_GE(seen.size(), 2u);
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].first, i % 2 == 0 ? 's' : 'e') << i;
    EXPECT_EQ(seen[i].second, seen[i - i % 2].second) << i;
  }
}
