// Declared gameplay fields over real loopback ENet: a tank's health, changed on the
// server, reaches a client exactly and through field deltas; the demo grenade's fuse
// (a declared field) counts down alike on its thrower's client and on the others; a
// client that declares the tank's fields differently is refused at the handshake and
// told which type differs; ferrum-server --describe-types prints the demo's schemas,
// as docs/protocol.md shows them.

#include <gtest/gtest.h>

#include "game/grenade_controller.h"
#include "game/types.h"
#include "tests/support/process.h"
#include "tests/support/tank_controller.h"
#include "tests/support/test_peer.h"

using namespace testing_support;

namespace {

/// The demo's types plus the tank (declared with `schema`), over loopback ENet.
std::unique_ptr<TestPeer> peerWithTank(ferrum::Role role, const TankSchema& schema, uint16_t serverPort = 0) {
  ferrum::HostDef def = game::demoHostDef();
  def.net.role = role;
  EXPECT_TRUE(def.types.add(kTankType, tankType(schema)));
  auto peer = TestPeer::fromDef(std::move(def));
  if (peer && role == ferrum::Role::Client && !peer->host->connect("127.0.0.1", serverPort)) return nullptr;
  return peer;
}

} // namespace

TEST(GameplayFields, HealthReachesAClientOverEnetAsFieldDeltas) {
  auto server = peerWithTank(ferrum::Role::Server, tankSchema());
  ASSERT_TRUE(server);
  auto client = peerWithTank(ferrum::Role::Client, tankSchema(), server->port);
  ASSERT_TRUE(client);
  ferrum::SpawnState at;
  at.transform.position = {3, 0.5f, 3};
  const ferrum::EntityId id = server->net->spawn(kTankType, at);
  ASSERT_FALSE(id.isNull());
  TankController* mine = tankOf(*server->group, id);
  ASSERT_NE(mine, nullptr);
  ASSERT_TRUE(mine->setHealth(100));
  const std::vector<TestPeer*> both{server.get(), client.get()};
  ASSERT_TRUE(pumpUntil(
      both,
      [&] {
        const TankController* copy = tankOf(*client->group, id);
        return copy && copy->health() == 100;
      },
      900))
      << client->net->disconnectReason();
  // Damage in steps; each must arrive as it is, never outside 0..100.
  for (int health = 93; health >= 0; health -= 7) {
    ASSERT_TRUE(mine->setHealth(health));
    ASSERT_TRUE(pumpUntil(
        both,
        [&] {
          const TankController* copy = tankOf(*client->group, id);
          return copy && copy->health() == health;
        },
        300))
        << "health " << health << " never reached the client";
  }
  ASSERT_TRUE(mine->setShielded(true));
  ASSERT_TRUE(pumpUntil(
      both, [&] { return tankOf(*client->group, id)->shielded(); }, 300));
  const auto counters = client->net->stats().counters;
  EXPECT_GT(counters.deltaBlocksReceived, 10u) << "the changes travelled as field deltas";
  EXPECT_EQ(counters.malformedBlocks, 0u);
  EXPECT_EQ(counters.baselineMismatches, 0u);
}

TEST(GameplayFields, AGrenadesFuseCountsDownAlikeOnEveryPeer) {
  TwoPlayerMatch match;
  ASSERT_TRUE(match.ready());
  ASSERT_TRUE(match.a->player->throwGrenade({1, 0, 0}));
  ferrum::EntityId grenade;
  match.a->group->forEach([&](const ferrum::Entity& e) {
    if (e.type() == game::kGrenadeType) grenade = e.id();
  });
  ASSERT_FALSE(grenade.isNull());
  auto fuseOn = [&](TestPeer& p) -> int64_t {
    ferrum::Entity* e = p.group->find(grenade);
    return e ? static_cast<game::GrenadeController&>(e->controller()).fuseTicks() : -1;
  };
  // The thrower burns it; the other client's copy never does (it is not the
  // authority), so a count going down there came in the blocks, forwarded by the server.
  const int64_t thrown = fuseOn(*match.a);
  ASSERT_GT(thrown, 40);
  ASSERT_TRUE(pumpUntil(
      match.all,
      [&] {
        const int64_t f = fuseOn(*match.b);
        return f >= 0 && f <= thrown - 30;
      },
      300))
      << "the fuse did not count down on the other client";
  const int64_t thrower = fuseOn(*match.a), other = fuseOn(*match.b);
  EXPECT_GE(other, thrower) << "the copy is behind the thrower, never ahead";
  EXPECT_LE(other, static_cast<int64_t>(game::kMaxFuseTicks));
}

TEST(GameplayFields, AClientThatDeclaresOtherFieldsIsRefusedAtTheHandshake) {
  auto server = peerWithTank(ferrum::Role::Server, tankSchema());
  ASSERT_TRUE(server);
  const TankSchema tougher(200); // health 0..200: one more bit, other values
  auto client = peerWithTank(ferrum::Role::Client, tougher, server->port);
  ASSERT_TRUE(client);
  EXPECT_NE(client->host->types().fingerprint(), server->host->types().fingerprint());
  ASSERT_TRUE(pumpUntil(
      {server.get(), client.get()}, [&] { return client->net->joined() || client->net->disconnected(); }, 900));
  EXPECT_FALSE(client->net->joined());
  const std::string& why = client->net->disconnectReason();
  for (const char* part :
       {"type table differs", "type 5 'tank': its state is coded by another schema", "gameplay fields"})
    EXPECT_NE(why.find(part), std::string::npos) << "missing \"" << part << "\" in: " << why;
  EXPECT_EQ(why.find("type 3"), std::string::npos) << "only the tank differs: " << why;
  EXPECT_EQ(server->net->stats().counters.connectionsRefused, 1u);
  // The same declarations in another object are the same schema: that client joins.
  const TankSchema same;
  auto good = peerWithTank(ferrum::Role::Client, same, server->port);
  ASSERT_TRUE(good);
  ASSERT_TRUE(pumpUntil(
      {server.get(), good.get()}, [&] { return good->net->joined() || good->net->disconnected(); }, 900));
  EXPECT_TRUE(good->net->joined()) << good->net->disconnectReason();
}

TEST(GameplayFields, TheServerDescribesTheDemoTypesSchemas) {
  const auto dir = scratchDir("describe_types");
  ChildProcess p({(std::filesystem::path(FERRUM_APPS_DIR) / "ferrum-server").string(), "--describe-types"}, dir / "out",
                 dir / "err");
  ASSERT_EQ(p.wait(30), 0) << readText(dir / "err");
  const std::string text = readText(dir / "out");
  for (const char* part : {"type 1 'crate'", "type 2 'player'", "type 3 'grenade'", "type 10 'cube'", "fuse",
                           "0 .. 600", "moveX", "-1 .. 1", "1/127", "jump", "position.x", "1/512"})
    EXPECT_NE(text.find(part), std::string::npos) << "missing \"" << part << "\" in:\n" << text;
  // docs/protocol.md shows this very output: it must not drift from the code.
  const std::string doc = readText(std::filesystem::path(FERRUM_SOURCE_DIR) / "docs" / "protocol.md");
  EXPECT_NE(doc.find("```\n" + text + "```"), std::string::npos)
      << "docs/protocol.md, \"Block payloads of the demo game\", differs from ferrum-server --describe-types";
}
