// Physics stepping on its own thread while a sending tick writes its packets
// (NetConfig::physicsThread): the JobThread underneath, and a live server whose
// packets and world are bit for bit those of one thread doing everything in turn.

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "apps/ferrum-bench/thread_cpu.h"
#include "base/job_thread.h"
#include "ferrum/host.h"
#include "ferrum/memory_transport.h"
#include "game/cubes_scenario.h"
#include "tests/support/cube_fixture.h"

using namespace ferrum;

TEST(JobThread, RunsEachJobOnItsOwnThreadAndWaitSeesWhatItDid) {
  JobThread worker("test-worker");
  const std::thread::id caller = std::this_thread::get_id();
  std::thread::id ranOn;
  long sum = 0; // plain: wait() is what makes the job's writes visible
  for (int i = 1; i <= 200; ++i) {
    worker.start([&, i] {
      ranOn = std::this_thread::get_id();
      sum += i;
    });
    EXPECT_TRUE(worker.busy());
    worker.wait();
    EXPECT_FALSE(worker.busy());
    EXPECT_NE(ranOn, caller);
  }
  EXPECT_EQ(sum, 200 * 201 / 2);
  worker.wait(); // nothing started: returns at once
}

TEST(JobThread, AJobStillRunningIsWaitedForByTheNextStartAndByTheDestructor) {
  std::atomic<int> done{0};
  {
    JobThread worker("test-worker");
    for (int i = 0; i < 50; ++i)
      worker.start([&] {
        std::this_thread::yield();
        done.fetch_add(1);
      }); // no wait(): start() and the destructor wait
  }
  EXPECT_EQ(done.load(), 50);
}

namespace {

struct CubesRun {
  uint64_t serverBytesSent = 0;
  uint64_t clientBytesReceived = 0;
  std::vector<Vec3> serverPositions;  ///< every cube's body on the server, in id order
  std::vector<Vec3> clientDecoded;    ///< what the client last decoded of each
  bool physicsThreadSeen = false;     ///< a thread named ferrum-physics existed during the run
  uint64_t spawnsPaced = 0;
};

// The cubes scenario (900 cubes, the roller pushing through them for 4 s) between a
// server and one client in memory, 6 s on a virtual clock. `worldFirst`: the cubes
// exist before the client connects, so its join is paced (the spawns chosen before
// each step and sent while it runs) while the roller already pushes.
CubesRun runCubes(bool physicsThread, bool worldFirst = false) {
  MemoryNetwork network;
  double now = 0;
  auto make = [&](MemoryTransport& t, Role role) {
    return testing_support::cubesHostOn(t, role, now, [&](HostDef& def) {
      def.net.physicsThread = physicsThread;
      testing_support::fixJoinBudget(def); // the two runs pace the same spawns each tick
    });
  };
  std::unique_ptr<Host> server = make(network.endpoint(1), Role::Server);
  std::unique_ptr<Host> client = make(network.endpoint(2), Role::Client);
  CubesRun run;
  if (!server || !client) return run;
  auto tick = [&](int n) {
    for (int i = 0; i < n; ++i) {
      now += 1.0 / 60;
      server->net().frame(now);
      client->net().frame(now);
    }
  };
  if (worldFirst) game::spawnCubesScenario(server->net(), 4.0f);
  if (!client->net().connect("mem", 1)) return run;
  for (int i = 0; i < 600 && !client->net().joined(); ++i) tick(1);
  EXPECT_TRUE(client->net().joined());
  if (!worldFirst) game::spawnCubesScenario(server->net(), 4.0f);
  tick(360);
  run.spawnsPaced = server->net().stats().counters.spawnsPaced;
  run.physicsThreadSeen = bench::findThreadNamed("ferrum-physics") != 0;
  server->group().forEach([&](const Entity& e) {
    run.serverPositions.push_back(e.body().position());
    run.clientDecoded.push_back(testing_support::decodedCubePosition(*client, e.id()).value_or(Vec3{-1e9f, 0, 0}));
  });
  run.serverBytesSent = server->net().stats().counters.bytesSent;
  run.clientBytesReceived = client->net().stats().counters.bytesReceived;
  return run;
}

// The same bytes both ways, the same world on the server and in the client's copies,
// and every cube decoded by the client.
void expectTheSameRun(const CubesRun& oneThread, const CubesRun& twoThreads) {
  ASSERT_EQ(oneThread.serverPositions.size(), 901u);
  ASSERT_EQ(twoThreads.serverPositions.size(), oneThread.serverPositions.size());
  EXPECT_EQ(twoThreads.serverBytesSent, oneThread.serverBytesSent);
  EXPECT_EQ(twoThreads.clientBytesReceived, oneThread.clientBytesReceived);
  size_t held = 0;
  for (size_t i = 0; i < oneThread.serverPositions.size(); ++i) {
    const Vec3 a = oneThread.serverPositions[i], b = twoThreads.serverPositions[i];
    EXPECT_TRUE(a.x == b.x && a.y == b.y && a.z == b.z) << "cube " << i;
    const Vec3 c = oneThread.clientDecoded[i], d = twoThreads.clientDecoded[i];
    EXPECT_TRUE(c.x == d.x && c.y == d.y && c.z == d.z) << "client's copy of cube " << i;
    if (c.x > -1e8f) ++held;
  }
  EXPECT_EQ(held, oneThread.serverPositions.size()) << "the client decoded every cube";
}

} // namespace

TEST(PhysicsThread, AServerSteppingBesideItsSendsSendsTheSameBytesAndSimulatesTheSameWorld) {
  const CubesRun oneThread = runCubes(false);
  const CubesRun twoThreads = runCubes(true);
  EXPECT_FALSE(oneThread.physicsThreadSeen);
  EXPECT_TRUE(twoThreads.physicsThreadSeen) << "physicsThread on: the step runs on a thread of its own";
  EXPECT_GT(oneThread.serverBytesSent, 20000u) << "the roller kept the server sending";
  expectTheSameRun(oneThread, twoThreads);
}

TEST(PhysicsThread, AJoinPacedWhileTheStepRunsSendsTheSameBytesAndSimulatesTheSameWorld) {
  const CubesRun oneThread = runCubes(false, true);
  const CubesRun twoThreads = runCubes(true, true);
  EXPECT_GE(oneThread.spawnsPaced, 900u) << "the world came through the join's pacing";
  EXPECT_EQ(twoThreads.spawnsPaced, oneThread.spawnsPaced);
  expectTheSameRun(oneThread, twoThreads);
}
