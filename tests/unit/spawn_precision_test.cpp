// Spawns of a type that declares its state precision (EntityType::statePrecision)
// travel at it, between real NetManagers over the in-memory transport: each peer's
// factory is handed the state its state blocks would give (on the grid), client
// spawns still meet the server's checks, and peers that declare different precisions
// for a type are told so at the handshake instead of misreading each other's spawns.

#include <gtest/gtest.h>

#include <vector>

#include "ferrum/host.h"
#include "ferrum/memory_transport.h"
#include "tests/support/probe_controller.h"

using namespace ferrum;
using testing_support::kProbeType;
using testing_support::probeType;

namespace {

RigidQuantization precision(int orientationBits = 10) {
  RigidQuantization q;
  q.positionX = {-48.0f, 48.0f, 1.0f / 512};
  q.positionY = {-4.0f, 28.0f, 1.0f / 512};
  q.positionZ = {-48.0f, 48.0f, 1.0f / 512};
  q.orientationBits = orientationBits;
  q.linearVelocity = {-32.0f, 32.0f, 1.0f / 64};
  q.angularVelocities = false;
  return q;
}

/// A Host whose probe type declares `q` and records every SpawnState its factory gets.
struct Peer {
  std::unique_ptr<Host> host;
  std::vector<SpawnState> built;

  /// `dynamic`: the probe gets a 1 kg body, so its spawn carries velocities.
  Peer(MemoryNetwork& network, uint16_t port, Role role, const RigidQuantization* q, double& now, bool dynamic) {
    HostDef def;
    EntityType t = probeType();
    t.statePrecision = q;
    auto build = t.build;
    t.build = [this, build, dynamic](const SpawnState& s) {
      built.push_back(s);
      EntityParts parts = build(s);
      if (dynamic) parts.body.mass = 1;
      return parts;
    };
    def.types.add(kProbeType, t);
    def.net.role = role;
    def.memoryNetwork = &network;
    def.memoryPort = port;
    def.clock = [&now] { return now; };
    std::string error;
    host = Host::create(std::move(def), error);
    EXPECT_TRUE(host) << error;
  }
};

struct Pair {
  double now = 0;
  MemoryNetwork network;
  Peer server, client;
  Pair(const RigidQuantization* serverQ, const RigidQuantization* clientQ, bool dynamic = false)
      : server(network, 1, Role::Server, serverQ, now, dynamic), client(network, 2, Role::Client, clientQ, now, dynamic) {}

  /// Ticks both until `done` or 600 ticks (10 simulated seconds) have passed.
  template <class F>
  bool tickUntil(F done) {
    for (int i = 0; i < 600; ++i) {
      if (done()) return true;
      now += 1.0 / 60;
      server.host->frame(now);
      client.host->frame(now);
    }
    return done();
  }
};

SpawnState offGrid() {
  SpawnState s;
  s.transform.position = {3.1234567f, 0.2001f, -12.00077f};
  s.transform.orientation = canonicalQuat({0.1f, 0.7f, -0.2f, 0.6f});
  s.linearVelocity = {1.00001f, -2.3333f, 0.5f};
  s.angularVelocity = {4, 5, 6}; // this precision sends no angular velocity
  s.variant = 77;
  return s;
}

/// `sent` is what the spawner asked for; the probe's body is static, so the spawn
/// carries its pose and zero velocities (the velocity grid is checked in messages_test).
void expectOnTheGrid(const SpawnState& got, SpawnState sent, const RigidQuantization& q) {
  sent.linearVelocity = {};
  EXPECT_EQ(got.transform.position.x, q.positionX.snap(sent.transform.position.x));
  EXPECT_EQ(got.transform.position.y, q.positionY.snap(sent.transform.position.y));
  EXPECT_EQ(got.transform.position.z, q.positionZ.snap(sent.transform.position.z));
  EXPECT_EQ(got.transform.orientation, snapQuat(sent.transform.orientation, q.orientationBits));
  EXPECT_EQ(got.linearVelocity.x, q.linearVelocity.snap(sent.linearVelocity.x));
  EXPECT_EQ(got.linearVelocity.y, q.linearVelocity.snap(sent.linearVelocity.y));
  EXPECT_EQ(got.linearVelocity.z, q.linearVelocity.snap(sent.linearVelocity.z));
  EXPECT_EQ(got.angularVelocity, Vec3{});
  EXPECT_EQ(got.variant, sent.variant);
}

} // namespace

