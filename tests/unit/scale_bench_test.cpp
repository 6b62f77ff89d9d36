// Runs the real `ferrum-bench scale` on a tiny cell (a real server, two light bot
// clients over loopback ENet, 20 crates, 3 s) and checks that its report describes a
// run that happened: both bots joined, got the whole world, sent their players and
// got each other's forwarded; the server refused nothing. No timing is asserted.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace {

const std::string kBench = FERRUM_BENCH_EXE;

std::filesystem::path tempJson(const char* name) {
  return std::filesystem::temp_directory_path() /
         ("ferrum_scale_test_" + std::to_string(::getpid()) + "_" + name + ".json");
}

} // namespace

TEST(FerrumBenchScale, TinyCellJoinsEveryClientAndForwardsTheirState) {
  const auto out = tempJson("tiny");
  const std::string cmd = kBench + " scale --clients 2 --bodies 20 --seconds 3 --settle-seconds 1 --json " +
                          out.string() + " > /dev/null 2>&1";
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::ifstream in(out);
  const nlohmann::json report = in ? nlohmann::json::parse(in, nullptr, false) : nlohmann::json();
  std::filesystem::remove(out);
  ASSERT_TRUE(report.is_object()) << "no JSON written";
  ASSERT_EQ(report["cells"].size(), 1u);
  const nlohmann::json& c = report["cells"][0];
  EXPECT_EQ(c["clients"], 2);
  EXPECT_EQ(c["bodies"], 20);
  EXPECT_EQ(c["joined"], 2);
  EXPECT_EQ(c["timeouts"], 0);
  EXPECT_EQ(c["server_timeouts"], 0);
  EXPECT_EQ(c["disconnected"], 0);
  EXPECT_EQ(c["kicked"], 0);
  EXPECT_EQ(c["server_entities"], 22); // 20 crates and the two bots' players
  EXPECT_EQ(c["world_complete_clients"], 2); // each held as many entities as the server
  EXPECT_EQ(c["rejected"], 0);               // the bots' players passed the referee
  EXPECT_EQ(c["clamped"], 0);
  EXPECT_GT(c["ticks"].get<int>(), 0);
  EXPECT_GT(c["server_tick_cpu_us_median"].get<double>(), 0.0);
  EXPECT_GT(c["up_pps"].get<double>(), 0.0);        // each sent its player's state
  EXPECT_GT(c["forwarded_pps"].get<double>(), 0.0); // and got the other's through the server
  EXPECT_GT(c["blocks_forwarded"].get<int>(), 0);
  EXPECT_GT(c["forward_latency_samples"].get<int>(), 0);
  EXPECT_GE(c["forward_latency_ms_median"].get<double>(), 0.0);
  EXPECT_GT(c["rss_kib_end"].get<int>(), 0);
}

// The large arena: four bots in regions of their own over a 120 x 120 m floor, 300
// crates scattered over it, a 15 m interest radius. Each bot must hold what is near
// it and nothing far: once its join is over (WorldComplete), no spawn may reach a bot
// farther from its player than the radius plus the hysteresis, plus what a 3 m/s walk
// covers while the server decides (slack). Without interest management every bot
// would hold all 303 other entities, the farthest 100 m away or more. (The join
// itself is not held to this: the server queues a joiner's world before the
// joiner's player exists, as for a spectator, and re-scores it a few ticks later.)
TEST(FerrumBenchScale, LargeArenaSpawnsOnlyWhatIsNearEachBot) {
  const auto out = tempJson("large");
  const std::string cmd = kBench + " scale --arena large --relevance-radius 15 --clients 4 --bodies 300 --seconds 3"
                                   " --settle-seconds 1 --json " + out.string() + " > /dev/null 2>&1";
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::ifstream in(out);
  const nlohmann::json report = in ? nlohmann::json::parse(in, nullptr, false) : nlohmann::json();
  std::filesystem::remove(out);
  ASSERT_TRUE(report.is_object()) << "no JSON written";
  EXPECT_EQ(report["arena"], "large");
  ASSERT_EQ(report["cells"].size(), 1u);
  const nlohmann::json& c = report["cells"][0];
  EXPECT_EQ(c["arena"], "large");
  EXPECT_EQ(c["relevance_radius"], 15.0);
  EXPECT_EQ(c["joined"], 4);
  EXPECT_EQ(c["timeouts"], 0);
  EXPECT_EQ(c["kicked"], 0);
  EXPECT_EQ(c["rejected"], 0); // the waypoint walks pass the referee
  EXPECT_EQ(c["clamped"], 0);
  EXPECT_EQ(c["server_entities"], 304);
  EXPECT_EQ(c["world_complete_clients"], 4); // each got what was near it, then WorldComplete
  const double held = c["held_entities_mean"].get<double>();
  EXPECT_GT(held, 1.0);   // its own player and some crates near it
  EXPECT_LT(held, 100.0); // of 304: the rest is culled
  const double slack = 5.0;
  const double reach = c["relevance_radius"].get<double>() + c["relevance_hysteresis"].get<double>() + slack;
  // From the very first spawn: a joiner's world waits for its player, so the join
  // itself sends nothing far (that would leave again at once).
  EXPECT_LE(c["farthest_spawn_m"].get<double>(), reach);
  EXPECT_LE(c["farthest_spawn_after_world_m"].get<double>(), reach);
  EXPECT_GT(c["farthest_spawn_m"].get<double>(), 0.0);
}

TEST(FerrumBenchScale, RefusesBadNumbers) {
  for (const char* args : {"--clients 0", "--bodies -1", "--seconds 0", "--join-spread-seconds -2", "--arena huge",
                           "--relevance-radius -1", "--relevance-radius nan", "--walk-region 0"}) {
    const std::string cmd = kBench + " scale " + args + " > /dev/null 2>&1";
    const int status = std::system(cmd.c_str());
    ASSERT_TRUE(WIFEXITED(status)) << args;
    EXPECT_EQ(WEXITSTATUS(status), 2) << args;
  }
}
