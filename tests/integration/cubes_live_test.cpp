// The cube scenario live (issue 7's "done"): a server running it and two spectator
// clients in one process over real loopback ENet. The roller pushes cubes around for
// a while, the world settles, and then every client must hold exactly the state the
// server's bodies quantize to, with no state datagram over the 1200-byte cap.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "ferrum/entity.h"
#include "game/cubes_scenario.h"
#include "game/scenario.h"
#include "game/types.h"
#include "tests/support/process.h"
#include "tests/support/test_peer.h"

using namespace ferrum;
using testing_support::pumpUntil;
using testing_support::TestPeer;

namespace {

constexpr size_t kEntities = 901; // 900 cubes + the roller
constexpr float kRollSeconds = 6.0f;

/// Counts what the peer receives on the state channel, independently of NetManager's
/// own counters: the cap must hold for what actually crosses the socket.
class MeasuringTransport final : public Transport {
public:
  explicit MeasuringTransport(std::unique_ptr<Transport> inner) : m_inner(std::move(inner)) {}

  bool service(TransportEvent& event, uint32_t timeoutMs) override {
    if (!m_inner->service(event, timeoutMs)) return false;
    if (event.type == TransportEvent::Type::Received && event.channel == Channel::State) {
      ++m_statePackets;
      m_largestState = std::max(m_largestState, event.payload.size());
    }
    return true;
  }
  void send(LinkId link, Channel channel, std::span<const uint8_t> bytes) override {
    m_inner->send(link, channel, bytes);
  }
  LinkId connect(const std::string& host, uint16_t port, uint32_t data) override {
    return m_inner->connect(host, port, data);
  }
  void disconnect(LinkId link, uint32_t reason) override { m_inner->disconnect(link, reason); }
  void flush() override { m_inner->flush(); }
  LinkStats stats(LinkId link) const override { return m_inner->stats(link); }
  size_t queuedBytes(LinkId link) const override { return m_inner->queuedBytes(link); }

  size_t largestStatePacket() const { return m_largestState; }
  uint64_t statePackets() const { return m_statePackets; }

private:
  std::unique_ptr<Transport> m_inner;
  size_t m_largestState = 0;
  uint64_t m_statePackets = 0;
};

/// A peer of the cubes scenario: the same definition `ferrum-server --scenario cubes`
/// uses (game::demoHostDef), over ENet wrapped in a MeasuringTransport.
std::unique_ptr<TestPeer> cubesPeer(Role role, uint16_t serverPort) {
  std::string error;
  auto enet = role == Role::Server ? EnetTransport::listen({}, error) : EnetTransport::client({}, error);
  if (!enet) return nullptr;
  const uint16_t port = role == Role::Server ? enet->boundPort() : 0;
  auto measuring = std::make_unique<MeasuringTransport>(std::move(enet));
  HostDef def = game::demoHostDef(game::Scenario::Cubes);
  def.net.role = role;
  def.transport = measuring.get();
  auto peer = TestPeer::fromDef(std::move(def));
  if (!peer) return nullptr;
  peer->ownTransport = std::move(measuring);
  peer->port = port;
  if (role == Role::Client && !peer->host->connect("127.0.0.1", serverPort)) return nullptr;
  return peer;
}

MeasuringTransport& measured(TestPeer& peer) { return static_cast<MeasuringTransport&>(*peer.ownTransport); }

bool isScenarioEntity(const Entity& e) { return e.type() == game::kCubeType || e.type() == game::kRollerType; }

const game::RigidReplicaController& replica(const Entity& e) {
  return static_cast<const game::RigidReplicaController&>(e.controller());
}

/// The server's truth as a receiver must decode it.
RigidState wireTruth(const Entity& e) {
  return quantizeRigidState(captureRigidState(e.body()), game::cubesQuantization());
}

bool sameState(const RigidState& a, const RigidState& b) {
  auto same = [](Vec3 u, Vec3 v) { return u.x == v.x && u.y == v.y && u.z == v.z; };
  return same(a.position, b.position) && a.orientation.x == b.orientation.x && a.orientation.y == b.orientation.y &&
         a.orientation.z == b.orientation.z && a.orientation.w == b.orientation.w &&
         same(a.linearVelocity, b.linearVelocity) && same(a.angularVelocity, b.angularVelocity) &&
         a.atRest == b.atRest;
}

bool serverSettled(TestPeer& server, EntityId roller) {
  const Entity* r = server.group->find(roller);
  if (!r || static_cast<const game::RollerController&>(r->controller()).scripting()) return false;
  bool rest = true;
  server.group->forEach([&](const Entity& e) { rest = rest && (!isScenarioEntity(e) || e.body().atRest()); });
  return rest;
}

/// Entities of `client` whose last decoded state differs from the server's wire truth.
size_t mismatches(TestPeer& server, TestPeer& client) {
  size_t bad = 0;
  server.group->forEach([&](const Entity& truth) {
    if (!isScenarioEntity(truth)) return;
    const Entity* copy = client.group->find(truth.id());
    bad += !copy || !replica(*copy).hasDecoded() || !sameState(replica(*copy).decoded(), wireTruth(truth));
  });
  return bad;
}

double kbitPerSecond(uint64_t bytes, uint32_t ticks) {
  return ticks ? static_cast<double>(bytes) * 8.0 / (ticks / 60.0) / 1000.0 : 0;
}

} // namespace

