// The tools' exit codes (README, "Exit codes"): 0 done as asked, 1 could not (server
// lost, never joined), 2 bad usage (numbers out of range or not finite, unknown
// options, a config NetConfig refuses). Real processes on loopback, bounded waits.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/process.h"

namespace fs = std::filesystem;
using testing_support::ChildProcess;
using testing_support::readText;
using testing_support::scratchDir;
using testing_support::waitForWord;

namespace {

const fs::path kApps = FERRUM_APPS_DIR;

/// Runs `args` (the first is a tool's name in kApps) and returns its exit code;
/// stderr goes to `errFile` when given.
int exitCodeOf(std::vector<std::string> args, const fs::path& errFile = {}, double seconds = 30) {
  args[0] = (kApps / args[0]).string();
  ChildProcess p(args, "/dev/null", errFile.empty() ? fs::path("/dev/null") : errFile);
  return p.wait(seconds);
}

/// A UDP port nothing listens on any more: a server's, taken after it exited. Empty if
/// the server did not start or did not exit cleanly.
std::string portNobodyListensOn(const fs::path& dir) {
  ChildProcess server({(kApps / "ferrum-server").string(), "--bind", "127.0.0.1", "--port", "0", "--port-file",
                       (dir / "port").string(), "--duration", "0.5", "--crates", "0"},
                      "/dev/null", "/dev/null");
  const std::string port = waitForWord(dir / "port", 20);
  return server.wait(30) == 0 ? port : std::string();
}

} // namespace

TEST(ExitCodes, HelpAndVersionAreDone) {
  for (const char* tool : {"ferrum-server", "ferrum-client", "ferrum-demo", "ferrum-relay", "ferrum-soak",
                           "ferrum-rogue", "ferrum-bench"}) {
    EXPECT_EQ(exitCodeOf({tool, "--help"}), 0) << tool;
    EXPECT_EQ(exitCodeOf({tool, "--version"}), 0) << tool;
  }
}

TEST(ExitCodes, NumbersThatAreNotFiniteOrInRangeAreUsageErrors) {
  const std::vector<std::vector<std::string>> bad = {
      {"ferrum-server", "--duration", "-1"},        {"ferrum-server", "--duration", "nan"},
      {"ferrum-server", "--send-hz", "0"},          {"ferrum-server", "--sim-loss", "2"},
      {"ferrum-client", "--duration", "inf"},       {"ferrum-client", "--join-timeout", "nan"},
      {"ferrum-relay", "--duration", "-1"},         {"ferrum-relay", "--duration", "nan"},
      {"ferrum-demo", "--sim-loss", "2"},           {"ferrum-demo", "--duration", "nan"},
      {"ferrum-soak", "--loss", "nan"},             {"ferrum-bench", "view-error", "--loss", "nan"},
      {"ferrum-server", "--no-such-option"},        {"ferrum-client", "--connect", "127.0.0.1:0"},
  };
  for (const auto& args : bad) {
    std::string line;
    for (const auto& a : args) line += a + " ";
    EXPECT_EQ(exitCodeOf(args), 2) << line;
  }
}

TEST(ExitCodes, AClientThatNeverJoinsFails) {
  const fs::path dir = scratchDir("exit-never-joined");
  const std::string port = portNobodyListensOn(dir);
  ASSERT_FALSE(port.empty());
  EXPECT_EQ(exitCodeOf({"ferrum-client", "--connect", "127.0.0.1:" + port, "--join-timeout", "1"}, dir / "err"), 1);
  EXPECT_NE(readText(dir / "err").find("not joined"), std::string::npos) << readText(dir / "err");
}

