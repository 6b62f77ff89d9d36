// Joining and leaving over real loopback ENet: late joiners, departures, refusals.

#include <gtest/gtest.h>

#include "game/types.h"
#include "tests/support/test_peer.h"

using namespace ferrum;
using testing_support::pumpUntil;
using testing_support::TestPeer;

TEST(JoinLeave, LateJoinerReceivesEveryLiveEntity) {
  auto server = TestPeer::enetServer();
  ASSERT_TRUE(server);
  auto early = TestPeer::enetClient(server->port, true);
  ASSERT_TRUE(early);
  game::spawnCrates(*server->net, 30, 5);
  std::vector<TestPeer*> all{server.get(), early.get()};
  ASSERT_TRUE(pumpUntil(all, [&] { return server->group->size() == 31; }, 600));
  testing_support::pumpTicks(all, 60);

  auto late = TestPeer::enetClient(server->port, false);
  ASSERT_TRUE(late);
  all.push_back(late.get());
  ASSERT_TRUE(pumpUntil(all, [&] { return late->group->size() == server->group->size(); }, 600));
  for (EntityId id : server->group->ids()) {
    const Entity* copy = late->group->find(id);
    ASSERT_NE(copy, nullptr);
    EXPECT_EQ(copy->type(), server->group->find(id)->type());
    EXPECT_EQ(copy->authority(), server->group->find(id)->authority());
    // Spawned where the entity is now, not at the origin.
    EXPECT_LT(distance(copy->body().position(), server->group->find(id)->body().position()), 0.5f);
  }
}

TEST(JoinLeave, DisconnectRemovesThePlayerEverywhere) {
  auto server = TestPeer::enetServer();
  ASSERT_TRUE(server);
  auto leaver = TestPeer::enetClient(server->port, true);
  auto stayer = TestPeer::enetClient(server->port, true);
  ASSERT_TRUE(leaver && stayer);
  std::vector<TestPeer*> all{server.get(), leaver.get(), stayer.get()};
  ASSERT_TRUE(pumpUntil(all, [&] {
    return !leaver->player->id().isNull() && stayer->group->find(leaver->player->id()) &&
           server->group->size() == 2;
  }, 600));
  const EntityId gone = leaver->player->id();
  leaver->net->shutdown();
  all = {server.get(), stayer.get()};
  ASSERT_TRUE(pumpUntil(all, [&] { return !server->group->find(gone) && !stayer->group->find(gone); }, 600));
  EXPECT_NE(stayer->group->find(stayer->player->id()), nullptr);
  const NetStats s = server->net->stats();
  EXPECT_EQ(s.counters.clientsLeft, 1u);
  EXPECT_EQ(s.counters.clientsTimedOut, 0u);
}

TEST(JoinLeave, ProtocolVersionMismatchIsRefusedWithAClearReason) {
  auto server = TestPeer::enetServer();
  ASSERT_TRUE(server);
  NetConfig wrong;
  wrong.protocolOverride = static_cast<uint16_t>(protocolVersion() + 1);
  auto client = TestPeer::enetClient(server->port, true, wrong);
  ASSERT_TRUE(client);
  std::vector<TestPeer*> all{server.get(), client.get()};
  ASSERT_TRUE(pumpUntil(all, [&] { return client->net->disconnected(); }, 600));
  EXPECT_FALSE(client->net->joined());
  EXPECT_NE(client->net->disconnectReason().find("protocol version mismatch"), std::string::npos)
      << client->net->disconnectReason();
  EXPECT_EQ(server->net->stats().counters.connectionsRefused, 1u);
  EXPECT_EQ(server->net->stats().counters.clientsJoined, 0u);
  EXPECT_EQ(server->group->size(), 0u);
}

TEST(JoinLeave, GameIdMismatchIsRefused) {
  auto server = TestPeer::enetServer();
  ASSERT_TRUE(server);
  NetConfig other;
  other.gameId = 0x1234;
  auto client = TestPeer::enetClient(server->port, false, other);
  ASSERT_TRUE(client);
  std::vector<TestPeer*> all{server.get(), client.get()};
  ASSERT_TRUE(pumpUntil(all, [&] { return client->net->disconnected(); }, 600));
  EXPECT_NE(client->net->disconnectReason().find("game id mismatch"), std::string::npos);
}

TEST(JoinLeave, ServerFullRefusesTheExtraClient) {
  NetConfig small;
  small.maxClients = 1;
  auto server = TestPeer::enetServer(small);
  ASSERT_TRUE(server);
  auto first = TestPeer::enetClient(server->port, false);
  std::vector<TestPeer*> all{server.get(), first.get()};
  ASSERT_TRUE(pumpUntil(all, [&] { return first->net->joined(); }, 600));
  auto second = TestPeer::enetClient(server->port, false);
  all.push_back(second.get());
  ASSERT_TRUE(pumpUntil(all, [&] { return second->net->disconnected(); }, 600));
  EXPECT_NE(second->net->disconnectReason().find("server full"), std::string::npos) << second->net->disconnectReason();
  EXPECT_TRUE(first->net->joined());
}