TEST(CubesLive, ClientsDecodeTheServersQuantizedStateExactly) {
  auto server = cubesPeer(Role::Server, 0);
  ASSERT_TRUE(server);
  const EntityId roller = game::spawnCubesScenario(*server->net, kRollSeconds);
  ASSERT_FALSE(roller.isNull());
  std::vector<Vec3> start;
  server->group->forEach([&](const Entity& e) { start.push_back(e.body().position()); });

  auto a = cubesPeer(Role::Client, server->port);
  auto b = cubesPeer(Role::Client, server->port);
  ASSERT_TRUE(a && b);
  std::vector<TestPeer*> all{server.get(), a.get(), b.get()};
  // The join burst: 901 reliable spawns to each client.
  ASSERT_TRUE(pumpUntil(all, [&] {
    return a->group->size() == kEntities && b->group->size() == kEntities;
  }, 1200, 20)) << "clients have " << a->group->size() << " and " << b->group->size() << " entities";
  const uint32_t joinedTick = a->net->tick();
  const uint64_t joinedBytes = a->net->stats().counters.bytesReceived;

  ASSERT_TRUE(pumpUntil(all, [&] { return serverSettled(*server, roller); }, 3600, 40))
      << "the scenario never came to rest on the server";
  const uint32_t settledTick = a->net->tick();
  const uint64_t settledBytes = a->net->stats().counters.bytesReceived;

  // The roller really pushed cubes about: the live scenario is not a still life.
  size_t moved = 0, i = 0;
  server->group->forEach([&](const Entity& e) { moved += distance(e.body().position(), start[i++]) > 0.05f; });
  EXPECT_GT(moved, 20u) << "the roller barely touched the grid";

  // Final states reach both clients (resent until acknowledged), bounded in ticks.
  EXPECT_TRUE(pumpUntil(all, [&] { return mismatches(*server, *a) == 0 && mismatches(*server, *b) == 0; }, 600, 20));

  const float positionTolerance = 1.0f / 1024;
  const int steps = (1 << game::cubesQuantization().orientationBits) - 1;
  const float angleTolerance = 2.0f * (2 * 0.70710678f / static_cast<float>(steps)); // two orientation quanta
  for (TestPeer* client : {a.get(), b.get()}) {
    SCOPED_TRACE(client == a.get() ? "client a" : "client b");
    EXPECT_EQ(client->group->size(), kEntities);
    size_t wrongDecode = 0, wrongBody = 0, awake = 0;
    server->group->forEach([&](const Entity& truth) {
      if (!isScenarioEntity(truth)) return;
      const Entity* copy = client->group->find(truth.id());
      ASSERT_NE(copy, nullptr);
      const RigidState wire = wireTruth(truth);
      wrongDecode += !replica(*copy).hasDecoded() || !sameState(replica(*copy).decoded(), wire);
      // What the client shows is what it decoded, and nothing local simulates it.
      const Transform shown = copy->displayTransform();
      wrongBody += distance(shown.position, wire.position) > positionTolerance ||
                   angleBetween(shown.orientation, wire.orientation) > angleTolerance;
      awake += !copy->body().kinematic() && !copy->body().atRest();
    });
    EXPECT_EQ(wrongDecode, 0u) << "entities whose decoded state is not the server's quantized state";
    EXPECT_EQ(wrongBody, 0u) << "entities shown away from the decoded state";
    EXPECT_EQ(awake, 0u) << "resting copies still simulating";
    const NetStats stats = client->net->stats();
    EXPECT_EQ(stats.counters.malformedBlocks, 0u);
    EXPECT_GT(stats.counters.blocksApplied, kEntities);
    EXPECT_GT(measured(*client).statePackets(), 0u);
    EXPECT_LE(measured(*client).largestStatePacket(), 1200u) << "a state datagram over the cap";
  }

  // Bandwidth of one client, on the simulated clock (60 ticks = 1 s), from its stats.
  const NetStats sa = a->net->stats();
  const double rolling = kbitPerSecond(settledBytes - joinedBytes, settledTick - joinedTick);
  const double total = kbitPerSecond(sa.counters.bytesReceived, sa.tick);
  std::printf("cubes live: client a received %.1f kbit/s while rolling and settling (%.1f s), %.1f kbit/s over the "
              "whole run (%.1f s, join burst included); largest state datagram %zu B; %zu of 900 cubes moved\n",
              rolling, (settledTick - joinedTick) / 60.0, total, sa.tick / 60.0, measured(*a).largestStatePacket(),
              moved);
  RecordProperty("kbpsRolling", static_cast<int>(rolling));
  RecordProperty("kbpsTotal", static_cast<int>(total));
}