TEST(ExitCodes, AClientThatLosesItsServerFailsAndSaysSo) {
  const fs::path dir = scratchDir("exit-server-lost");
  ChildProcess server({(kApps / "ferrum-server").string(), "--bind", "127.0.0.1", "--port", "0", "--port-file",
                       (dir / "port").string(), "--crates", "5"},
                      "/dev/null", "/dev/null");
  const std::string port = waitForWord(dir / "port", 20);
  ASSERT_FALSE(port.empty());
  // The server vanishes without a goodbye (SIGKILL) well inside the client's join
  // timeout, which used to make the client exit 0.
  ChildProcess client({(kApps / "ferrum-client").string(), "--connect", "127.0.0.1:" + port, "--duration", "60",
                       "--join-timeout", "30", "--stats-json", (dir / "client.json").string()},
                      "/dev/null", dir / "err");
  // Kill the server once the client has joined (its log says so on stderr).
  for (int i = 0; i < 200 && readText(dir / "err").find("joined as client") == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_NE(readText(dir / "err").find("joined as client"), std::string::npos) << readText(dir / "err");
  server.wait(0); // SIGKILL
  EXPECT_EQ(client.wait(60), 1);
  EXPECT_NE(readText(dir / "err").find("server lost"), std::string::npos) << readText(dir / "err");
  EXPECT_EQ(readText(dir / "err").find("not joined"), std::string::npos) << readText(dir / "err");
}

TEST(ExitCodes, AClientWhoseServerEndsTheGameIsDoneAndSaysWhy) {
  const fs::path dir = scratchDir("exit-server-ended");
  ChildProcess server({(kApps / "ferrum-server").string(), "--bind", "127.0.0.1", "--port", "0", "--port-file",
                       (dir / "port").string(), "--duration", "4", "--crates", "5"},
                      "/dev/null", "/dev/null");
  const std::string port = waitForWord(dir / "port", 20);
  ASSERT_FALSE(port.empty());
  ChildProcess client({(kApps / "ferrum-client").string(), "--connect", "127.0.0.1:" + port, "--duration", "60",
                       "--join-timeout", "30"},
                      "/dev/null", dir / "err");
  EXPECT_EQ(server.wait(60), 0);
  EXPECT_EQ(client.wait(60), 0) << readText(dir / "err");
  EXPECT_NE(readText(dir / "err").find("the server ended the game"), std::string::npos) << readText(dir / "err");
}

// The window honours --join-timeout too: it used to show an empty arena forever.
TEST(ExitCodes, AWindowThatNeverJoinsGivesUpAtItsJoinTimeout) {
  const fs::path dir = scratchDir("exit-window-never-joined");
  const std::string port = portNobodyListensOn(dir);
  ASSERT_FALSE(port.empty());
  setenv("SDL_VIDEODRIVER", "offscreen", 1);     // no display needed
  setenv("ASAN_OPTIONS", "detect_leaks=0", 1);   // Mesa's unload leaks (see play_test.cpp)
  EXPECT_EQ(exitCodeOf({"ferrum-client", "--view", "--mute", "--connect", "127.0.0.1:" + port, "--join-timeout", "1"},
                       dir / "err", 60),
            1);
  EXPECT_NE(readText(dir / "err").find("not joined"), std::string::npos) << readText(dir / "err");
}

// ferrum-bench's outputs: a --json or --plots directory that cannot be created (here a
// file stands in the way) used to abort on an uncaught filesystem error, after the
// run. It is bad usage, told before anything runs.
TEST(ExitCodes, ABenchOutputThatCannotBeCreatedIsBadUsage) {
  const fs::path dir = scratchDir("exit-bench-output");
  std::ofstream(dir / "a-file") << "in the way\n";
  const std::string blocked = (dir / "a-file" / "out").string();
  const std::vector<std::vector<std::string>> runs = {
      {"ferrum-bench", "scale", "--clients", "1", "--bodies", "0", "--seconds", "1", "--json", blocked + "/x.json"},
      {"ferrum-bench", "scale", "--clients", "1", "--bodies", "0", "--seconds", "1", "--plots", blocked},
      {"ferrum-bench", "bandwidth", "--scenario", "cubes", "--frames", "2", "--json", blocked + "/x.json"},
      {"ferrum-bench", "view-error", "--seconds", "1", "--json", blocked + "/x.json"},
      {"ferrum-bench", "client-cost", "--crates", "0", "--seconds", "1", "--json", blocked + "/x.json"},
  };
  for (const auto& args : runs) {
    EXPECT_EQ(exitCodeOf(args, dir / "err"), 2) << args[1] << " " << args[args.size() - 2];
    const std::string err = readText(dir / "err");
    EXPECT_NE(err.find("cannot create directory"), std::string::npos) << err;
    EXPECT_NE(err.find(blocked), std::string::npos) << err;
  }
}

// A report that cannot be written once the run is over (here a directory stands where
// the JSON file goes, so only the final rename fails) is a runtime failure: the run
// happened, its report did not get written (exit 1, not bad usage).
TEST(ExitCodes, ABenchReportNotWrittenAfterTheRunIsARuntimeFailure) {
  const fs::path dir = scratchDir("exit-bench-report");
  const fs::path occupied = dir / "report.json";
  fs::create_directories(occupied);
  const std::vector<std::vector<std::string>> runs = {
      {"ferrum-bench", "scale", "--clients", "1", "--bodies", "0", "--seconds", "1", "--settle-seconds", "0", "--json",
       occupied.string()},
      {"ferrum-bench", "bandwidth", "--scenario", "cubes", "--frames", "2", "--json", occupied.string()},
  };
  for (const auto& args : runs) {
    EXPECT_EQ(exitCodeOf(args, dir / "err"), 1) << args[1];
    EXPECT_NE(readText(dir / "err").find(occupied.string()), std::string::npos) << readText(dir / "err");
  }
}
