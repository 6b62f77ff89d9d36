// Keeps docs/examples/ball_controller.h (shown in docs/architecture.md) honest: it
// compiles, replicates from server to client, its bounce sound plays on both, and
// the client shows it smoothed by its remote view (the type's default: interpolate).

#include <gtest/gtest.h>

#include "docs/examples/ball_controller.h"
#include "ferrum/memory_transport.h"
#include "ferrum/net_manager.h"

using namespace ferrum;

TEST(ControllerExample, BallBouncesOnServerAndClientAlike) {
  MemoryNetwork network;
  MemoryTransport& st = network.endpoint(1);
  MemoryTransport& ct = network.endpoint(2);
  ControllerRegistry registry;
  ASSERT_TRUE(registry.add(42, example::ballType()));
  EntityGroup serverGroup(registry), clientGroup(registry);
  for (EntityGroup* g : {&serverGroup, &clientGroup}) {
    BodyDesc floor;
    floor.size = {10, 0.5f, 10};
    floor.transform.position = {0, -0.5f, 0};
    floor.restitution = 1.0f; // Bullet multiplies both restitutions: a lively floor
    g->physics().addStatic(floor);
  }
  Effects serverFx, clientFx;
  NetConfig sc, cc;
  cc.role = Role::Client;
  NetManager server(sc, st, serverGroup, serverFx), client(cc, ct, clientGroup, clientFx);
  ASSERT_TRUE(client.connect("mem", 1));
  SpawnState s;
  s.transform.position = {0, 3, 0};
  const EntityId ball = server.spawn(42, s);
  double now = 0;
  for (int i = 0; i < 240; ++i) {
    now += 1.0 / 60;
    server.frame(now);
    client.frame(now);
  }
  Entity* copy = clientGroup.find(ball);
  ASSERT_NE(copy, nullptr);
  ASSERT_NE(copy->controller().remoteView(), nullptr) << "a ball has a remote view";
  // The client shows the ball through its view: interpolating, a little in the past
  // (at least a send interval behind its estimate of the server's present).
  ASSERT_TRUE(copy->displayTime().has_value()) << "the client's copy is shown through its remote view";
  EXPECT_GT(clientGroup.viewTimeline().serverNow - *copy->displayTime(), 1.0 / 30);
  EXPECT_GT(copy->controller().remoteView()->buffered(), 2u);
  // The server simulates it: it shows its own body, no view in between.
  EXPECT_FALSE(serverGroup.find(ball)->displayTime().has_value());
  EXPECT_GE(serverFx.count(EffectKind::Sound), 1u) << "the server hears its own bounce through the loopback";
  EXPECT_GE(clientFx.count(EffectKind::Sound), 1u);
  EXPECT_LT(distance(clientGroup.find(ball)->body().position(), serverGroup.find(ball)->body().position()), 0.1f);
}
