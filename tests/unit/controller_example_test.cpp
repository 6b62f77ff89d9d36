// Keeps examples/hello/ball.h (the getting-started guide's entity type) honest:
// between two Hosts in memory it replicates from server to client, its bounce sound
// plays on both, and the client shows it smoothed by its remote view (the type's
// default: interpolate).

#include <gtest/gtest.h>

#include "examples/hello/ball.h"
#include "ferrum/host.h"

using namespace ferrum;

TEST(ControllerExample, BallBouncesOnServerAndClientAlike) {
  MemoryNetwork network;
  double now = 0;
  HostDef sd = hello::gameDef(Role::Server), cd = hello::gameDef(Role::Client);
  sd.memoryNetwork = cd.memoryNetwork = &network;
  sd.memoryPort = 1;
  cd.memoryPort = 2;
  sd.clock = cd.clock = [&] { return now; };
  std::string error;
  auto serverHost = Host::create(sd, error);
  auto clientHost = Host::create(cd, error);
  ASSERT_TRUE(serverHost && clientHost) << error;
  NetManager &server = serverHost->net(), &client = clientHost->net();
  EntityGroup &serverGroup = serverHost->group(), &clientGroup = clientHost->group();
  Effects &serverFx = serverHost->effects(), &clientFx = clientHost->effects();
  ASSERT_TRUE(client.connect("mem", 1));
  SpawnState s;
  s.transform.position = {0, 3, 0};
  const EntityId ball = server.spawn(hello::kBallType, s);
  for (int i = 0; i < 240; ++i) {
    now += 1.0 / 60;
    serverHost->step(0);
    clientHost->step(0);
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
