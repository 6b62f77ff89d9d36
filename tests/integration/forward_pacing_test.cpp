// The forwarding rate by distance over real loopback ENet: with interest management,
// another client's player beyond a quarter of the radius from a client's own is
// forwarded to it only every so often, and what is held back is not lost: once the
// owner stops, its newest state still reaches the far client, although the owner
// never sends it again (no refresh here). Near, every update is forwarded. Counts of
// updates sent and received, no timing.

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
  explicit Pair(float relevanceRadius) {
    NetConfig config;
    config.relevanceRadius = relevanceRadius;
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
  Pair m(20.0f); // full rate within 5 m: at 13-20 m, every 7th to 16th update
  ASSERT_TRUE(m.ready());
  const auto [sent, arrived] = m.walkA(90);
  EXPECT_GT(sent, 20u);
  EXPECT_LT(arrived * 4, sent) << "a far player's updates were not thinned";
  // a stops and never speaks of it again: only the held-back newest state can tell b.
  ASSERT_TRUE(pumpUntil(m.all, [&] { return m.bSeesAWhereItIs(); }, 900))
      << "the last state before a stopped never reached b";
}

TEST(ForwardPacing, ANearPlayerIsForwardedEveryUpdate) {
  Pair m(80.0f); // full rate within 20 m
  ASSERT_TRUE(m.ready());
  const auto [sent, arrived] = m.walkA(90);
  EXPECT_GT(sent, 20u);
  // Loopback loses nothing; the last few may still be on their way.
  EXPECT_GE(arrived + 3, sent);
  ASSERT_TRUE(pumpUntil(m.all, [&] { return m.bSeesAWhereItIs(); }, 900));
}
