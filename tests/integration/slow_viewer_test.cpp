// A viewer whose every frame takes longer than the transport's link timeout (5 s):
// its network runs on a thread of its own (viewer/net_thread.h), so the link stays
// up and the world keeps its pace however slowly the window draws. With the network
// serviced between frames only, the server dropped such a viewer as timed out and
// the few ticks a frame allowed (NetConfig::maxCatchUpTicks) ran its world slow.
// Real processes on 127.0.0.1, rendering off screen.

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/process.h"

namespace fs = std::filesystem;
using testing_support::ChildProcess;

namespace {

const fs::path kApps = FERRUM_APPS_DIR;

nlohmann::json readJson(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in, nullptr, false);
}

} // namespace

TEST(SlowViewer, FramesLongerThanTheLinkTimeoutKeepTheViewerJoinedAndTicking) {
  const fs::path dir = testing_support::scratchDir("slow-viewer");
  ChildProcess server({(kApps / "ferrum-server").string(), "--bind", "127.0.0.1", "--port", "0", "--port-file",
                       (dir / "port").string(), "--discovery-port", "0", "--crates", "20", "--duration", "120",
                       "--stats-json", (dir / "server.json").string(), "--log-level", "warn"});
  const std::string port = testing_support::waitForWord(dir / "port", 20);
  ASSERT_FALSE(port.empty()) << "server never listened";
  setenv("SDL_VIDEODRIVER", "offscreen", 1); // Mesa renders off screen: no display needed
  setenv("ASAN_OPTIONS", "detect_leaks=0", 1); // Mesa's own leaks (see play_test.cpp)
  // 20 s of frames that each block 6 s (past ENet's 5 s link timeout): four frames.
  ChildProcess view({(kApps / "ferrum-client").string(), "--view", "--bot", "--mute", "--connect",
                     "127.0.0.1:" + port, "--duration", "20", "--slow-frame-ms", "6000", "--width", "320", "--height",
                     "180", "--stats-json", (dir / "view.json").string(), "--log-level", "warn"},
                    {}, dir / "view.err");
  const int code = view.wait(90);
  const std::string err = testing_support::readText(dir / "view.err");
  if (code != 0 && (err.find("SDL_") != std::string::npos || err.find("OpenGL") != std::string::npos))
    GTEST_SKIP() << "no usable OpenGL 3.3 here (SDL offscreen driver): " << err;
  EXPECT_EQ(code, 0) << err; // 1: the server was lost

  const nlohmann::json stats = readJson(dir / "view.json");
  ASSERT_TRUE(stats.is_object()) << "no statistics written";
  EXPECT_TRUE(stats["joined"].get<bool>());
  EXPECT_EQ(stats["disconnectReason"].get<std::string>(), "");
  // Ticks follow the host's clock, not the frames: four frames would have run ~20.
  // Half the clock's count leaves room for a thread descheduled on a loaded machine.
  const double expectedTicks = stats["uptimeSeconds"].get<double>() * stats["tickHz"].get<double>();
  EXPECT_GE(stats["tick"].get<double>(), 0.5 * expectedTicks);

  // The server saw it leave when it was done, never time out.
  server.signal(SIGINT);
  ASSERT_EQ(server.wait(30), 0);
  const nlohmann::json served = readJson(dir / "server.json");
  ASSERT_TRUE(served.is_object());
  EXPECT_EQ(served["counters"]["clientsTimedOut"].get<int>(), 0);
  EXPECT_EQ(served["counters"]["clientsTooSlow"].get<int>(), 0);
  EXPECT_EQ(served["counters"]["clientsLeft"].get<int>(), 1);
  fs::remove_all(dir);
}
