// make demo's report: ferrum-demo runs a short match and writes report.md and the
// PNG plots (or, with no gnuplot on PATH, a report that says so).

#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

extern char** environ;
namespace fs = std::filesystem;

namespace {

bool onPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':'))
    if (!dir.empty() && access((fs::path(dir) / name).c_str(), X_OK) == 0) return true;
  return false;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

TEST(DemoReport, WritesReportAndPlots) {
  const fs::path out = fs::temp_directory_path() / ("ferrum-test-demo-report-" + std::to_string(getpid()));
  fs::remove_all(out);
  std::vector<std::string> args{(fs::path(FERRUM_APPS_DIR) / "ferrum-demo").string(), "--clients", "2",
                                "--duration", "4", "--out", out.string()};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  ASSERT_EQ(posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ), 0);
  // Bounded: about 7 s of match; killed if it hangs.
  int status = 0;
  bool exited = false;
  for (int i = 0; i < 900 && !exited; ++i) {
    exited = waitpid(pid, &status, WNOHANG) == pid;
    if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!exited) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  ASSERT_TRUE(exited) << "ferrum-demo did not finish within 90 s";

  // Each peer recorded per-second samples with crate positions on the tick grid.
  const auto server = nlohmann::json::parse(slurp(out / "server.json"), nullptr, false);
  ASSERT_FALSE(server.is_discarded());
  ASSERT_TRUE(server.contains("timeline"));
  ASSERT_GE(server["timeline"].size(), 3u);
  EXPECT_FALSE(server["timeline"][0]["crates"].empty());
  const auto client = nlohmann::json::parse(slurp(out / "client-1.json"), nullptr, false);
  ASSERT_FALSE(client.is_discarded());
  ASSERT_GE(client["timeline"].size(), 2u);

  const std::string report = slurp(out / "report.md");
  ASSERT_FALSE(report.empty());
  EXPECT_NE(report.find("How the position error is measured"), std::string::npos);
  EXPECT_NE(report.find("| client-2 |"), std::string::npos);
  if (!onPath("gnuplot")) {
    EXPECT_NE(report.find("gnuplot not found"), std::string::npos);
    GTEST_SKIP() << "gnuplot is not installed: the report without plots was checked";
  }
  for (const char* png : {"bandwidth.png", "rtt.png", "position-error.png"}) {
    const std::string bytes = slurp(out / png);
    ASSERT_GT(bytes.size(), 1000u) << png;
    EXPECT_EQ(bytes.substr(1, 3), "PNG") << png;
    EXPECT_NE(report.find(std::string("](") + png + ")"), std::string::npos) << png;
  }
  fs::remove_all(out);
}
