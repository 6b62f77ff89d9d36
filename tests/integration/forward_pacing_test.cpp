// The forwarding rate by distance over real loopback ENet: with interest management,
// another client's player beyond NetConfig::forwardFullRateMeters from a client's own
// is forwarded to it only on its turns (every k-th send period, k from
// forwardFalloffMeters), and what is held back is not lost: once the owner stops, its
// newest state still reaches the far client, although the owner never sends it again
// (no refresh here). Near, every update is forwarded. Counts of updates sent and
// received, no timing.

#include <gtest/gtest.h>

#include <set>

#include "tests/support/test_peer.h"

using namespace ferrum;
using testing_support::pumpTicks;
using testing_support::pumpUntil;
using testing_support::TestPeer;

namespace {

struct Pair {
  /// The players start about 15 m apart and stay 13 to 20 m apart.
  explicit Pair(float relevanceRadius, float fullRateMeters = NetConfig{}.forwardFullRateMeters) {
    NetConfig config;
    config.relevanceRadius = relevanceRadius;
    config.forwardFullRateMeters = fullRateMeters;
    server = TestPeer::enetServer(config);
    NetConfig clientConfig;
    clientConfig.refreshSeconds = 0; // an unchanged state is never sent again by its owner
    if (server) {
      a = TestPeer::enetClient(server->port, true, clientConfig);
      b = TestPeer::enetClient(server->port, true, clientConfig);
    }
    all = {server.get(), a.get(), b.get()};
  }
  bool ready() {
    if (!server || !a || !b) return false;
    return pumpUntil(all, [&] {
      return a->net->worldComplete() && b->net->worldComplete() && !a->player->id().isNull() &&
             !b->player->id().isNull() && b->group->find(a->player->id()) && a->group->find(b->player->id());
    }, 900);
  }
  /// a walks for `ticks` ticks and stops; returns how many of its states it sent and
  /// how many of them b received meanwhile.
  std::pair<size_t, size_t> walkA(int ticks) {
    const PeerId origin = a->net->localPeer();
    std::set<uint32_t> sent, arrived;
    auto s = a->net->onStateSent.listen([&](uint32_t tick) { sent.insert(tick); });
    auto r = b->net->onStateArrived.listen([&](PeerId from, uint32_t tick) {
      if (from == origin) arrived.insert(tick);
    });
    a->player->setInput({1.0f, 0.0f, false});
    pumpTicks(all, ticks);
    a->player->setInput({0.0f, 0.0f, false});
    return {sent.size(), arrived.size()};
  }
  /// b's copy of a's player is where a has it (a stopped).
  bool bSeesAWhereItIs() {
    const Entity* own = a->group->find(a->player->id());
    const Entity* copy = b->group->find(a->player->id());
    return own && copy && distance(own->body().position(), copy->body().position()) < 0.05f &&
           own->body().linearVelocity().length() < 0.01f;
  }

  std::unique_ptr<TestPeer> server, a, b;
  std::vector<TestPeer*> all;
};

} // namespace

TEST(ForwardPacing, AFarPlayerIsForwardedLessOftenAndItsLastStateStillArrives) {
  Pair m(20.0f); // the defaults: full rate within 5 m; at 13-20 m, every 8th or 16th update
  ASSERT_TRUE(m.ready());
  const auto [sent, arrived] = m.walkA(90);
  EXPECT_GT(sent, 20u);
  EXPECT_LT(arrived * 4, sent) << "a far player's updates were not thinned";
  // a stops and never speaks of it again: only the held-back newest state can tell b.
  ASSERT_TRUE(pumpUntil(m.all, [&] { return m.bSeesAWhereItIs(); }, 900))
      << "the last state before a stopped never reached b";
}

TEST(ForwardPacing, ANearPlayerIsForwardedEveryUpdate) {
  Pair m(80.0f, 20.0f); // full rate within 20 m
  ASSERT_TRUE(m.ready());
  const auto [sent, arrived] = m.walkA(90);
  EXPECT_GT(sent, 20u);
  // Loopback loses nothing; the last few may still be on their way.
  EXPECT_GE(arrived + 3, sent);
  ASSERT_TRUE(pumpUntil(m.all, [&] { return m.bSeesAWhereItIs(); }, 900));
}

namespace {

/// Three clients whose players stand where the demo places slots 1-3 (a ring of 8 m):
/// from c's player, a's is about 10.8 m away and b's about 14.9 m.
struct Trio {
  Trio(float fullRateMeters, float falloffMeters) {
    NetConfig config;
    config.relevanceRadius = 40.0f;
    config.forwardFullRateMeters = fullRateMeters;
    config.forwardFalloffMeters = falloffMeters;
    server = TestPeer::enetServer(config);
    NetConfig clientConfig;
    clientConfig.refreshSeconds = 0;
    if (server)
      for (auto* client : {&a, &b, &c}) *client = TestPeer::enetClient(server->port, true, clientConfig);
    all = {server.get(), a.get(), b.get(), c.get()};
  }
  bool ready() {
    if (!server || !a || !b || !c) return false;
    return pumpUntil(all, [&] {
      for (TestPeer* p : {a.get(), b.get(), c.get()})
        if (!p->net->worldComplete() || p->player->id().isNull()) return false;
      return c->group->find(a->player->id()) && c->group->find(b->player->id());
    }, 900);
  }
  /// Where the server has `who`'s player, from c's.
  float fromC(TestPeer& who) {
    const Entity* p = server->group->find(who.player->id());
    const Entity* o = server->group->find(c->player->id());
    return p && o ? distance(p->body().position(), o->body().position()) : -1.0f;
  }
  std::unique_ptr<TestPeer> server, a, b, c;
  std::vector<TestPeer*> all;
};

} // namespace

