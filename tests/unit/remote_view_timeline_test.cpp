// Every state on one timeline: forwarded client-owned state keeps its owner's time, so
// a view of another client's player waits for the extra hop; a spawn is an entity's
// first news, at the spawn's time; and each entity type has its own view mode unless
// the run-time choice overrides it.

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "game/grenade_throw.h"
#include "game/simulated_peer.h"
#include "game/types.h"

using namespace ferrum;

namespace {

using game::SimulatedPeer;

/// A server and two bot clients, each client 40 ms from the server each way.
struct TwoHops {
  static constexpr float kOneWayMs = 40;
  double now = 0;
  MemoryNetwork network;
  SimulatedPeer server{network, {Role::Server, 1, {}, {}, 1, {}}, [this] { return now; }};
  SimulatedPeer a{network, {Role::Client, 2, {kOneWayMs}, {kOneWayMs}, 2, {}}, [this] { return now; }};
  SimulatedPeer b{network, {Role::Client, 3, {kOneWayMs}, {kOneWayMs}, 3, {}}, [this] { return now; }};

  TwoHops() {
    a.player = std::make_unique<game::LocalPlayer>(*a.net, 11);
    b.player = std::make_unique<game::LocalPlayer>(*b.net, 12);
    a.net->connect("mem", 1);
    b.net->connect("mem", 1);
    game::spawnCrates(*server.net, 4, 1);
  }
  void tick(int n) {
    for (int i = 0; i < n; ++i) {
      now += 1.0 / 60;
      for (SimulatedPeer* p : {&server, &a, &b}) p->net->frame(now);
    }
  }
  /// How far behind the server's present `id` is shown on `p` (s).
  static double shownDelay(const SimulatedPeer& p, EntityId id) {
    const Entity* e = p.group->find(id);
    if (!e || !e->displayTime()) return -1;
    return p.group->viewTimeline().serverNow - *e->displayTime();
  }
};

} // namespace

TEST(RemoteViewTimeline, ForwardedStateKeepsItsOwnersTimeSoItsViewWaitsForTheExtraHop) {
  TwoHops m;
  m.tick(240); // joined, clocks settled, a few seconds of bots running about
  ASSERT_FALSE(m.b.player->id().isNull());
  EntityId crate;
  m.server.group->forEach([&](const Entity& e) {
    if (e.type() == game::kCrateType) crate = e.id();
  });
  ASSERT_FALSE(crate.isNull());
  const double crateDelay = TwoHops::shownDelay(m.a, crate);
  const double playerDelay = TwoHops::shownDelay(m.a, m.b.player->id());
  ASSERT_GT(crateDelay, 0) << "a's crates are interpolated (the type's default)";
  ASSERT_GT(playerDelay, 0);
  // b's player reaches a over two 40 ms hops, the server's crate over one: the view
  // of b's player must sit about one hop further back, or it would run out of news.
  // (A hop costs up to a tick more than its latency: packets are read at frame start.)
  const double hop = TwoHops::kOneWayMs / 1000.0, tick = 1.0 / 60;
  EXPECT_GT(playerDelay - crateDelay, hop - tick);
  EXPECT_LT(playerDelay - crateDelay, hop + 2 * tick);
}

TEST(RemoteViewTimeline, CopiesTellWhatTheyShowAndWhatTheyLastHeardAuthoritiesDoNot) {
  TwoHops m;
  m.tick(240);
  ASSERT_FALSE(m.a.player->id().isNull());
  const Entity* own = m.a.group->find(m.a.player->id());
  const Entity* other = m.a.group->find(m.b.player->id());
  ASSERT_TRUE(own && other);
  EXPECT_FALSE(own->receivedTransform()) << "a's own player is simulated here, not received";
  EXPECT_FALSE(own->displayTime());
  ASSERT_TRUE(other->receivedTransform()) << "the newest pose b sent (what a viewer draws as a ghost)";
  ASSERT_TRUE(other->displayTime());
  // The newest news is at most a few hops old: near b's own body, while the shown
  // (interpolated) pose is further in the past.
  const Vec3 truth = m.b.group->find(m.b.player->id())->body().position();
  EXPECT_LT(distance(other->receivedTransform()->position, truth), 2.0f);
}

TEST(RemoteViewTimeline, AThrownGrenadeIsShownFromWhereItWasThrownNeverPulledBack) {
  TwoHops m;
  m.tick(240);
  ASSERT_FALSE(m.a.player->id().isNull());
  std::set<uint32_t> before; // the bots throw grenades too
  m.a.group->forEach([&](const Entity& e) { before.insert(e.id().value); });
  game::GrenadeThrower thrower;
  ASSERT_TRUE(thrower.tryThrow(*m.a.net, m.a.player->id(), {1, 0, 0}));
  EntityId grenade;
  m.a.group->forEach([&](const Entity& e) {
    if (e.type() == game::kGrenadeType && !before.count(e.id().value)) grenade = e.id();
  });
  ASSERT_FALSE(grenade.isNull());
  const Vec3 thrownFrom = m.a.group->find(grenade)->body().position();
  // A dynamic copy is placed on its view, then stepped with the world: it is drawn a
  // tick of flight further along.
  const float oneTick = m.a.group->find(grenade)->body().linearVelocity().length() / 60.0f;
  // b hears of it over two hops; from the first tick it exists there, b's interpolating
  // view shows a moment on the server's timeline, starting where it was thrown, and
  // then only ever further along the throw (the spawn is its first sample: no copy
  // flung ahead by local physics and pulled back when the first state arrives).
  int ticks = 0;
  while (!m.b.group->find(grenade) && ticks++ < 60) m.tick(1);
  const Entity* seen = m.b.group->find(grenade);
  ASSERT_NE(seen, nullptr) << "spawn never reached b";
  float along = -1;
  for (int i = 0; i < 30 && m.b.group->find(grenade); ++i) {
    m.tick(1);
    seen = m.b.group->find(grenade);
    if (!seen) break;
    ASSERT_TRUE(seen->displayTime()) << "tick " << i << ": shown without a time";
    const float now = seen->displayTransform().position.x - thrownFrom.x;
    if (i == 0) {
      EXPECT_LT(std::fabs(now), oneTick + 0.02f) << "first shown where it was thrown";
    }
    EXPECT_GE(now, along - 1e-4f) << "tick " << i << ": pulled back along the throw";
    along = now;
  }
  EXPECT_GT(along, 0.5f) << "and it does fly";
}

TEST(RemoteViewTimeline, EachTypeHasItsOwnModeUnlessOverriddenAtRunTime) {
  ControllerRegistry registry;
  game::registerDemoTypes(registry);
  ferrum::EntityType special = *registry.find(game::kCrateType);
  special.name = "extrapolated crate";
  special.viewMode = ViewMode::Extrapolate;
  ASSERT_TRUE(registry.add(200, special));
  EntityGroup group(registry);
  EXPECT_EQ(group.viewMode(game::kCrateType), ViewMode::Interpolate);
  EXPECT_EQ(group.viewMode(200), ViewMode::Extrapolate);
  group.viewSettings().mode = ViewMode::Raw;
  EXPECT_EQ(group.viewMode(game::kCrateType), ViewMode::Raw);
  EXPECT_EQ(group.viewMode(200), ViewMode::Raw);
}
