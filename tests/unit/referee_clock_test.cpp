// The referee judges a client's step by the time between its updates. The client
// stamps its own ticks, so that time is capped by what the server's clock saw: a
// forged jump of the owner's clock must not make a teleport pass for a long walk.

#include <gtest/gtest.h>

#include "game/simulated_peer.h"
#include "game/types.h"
#include "tests/support/test_peer.h"
#include "wire/messages.h"

using namespace ferrum;

TEST(RefereeClock, AnOwnersClockJumpDoesNotMakeATeleportLookLikeAWalk) {
  MemoryNetwork network;
  double now = 0;
  game::SimulatedPeer server(network, {Role::Server, 1, {}, {}, 1, {}}, [&] { return now; });
  game::SimulatedPeer client(network, {Role::Client, 2, {}, {}, 2, {}}, [&] { return now; });
  MemoryTransport& clientEnd = *network.find(2); // to send what its NetManager never would
  auto tick = [&](int n) {
    for (int i = 0; i < n; ++i) {
      now += 1.0 / 60;
      server.net->frame(now);
      client.net->frame(now);
    }
  };
  ASSERT_TRUE(client.net->connect("mem", 1));
  tick(3);
  ASSERT_TRUE(client.net->joined());
  SpawnState at;
  at.transform.position = {0, 1, 0};
  const EntityId player = client.net->spawn(game::kPlayerType, at);
  ASSERT_FALSE(player.isNull());
  tick(30);
  ASSERT_NE(server.group->find(player), nullptr);

  // The cheat's packet: its player 56 m away, its clock 200 ticks (3.3 s) on: within
  // what the server accepts as a clock at all (a jump past 4 s is refused outright:
  // NetManagerTrust.AnOriginTickFromTheFuture...), so the referee judges it. Uncapped,
  // 3.3 s at the player's 20 m/s would let 67 m pass.
  Body& body = client.group->find(player)->body();
  const Vec3 honest = body.position();
  body.setTransform({{40, 1, 40}, {}});
  WriteStream payload(wire::kMaxBlockBits / 8);
  client.group->find(player)->controller().serverUpdate(payload);
  body.setTransform({honest, {}});
  wire::StateBlock block;
  block.id = player;
  block.bits = static_cast<uint32_t>(payload.bits());
  block.payload = payload.take();
  wire::StateHeader header;
  header.sequence = 5000;
  header.origin = client.net->localPeer();
  header.senderTick = server.net->tick();
  header.originTick = client.net->tick() + 200;
  WriteStream out(1200);
  header.serialize(out);
  wire::BlockContext context;
  ASSERT_TRUE(wire::writeBlock(out, block, context));
  wire::writeEnd(out);
  const uint64_t clampedBefore = testing_support::statsOf(server.net->stats(), client.net->localPeer()).clamped;
  clientEnd.send(1, Channel::State, out.buffer()); // the client's one link is the server

  tick(10);
  EXPECT_GT(testing_support::statsOf(server.net->stats(), client.net->localPeer()).clamped, clampedBefore);
  const auto heard = server.group->find(player)->receivedTransform();
  ASSERT_TRUE(heard);
  EXPECT_GT(distance(heard->position, {40, 1, 40}), 30.0f) << "the teleport was accepted";
}