TEST(ForwardPacing, ToOneClientANearPlayerGoesAtFullRateAndAFarOneOnItsTurnsOnly) {
  // Every update within 12.5 m; farther, k = (d / 1 m)^2 is past the cap: every 16th
  // send period, whatever the distance.
  Trio m(12.5f, 1.0f);
  ASSERT_TRUE(m.ready());
  const float nearAt = m.fromC(*m.a), farAt = m.fromC(*m.b);
  ASSERT_GT(nearAt, 0.0f);
  ASSERT_LT(nearAt, 11.5f) << "the demo's spawn ring moved: this scene needs a within 12.5 m of c";
  ASSERT_GT(farAt, 13.5f) << "the demo's spawn ring moved: this scene needs b beyond 12.5 m of c";
  const NetCounters before = m.server->net->stats().counters;

  std::set<uint32_t> sentA, sentB, gotA, gotB;
  const PeerId slotA = m.a->net->localPeer(), slotB = m.b->net->localPeer();
  auto sa = m.a->net->onStateSent.listen([&](uint32_t tick) { sentA.insert(tick); });
  auto sb = m.b->net->onStateSent.listen([&](uint32_t tick) { sentB.insert(tick); });
  auto r = m.c->net->onStateArrived.listen([&](PeerId from, uint32_t tick) {
    if (from == slotA) gotA.insert(tick);
    if (from == slotB) gotB.insert(tick);
  });
  // a walks along z (staying 10.8-11.5 m from c), b away from c; 2 s, 2.4 m/s at most.
  m.a->player->setInput({0.0f, 0.4f, false});
  m.b->player->setInput({0.0f, -0.4f, false});
  pumpTicks(m.all, 120);
  m.a->player->setInput({0.0f, 0.0f, false});
  m.b->player->setInput({0.0f, 0.0f, false});
  const size_t sentNear = sentA.size(), sentFar = sentB.size(), gotNear = gotA.size(), gotFar = gotB.size();
  ASSERT_LT(m.fromC(*m.a), 12.5f);
  ASSERT_GT(m.fromC(*m.b), 12.5f);

  EXPECT_GT(sentNear, 40u);
  EXPECT_GT(sentFar, 40u);
  // Near: every update (loopback loses nothing; the last few may still be on their way).
  EXPECT_GE(gotNear + 3, sentNear);
  // Far: one per 16 send periods (each owner sends once per period), plus the turn at
  // either end of the walk; and not none: the held-back newest block goes on its turn.
  EXPECT_LE(gotFar, sentFar / 16 + 2);
  EXPECT_GE(gotFar + 1, sentFar / 16);
  const NetCounters after = m.server->net->stats().counters;
  EXPECT_GE(after.forwardsDeferred - before.forwardsDeferred, sentFar - gotFar - 3);
  EXPECT_GE(after.forwardsReleased - before.forwardsReleased + 1, gotFar);
  // b stops and never speaks again: its held-back last state still reaches c.
  ASSERT_TRUE(pumpUntil(m.all, [&] {
    const Entity* own = m.b->group->find(m.b->player->id());
    const Entity* copy = m.c->group->find(m.b->player->id());
    return own && copy && distance(own->body().position(), copy->body().position()) < 0.05f &&
           own->body().linearVelocity().length() < 0.01f;
  }, 900)) << "the far player's last state never reached c";
}

TEST(ForwardPacing, WithoutAFallOffEveryUpdateIsForwardedAndNothingIsDeferred) {
  Trio m(0.0f, 0.0f); // forwardFalloffMeters = 0: no fall-off at any distance
  ASSERT_TRUE(m.ready());
  ASSERT_GT(m.fromC(*m.b), 13.5f);
  std::set<uint32_t> sent, got;
  const PeerId slotB = m.b->net->localPeer();
  auto sb = m.b->net->onStateSent.listen([&](uint32_t tick) { sent.insert(tick); });
  auto r = m.c->net->onStateArrived.listen([&](PeerId from, uint32_t tick) {
    if (from == slotB) got.insert(tick);
  });
  m.b->player->setInput({0.0f, -0.4f, false});
  pumpTicks(m.all, 90);
  m.b->player->setInput({0.0f, 0.0f, false});
  EXPECT_GT(sent.size(), 30u);
  EXPECT_GE(got.size() + 3, sent.size());
  EXPECT_EQ(m.server->net->stats().counters.forwardsDeferred, 0u);
}
