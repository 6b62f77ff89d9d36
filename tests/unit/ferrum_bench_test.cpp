// Runs the real ferrum-bench on the recorded stream (a few hundred frames) and
// checks what issue 7 promises: exact reconstruction, and ferrum's encoder below
// the reference encoder's figure. No timing is asserted.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

namespace {

const std::string kData = FERRUM_BENCH_DATA;
const std::string kExe = FERRUM_BENCH_EXE;

nlohmann::json runBench(const std::string& args, int* status) {
  const auto out = std::filesystem::temp_directory_path() /
                   ("ferrum_bench_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + ".json");
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

} // namespace

TEST(FerrumBench, RecordedStreamIsExactAndBeatsTheReference) {
  if (!std::filesystem::exists(kData)) GTEST_SKIP() << "recorded stream not found at " << kData << " (see ../shared/data)";
  int status = -1;
  const nlohmann::json report = runBench("--input " + kData + " --baseline-age 6 --frames 300", &status);
  ASSERT_TRUE(report.is_object()) << "ferrum-bench wrote no JSON";
  EXPECT_EQ(status, 0);
  EXPECT_EQ(report["frames"], 300);
  for (int pps : {60, 30})
    for (const char* enc : {"seed (zlib)", "full quantized", "ferrum delta"}) {
      const nlohmann::json* e = find(report, enc, pps);
      ASSERT_NE(e, nullptr) << enc;
      EXPECT_TRUE((*e)["exact"].get<bool>()) << enc << " at " << pps;
    }
  const nlohmann::json* ours = find(report, "ferrum delta", 60);
  EXPECT_EQ((*ours)["packets_over_cap"], 0);
  EXPECT_LE((*ours)["max_packet_bytes"].get<int>(), 1200);
  EXPECT_EQ((*ours)["max_fresh_position_error_m"].get<double>(), 0.0); // the recording is on the grid
  // The reference encoder needs 172.5 kbit/s at baseline age 6 (data/README.md).
  // (No comparison with the seed here: 300 frames are dominated by the start-up, where
  // ferrum spreads the first full state over several capped packets.)
  EXPECT_LT((*ours)["kbps_mean"].get<double>(), 172.5);
}

TEST(FerrumBench, RejectsBadUsage) {
  int status = 0;
  runBench("--input /nonexistent/file", &status);
  EXPECT_NE(status, 0);
}