TEST(SpawnPrecision, ServerAndClientSpawnsArriveOnTheirTypesGrid) {
  const RigidQuantization q = precision();
  Pair p(&q, &q);
  ASSERT_TRUE(p.client.host->net().connect("mem", 1));
  ASSERT_TRUE(p.tickUntil([&] { return p.client.host->net().joined(); }));

  // The server's own entity: the joined client is sent its spawn.
  const EntityId fromServer = p.server.host->net().spawn(kProbeType, offGrid());
  ASSERT_NE(fromServer, kNullEntity);
  ASSERT_TRUE(p.tickUntil([&] { return p.client.host->group().find(fromServer) != nullptr; }));
  ASSERT_EQ(p.client.built.size(), 1u);
  expectOnTheGrid(p.client.built[0], offGrid(), q);

  // A client's entity: the server checks and builds it from the same grid state.
  SpawnState mine = offGrid();
  mine.transform.position = {-7.77777f, 1.5f, 20.00049f};
  const EntityId fromClient = p.client.host->net().spawn(kProbeType, mine);
  ASSERT_NE(fromClient, kNullEntity);
  ASSERT_TRUE(p.tickUntil([&] { return p.server.host->group().find(fromClient) != nullptr; }));
  ASSERT_EQ(p.server.built.size(), 2u); // its own, then the client's
  expectOnTheGrid(p.server.built[1], mine, q);
  for (Peer* peer : {&p.server, &p.client})
    for (const auto& remote : peer->host->net().stats().peers) EXPECT_EQ(remote.malformed, 0u);
}

TEST(SpawnPrecision, AClientSpawnOutsideTheServersLimitsIsStillRefused) {
  RigidQuantization wide = precision();
  wide.positionX = {-30000.0f, 30000.0f, 1.0f / 64}; // a range past maxSpawnDistance (10 km)
  Pair p(&wide, &wide);
  ASSERT_TRUE(p.client.host->net().connect("mem", 1));
  ASSERT_TRUE(p.tickUntil([&] { return p.client.host->net().joined(); }));
  SpawnState far = offGrid();
  far.transform.position.x = 20000.0f;
  const EntityId id = p.client.host->net().spawn(kProbeType, far);
  ASSERT_NE(id, kNullEntity);
  // Refused: the server tells the client, which despawns its own copy.
  ASSERT_TRUE(p.tickUntil([&] { return p.client.host->group().find(id) == nullptr; }));
  EXPECT_EQ(p.server.host->group().find(id), nullptr);
  EXPECT_EQ(p.server.built.size(), 0u);
}

TEST(SpawnPrecision, PeersThatCodeATypesSpawnsDifferentlyAreRefusedAtTheHandshake) {
  const RigidQuantization q10 = precision(10), q11 = precision(11);
  Pair p(&q10, &q11);
  ASSERT_TRUE(p.client.host->net().connect("mem", 1));
  ASSERT_TRUE(p.tickUntil([&] { return !p.client.host->net().disconnectReason().empty(); }));
  EXPECT_FALSE(p.client.host->net().joined());
  EXPECT_NE(p.client.host->net().disconnectReason().find("precision"), std::string::npos)
      << p.client.host->net().disconnectReason();
}

// Without a precision the spawn is raw floats and an absurd (finite) spin reaches the
// server; its referee refuses it (NetConfig::maxSpawnSpin). With one, the wire cannot
// carry it: it arrives clamped into the type's range.
TEST(SpawnPrecision, AnAbsurdSpinIsRefusedAsRawFloatsAndClampedAtAPrecision) {
  SpawnState spun = offGrid();
  spun.angularVelocity = {1e37f, 0, 0};
  auto rejected = [](Pair& p) {
    uint64_t n = 0;
    for (const auto& remote : p.server.host->net().stats().peers) n += remote.spawnsRejected;
    return n;
  };
  {
    Pair raw(nullptr, nullptr, true);
    ASSERT_TRUE(raw.client.host->net().connect("mem", 1));
    ASSERT_TRUE(raw.tickUntil([&] { return raw.client.host->net().joined(); }));
    ASSERT_NE(raw.client.host->net().spawn(kProbeType, spun), kNullEntity);
    ASSERT_TRUE(raw.tickUntil([&] { return rejected(raw) == 1; })) << "the referee did not refuse it";
    EXPECT_TRUE(raw.server.built.empty());
  }
  RigidQuantization q = precision();
  q.angularVelocities = true; // ±32 rad/s at 1/64
  Pair p(&q, &q, true);
  ASSERT_TRUE(p.client.host->net().connect("mem", 1));
  ASSERT_TRUE(p.tickUntil([&] { return p.client.host->net().joined(); }));
  ASSERT_NE(p.client.host->net().spawn(kProbeType, spun), kNullEntity);
  ASSERT_TRUE(p.tickUntil([&] { return !p.server.built.empty(); }));
  EXPECT_EQ(p.server.built[0].angularVelocity.x, 32.0f);
  EXPECT_EQ(rejected(p), 0u);
}
