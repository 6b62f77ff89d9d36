// Runs the real ferrum-bench on the recorded stream and on the cube scenario (a few
// hundred frames each) and checks what the bench promises: exact reconstruction by
// the live codec (alone and in two NetManagers), the cap, and the budget against the
// seed's format measured in the same run. No timing is asserted.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include <nlohmann/json.hpp>

namespace {

const std::string kData = FERRUM_BENCH_DATA;
const std::string kExe = FERRUM_BENCH_EXE;

nlohmann::json runBench(const std::string& args, int* status) {
  const auto out = std::filesystem::temp_directory_path() /
                   ("ferrum_bench_test_" + std::to_string(::getpid()) + "_" +
                    ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".json");
  const std::string cmd = kExe + " bandwidth " + args + " --quiet --json " + out.string() + " > /dev/null";
  *status = std::system(cmd.c_str());
  std::ifstream in(out);
  nlohmann::json j = in ? nlohmann::json::parse(in, nullptr, false) : nlohmann::json();
  std::filesystem::remove(out);
  return j;
}

const nlohmann::json* find(const nlohmann::json& report, const std::string& encoder, int pps) {
  for (const auto& e : report["encoders"])
    if (e["encoder"] == encoder && e["packets_per_second"] == pps) return &e;
  return nullptr;
}

/// The live row checked every block the client applied against the authority's state
/// at the tick it was packed, every frame after start-up, and found them all equal.
void expectEveryApplyChecked(const nlohmann::json& live) {
  EXPECT_GT(live["frames_checked"].get<uint64_t>(), 0u);
  EXPECT_GT(live["blocks_checked"].get<uint64_t>(), 0u);
  EXPECT_EQ(live["blocks_checked"].get<uint64_t>(), live["blocks_applied"].get<uint64_t>());
  EXPECT_EQ(live["block_mismatches"].get<uint64_t>(), 0u);
  EXPECT_EQ(live["blocks_unrecorded"].get<uint64_t>(), 0u) << "an applied block whose tick was not recorded";
}

} // namespace

TEST(FerrumBench, RecordedStreamIsExactUnderTheCapAndBelowTheChangedOnlySeed) {
  ASSERT_TRUE(std::filesystem::exists(kData)) << "the recording ships in bench/data/; missing: " << kData;
  int status = -1;
  const nlohmann::json report = runBench("--input " + kData + " --baseline-age 6 --frames 300", &status);
  ASSERT_TRUE(report.is_object()) << "ferrum-bench wrote no JSON";
  EXPECT_EQ(status, 0);
  EXPECT_EQ(report["frames"], 300);
  for (int pps : {60, 30})
    for (const char* enc : {"seed (zlib)", "seed changed-only", "full quantized", "ferrum fields"}) {
      const nlohmann::json* e = find(report, enc, pps);
      ASSERT_NE(e, nullptr) << enc;
      EXPECT_TRUE((*e)["exact"].get<bool>()) << enc << " at " << pps;
    }
  const nlohmann::json* ours = find(report, "ferrum fields", 60);
  EXPECT_EQ((*ours)["packets_over_cap"], 0);
  EXPECT_LE((*ours)["max_packet_bytes"].get<int>(), 1200);
  EXPECT_EQ((*ours)["max_fresh_position_error_m"].get<double>(), 0.0); // the recording is on the grid
  // Below the changed-only seed in the same run (over the whole stream the live codec
  // is above the reference encoder's 172.5 kbit/s: docs/benchmarks.md).
  EXPECT_LT((*ours)["kbps_mean"].get<double>(), (*find(report, "seed changed-only", 60))["kbps_mean"].get<double>());

  // The product itself: two NetManagers carried every object, exactly, with deltas.
  const nlohmann::json* live = find(report, "ferrum live", 30);
  ASSERT_NE(live, nullptr);
  EXPECT_TRUE((*live)["exact"].get<bool>());
  EXPECT_EQ((*live)["missing_baselines"], 0);
  EXPECT_GT((*live)["join_burst_bytes"].get<int>(), 0);
  EXPECT_GT((*live)["delta_blocks"].get<int>(), (*live)["blocks_applied"].get<int>() / 2);
  EXPECT_LE((*live)["max_packet_bytes"].get<int>(), 1200);
  EXPECT_EQ(find(report, "ferrum live", 60), nullptr) << "the product sends at most 30 state packets/s";
  expectEveryApplyChecked(*live);
}

TEST(FerrumBench, CubeScenarioIsExactUnderTheCapAndATenthOfTheSeed) {
  int status = -1;
  const nlohmann::json report = runBench("--scenario cubes --frames 600", &status);
  ASSERT_TRUE(report.is_object()) << "ferrum-bench wrote no JSON";
  EXPECT_EQ(status, 0);
  for (int pps : {60, 30}) {
    const nlohmann::json* ours = find(report, "ferrum fields", pps);
    const nlohmann::json* seed = find(report, "seed (zlib)", pps);
    const nlohmann::json* changed = find(report, "seed changed-only", pps);
    ASSERT_TRUE(ours && seed && changed);
    EXPECT_TRUE((*ours)["exact"].get<bool>());
    EXPECT_EQ((*ours)["packets_over_cap"], 0);
    EXPECT_LE((*ours)["max_packet_bytes"].get<int>(), 1200);
    // One grid step per axis at most: sqrt(3) / 2 / 512 m from rounding.
    EXPECT_LE((*ours)["max_fresh_position_error_m"].get<double>(), 0.0017);
    EXPECT_LT((*ours)["kbps_mean"].get<double>(), 250.0);
    EXPECT_LE((*ours)["kbps_mean"].get<double>(), 0.1 * (*seed)["kbps_mean"].get<double>());
    // The stronger, changed-only variant is beaten too, by less (docs/benchmarks.md).
    EXPECT_LT((*ours)["kbps_mean"].get<double>(), (*changed)["kbps_mean"].get<double>());
  }
  const nlohmann::json* live = find(report, "ferrum live", 30);
  ASSERT_NE(live, nullptr);
  EXPECT_TRUE((*live)["exact"].get<bool>());
  expectEveryApplyChecked(*live);
}

TEST(FerrumBench, RejectsBadUsage) {
  int status = 0;
  runBench("--input /nonexistent/file", &status);
  EXPECT_NE(status, 0);
}