// The real executables: `ferrum-server --scenario cubes` and a spectator
// `ferrum-client --scenario cubes --no-player` join and replicate the whole scenario;
// a client of the arena scenario is refused (another game id) instead of joining a
// world whose static geometry it does not have.
TEST(CubesLive, RealProcessesRunTheScenarioAndRefuseAnArenaClient) {
  namespace fs = std::filesystem;
  using testing_support::ChildProcess;
  const fs::path apps = FERRUM_APPS_DIR;
  const fs::path dir = testing_support::scratchDir("cubes-live");
  ChildProcess server({(apps / "ferrum-server").string(), "--scenario", "cubes", "--bind", "127.0.0.1", "--port", "0",
                       "--port-file", (dir / "port").string(), "--duration", "7", "--stats-json",
                       (dir / "server.json").string(), "--log-level", "warn"},
                      {}, dir / "server.log");
  ASSERT_TRUE(server.started());
  const std::string port = testing_support::waitForWord(dir / "port", 10);
  ASSERT_FALSE(port.empty()) << testing_support::readText(dir / "server.log");
  const std::string address = "127.0.0.1:" + port;
  ChildProcess cubes({(apps / "ferrum-client").string(), "--scenario", "cubes", "--no-player", "--connect", address,
                      "--duration", "4", "--stats-json", (dir / "cubes.json").string(), "--log-level", "warn"},
                     {}, dir / "cubes.log");
  ChildProcess arena({(apps / "ferrum-client").string(), "--connect", address, "--duration", "4", "--join-timeout", "4",
                      "--stats-json", (dir / "arena.json").string(), "--log-level", "warn"},
                     {}, dir / "arena.log");
  EXPECT_EQ(cubes.wait(20), 0) << testing_support::readText(dir / "cubes.log");
  EXPECT_NE(arena.wait(20), 0) << "an arena client joined a cubes server";
  EXPECT_EQ(server.wait(20), 0) << testing_support::readText(dir / "server.log");

  const auto client = nlohmann::json::parse(testing_support::readText(dir / "cubes.json"), nullptr, false);
  ASSERT_TRUE(client.is_object());
  EXPECT_EQ(client["liveEntities"], kEntities);
  EXPECT_EQ(client["counters"]["malformedBlocks"], 0);
  EXPECT_GT(client["counters"]["blocksApplied"].get<uint64_t>(), kEntities);
  const auto refused = nlohmann::json::parse(testing_support::readText(dir / "arena.json"), nullptr, false);
  if (refused.is_object()) {
    EXPECT_FALSE(refused["joined"].get<bool>());
  }
  const auto stats = nlohmann::json::parse(testing_support::readText(dir / "server.json"), nullptr, false);
  ASSERT_TRUE(stats.is_object());
  EXPECT_EQ(stats["liveEntities"], kEntities);
  for (const auto& peer : stats["peers"]) EXPECT_LE(peer.value("largestStatePacket", 0), 1200);
  fs::remove_all(dir);
}
