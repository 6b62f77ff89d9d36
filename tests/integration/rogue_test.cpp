// A rogue client against a real server over loopback ENet, next to two honest clients
// throwing grenades. The server must stay up, count every attack, kick the rogue, and
// leave the honest game exactly as it would have been: same live entities everywhere,
// every honest grenade exploding exactly once on every honest peer.

#include <gtest/gtest.h>

#include <cstdio>
#include <map>

#include "apps/ferrum-rogue/rogue.h"
#include "ferrum/entity.h"
#include "game/types.h"
#include "tests/support/test_peer.h"

using namespace ferrum;
using testing_support::pumpUntil;
using testing_support::countType;
using testing_support::statsOf;
using testing_support::TestPeer;

namespace {


/// Explosions seen on one peer, by the slot of the peer that threw the grenade.
struct ExplosionTally {
  std::map<PeerId, uint64_t> byThrower;
  void drain(Effects& effects) {
    for (const Effect& e : effects.pending())
      if (e.kind == EffectKind::Explosion) ++byThrower[e.source.creator()];
    effects.clearPending();
  }
};

std::vector<EntityId> liveIds(const EntityGroup& g) { return g.ids(); }

} // namespace

TEST(Rogue, AttacksAreCountedTheRogueIsKickedAndHonestPlayIsUntouched) {
  // The rogue and the newcomer at the end share 127.0.0.1: cool off only the rogue's
  // own address and port after its kick.
  NetConfig serverConfig;
  serverConfig.coolOffIncludesPort = true;
  auto server = TestPeer::enetServer(serverConfig);
  ASSERT_TRUE(server);
  game::spawnCrates(*server->net, 6, 3);
  auto alice = TestPeer::enetClient(server->port, true);
  auto bob = TestPeer::enetClient(server->port, true);
  ASSERT_TRUE(alice && bob);
  std::vector<TestPeer*> honest = {server.get(), alice.get(), bob.get()};
  ASSERT_TRUE(pumpUntil(honest, [&] {
    return !alice->player->id().isNull() && !bob->player->id().isNull() && server->group->size() == 8 &&
           alice->group->size() == 8 && bob->group->size() == 8;
  }, 900));

  std::string error;
  rogue::RogueConfig config;
  config.port = server->port;
  auto rogue = rogue::Rogue::create(config, error);
  ASSERT_TRUE(rogue) << error;

  std::map<TestPeer*, ExplosionTally> seen;
  std::map<TestPeer*, uint64_t> thrown;
  float worstDrift = 0; // how far the server's copy of an honest player strayed from its owner's
  double rogueClock = 0;
  int tick = 0;
  auto everyTick = [&] {
    ++tick;
    rogueClock += 1.0 / 60;
    rogue->frame(rogueClock);
    rogue->service(0);
    for (TestPeer* p : honest) seen[p].drain(*p->effects);
    for (TestPeer* c : {alice.get(), bob.get()}) {
      if (tick % 40 == 0 && thrown[c] < 8 && c->player->throwGrenade({1, 0, 0})) ++thrown[c];
      const Entity* mine = c->group->find(c->player->id());
      const Entity* onServer = server->group->find(c->player->id());
      if (mine && onServer) worstDrift = std::max(worstDrift, distance(mine->body().position(), onServer->body().position()));
    }
  };
  ASSERT_TRUE(pumpUntil(honest, [&] {
    everyTick();
    return rogue->finished();
  }, 6000, 100)) << "the rogue stalled in phase " << rogue->phaseName();

  // Quiescence: the honest grenades and the rogue's accepted ones have all gone off.
  auto grenades = [](TestPeer* p) {
    size_t n = 0;
    p->group->forEach([&](const Entity& e) { n += e.type() == game::kGrenadeType; });
    return n;
  };
  ASSERT_TRUE(pumpUntil(honest, [&] {
    everyTick();
    return grenades(server.get()) == 0 && grenades(alice.get()) == 0 && grenades(bob.get()) == 0 &&
           thrown[alice.get()] == 8 && thrown[bob.get()] == 8;
  }, 3000));
  pumpUntil(honest, [&] { everyTick(); return false; }, 30); // let the last events land

  const rogue::RogueReport& rep = rogue->report();
  const PeerId rogueSlot = rogue->slot();
  const NetStats stats = server->net->stats();
  const PeerStats r = statsOf(stats, rogueSlot);
  ASSERT_EQ(r.slot, rogueSlot) << "the server keeps figures for the rogue";

  std::printf("rogue figures: sent malformed=%d forged=%d forbiddenSpawns=%d flood=%d (accepted locally %d) "
              "replays=%d wrongConnects=%d storm=%d garbage=%d | server saw malformed=%llu rejected=%llu "
              "spawnsRejected=%llu clamped=%llu stale=%llu rateLimited=%llu refused=%llu joined=%llu left=%llu "
              "kicked=%llu | honest grenades %llu+%llu, worst drift %.3f m, ticks %d\n",
              rep.malformedSent, rep.forgedSent, rep.forbiddenSpawnsSent, config.spawnFlood, rep.floodSpawned,
              rep.replaysSent, rep.wrongConnectsSent, rep.stormJoined, rep.garbageSent,
              (unsigned long long)r.malformed, (unsigned long long)r.rejected,
              (unsigned long long)r.spawnsRejected, (unsigned long long)r.clamped, (unsigned long long)r.stale,
              (unsigned long long)r.rateLimited, (unsigned long long)stats.counters.connectionsRefused,
              (unsigned long long)stats.counters.clientsJoined, (unsigned long long)stats.counters.clientsLeft,
              (unsigned long long)stats.counters.clientsKicked, (unsigned long long)thrown[alice.get()],
              (unsigned long long)thrown[bob.get()], static_cast<double>(worstDrift), tick);

  // The rogue was refused, then kicked, with reasons.
  EXPECT_EQ(rep.refusedProtocol, config.wrongVersionConnects);
  EXPECT_EQ(rep.refusedGame, config.wrongVersionConnects);
  EXPECT_EQ(rep.refusedDetailOk, 2 * config.wrongVersionConnects) << "refusals name the server's version and game";
  EXPECT_TRUE(rep.kicked) << rep.disconnectReason;
  EXPECT_FALSE(r.connected);
  EXPECT_EQ(stats.counters.clientsKicked, 1u);
  EXPECT_EQ(stats.counters.connectionsRefused, static_cast<uint64_t>(rep.wrongConnectsSent));

  // Every attack shows up in the server's counters.
  EXPECT_GE(r.malformed, static_cast<uint64_t>(rep.malformedSent)) << "random, truncated, oversized";
  EXPECT_GE(r.rejected, static_cast<uint64_t>(rep.forgedSent) + rep.forbiddenSpawnsSent) << "forged, forbidden";
  EXPECT_GE(r.spawnsRejected, static_cast<uint64_t>(rep.forbiddenSpawnsSent + config.spawnFlood - NetConfig{}.spawnBurst));
  EXPECT_GE(r.clamped, 1u) << "impossible speed and teleport";
  EXPECT_GE(r.stale, static_cast<uint64_t>(rep.replaysSent)) << "replayed and out-of-order packets";
  EXPECT_EQ(rep.replaysSent, config.replays);
  EXPECT_EQ(rep.stormJoined, config.stormConnects);
  EXPECT_EQ(rep.stormClosed, config.stormConnects);
  EXPECT_EQ(stats.counters.clientsJoined, 2u + 1u + static_cast<uint64_t>(config.stormConnects));
  EXPECT_GE(stats.counters.clientsLeft, static_cast<uint64_t>(config.stormConnects));

  // Honest play: the same live set everywhere, honest players where their owners put
  // them, every grenade seen exploding exactly once on every honest peer.
  EXPECT_EQ(liveIds(*server->group), liveIds(*alice->group));
  EXPECT_EQ(liveIds(*server->group), liveIds(*bob->group));
  EXPECT_LT(worstDrift, 3.0f) << "a forged teleport reached the server's copy of an honest player";
  for (TestPeer* owner : {alice.get(), bob.get()}) {
    const Vec3 truth = owner->group->find(owner->player->id())->body().position();
    for (TestPeer* other : honest)
      EXPECT_LT(distance(other->group->find(owner->player->id())->body().position(), truth), 1.0f);
  }
  for (TestPeer* p : honest) {
    EXPECT_EQ(seen[p].byThrower[alice->net->localPeer()], thrown[alice.get()]);
    EXPECT_EQ(seen[p].byThrower[bob->net->localPeer()], thrown[bob.get()]);
    EXPECT_EQ(seen[p].byThrower[rogueSlot], seen[server.get()].byThrower[rogueSlot]) << "the rogue's accepted grenades too";
  }
  EXPECT_TRUE(alice->net->joined());
  EXPECT_TRUE(bob->net->joined());

  // The server is still up and serving: a newcomer joins and sees the same world.
  auto carol = TestPeer::enetClient(server->port, true);
  ASSERT_TRUE(carol);
  honest.push_back(carol.get());
  ASSERT_TRUE(pumpUntil(honest, [&] {
    return !carol->player->id().isNull() && carol->group->size() == server->group->size() &&
           alice->group->size() == server->group->size();
  }, 900));
}
